/**
 * What of a stage's sync policy (`delivery.sync`, lib/config/delivery.ts) each engine honours, as
 * the engines take it: each setting resolved (`resolvedSync`), what Flux cannot honour (refused,
 * `syncMismatches`), and the timeouts said, not refused (under Flux's 30s, written where no engine
 * reads one). Pure.
 */
import { goDuration } from '../model/cron.js';
import type { Engine } from '../model/engines.js';

/**
 * The shortest timeout Flux keeps: it takes a Kustomization's `spec.timeout` under 30 seconds, `0s`
 * too, as 30 seconds (`GetTimeout`, kustomize-controller api/v1/kustomization_types.go).
 */
const FLUX_MIN_TIMEOUT = { ns: 30_000_000_000n, text: '30s' };

/** The longest duration Go reads (2^63 - 1 ns), as it writes it. */
const GO_MAX_DURATION = '2562047h47m16.854775807s';

/** What to write for a Flux timeout. */
const FLUX_TIMEOUT = `how long applying the stage and its rollouts (and migration Jobs) may take, ${FLUX_MIN_TIMEOUT.text} or more (5m when none is written, 1h for a long migration)`;

/** A sync setting that an engine cannot honour, or reads none of: why, and what to write instead. */
export interface SyncMismatch {
  readonly code: 'delivery/sync';
  /** The setting under `delivery.sync`. */
  readonly setting: 'selfHeal' | 'timeout';
  readonly message: string;
  readonly hint: string;
}

/**
 * What of a sync policy (each setting resolved: stage over project file over default) `engine`
 * cannot honour. Flux's kustomize-controller applies the whole stage again at every interval and
 * so puts back whatever was changed by hand: its Kustomization has nothing that leaves drift alone
 * yet applies new commits (`spec.ignore` leaves the paths it names out of the apply as well, new
 * commits included), so `selfHeal: false` is refused while Flux applies the stage by itself. A
 * suspended stage (`automated: false`) is left as it is until someone resumes it, which then
 * applies it whole, as Argo CD's manual sync does: there `selfHeal` means nothing to either engine.
 * `prune` and `automated` each have their Flux field (`spec.prune`, `spec.suspend`). A `timeout`
 * of `0s`, which reads as "no limit", is taken as 30s, suspended or not (`shortFluxTimeout` says
 * what another under 30s does); one past Go's longest duration, which the schema's pattern and the
 * CRD's take, Flux cannot read at all.
 */
export function syncMismatches(
  engine: Engine,
  sync: { readonly automated: boolean; readonly prune: boolean; readonly selfHeal: boolean; readonly timeout?: string },
): SyncMismatch[] {
  if (engine !== 'flux') return [];
  const found: SyncMismatch[] = [];
  if (!sync.selfHeal && sync.automated)
    found.push({
      code: 'delivery/sync',
      setting: 'selfHeal',
      message:
        'Flux cannot leave drift alone: it applies the whole stage again at every interval, putting back what was changed by hand in the cluster',
      hint: 'remove selfHeal: false (Flux always puts back drift), or deliver with Argo CD (engine: argocd), which can leave drift alone',
    });
  const ns = sync.timeout === undefined ? undefined : goDuration(sync.timeout);
  // past Go's longest duration (about 292 years): the schema's pattern and the CRD's take it, Go's time.ParseDuration does not
  if (typeof ns === 'string')
    found.push({
      code: 'delivery/sync',
      setting: 'timeout',
      message: `Flux cannot read the timeout ${sync.timeout}, longer than Go's longest duration (${GO_MAX_DURATION}): its kustomize-controller would fail to decode the Kustomization, which the cluster accepts, and with it the list of every Kustomization it watches, so that no stage is applied`,
      hint: `write ${FLUX_TIMEOUT}`,
    });
  // `0s` reads as "no limit", which Flux has not: a stage that takes longer than 30s to become ready would fail at every apply
  if (ns === 0n)
    found.push({
      code: 'delivery/sync',
      setting: 'timeout',
      message: `Flux has no timeout that means no limit, and takes ${sync.timeout} as ${FLUX_MIN_TIMEOUT.text}: the stage is marked failed when its objects are not ready ${FLUX_MIN_TIMEOUT.text} after each apply began, and the stages after it wait`,
      hint: `write ${FLUX_TIMEOUT}`,
    });
  return found;
}

/**
 * A Flux `timeout` under 30s but `0s` (which `syncMismatches` refuses): Flux takes it as 30s, which
 * only gives the stage longer than written, so it is said, not refused.
 */
export function shortFluxTimeout(engine: Engine, timeout: string | undefined): SyncMismatch | undefined {
  // (the schema's DURATION: a Go duration, never refused here)
  const ns = engine === 'flux' && timeout !== undefined ? goDuration(timeout) : undefined;
  if (typeof ns !== 'bigint' || ns === 0n || ns >= FLUX_MIN_TIMEOUT.ns) return undefined;
  const min = FLUX_MIN_TIMEOUT.text;
  return {
    code: 'delivery/sync',
    setting: 'timeout',
    message: `Flux takes a timeout under ${min} as ${min}: the stage is given ${min}, not ${timeout}, to become ready after each apply began`,
    hint: `write ${min}, which is what Flux uses, or ${FLUX_TIMEOUT}`,
  };
}

/**
 * What of the sync policy a stage's `delivery.sync` writes `engine` reads none of, to be said, not
 * refused: Argo CD waits for a stage's health without a limit of its own, so a `timeout` there is
 * ignored (Flux's Kustomization reads it). Only the stage's own: the project file's may be there
 * for the stages Flux delivers, and a stage cannot unset what it inherits (`unreadProjectTimeout`
 * says it once when no stage reads it).
 */
export function ignoredSyncSettings(engine: Engine, sync: { readonly timeout?: string } = {}): SyncMismatch[] {
  if (engine !== 'argocd' || sync.timeout === undefined) return [];
  return [
    {
      code: 'delivery/sync',
      setting: 'timeout',
      message: `Argo CD reads no timeout: it waits for the stage's objects to become healthy without a limit of its own, so this one (${sync.timeout}) is ignored`,
      hint: "remove sync.timeout from this stage's delivery:, or deliver the stage with Flux (engine: flux), whose Kustomization marks it failed past its timeout",
    },
  ];
}

/**
 * The project file's `delivery.sync.timeout` when no stage reads it, to be said once, not refused:
 * only a stage Flux delivers reads it, and only when it writes no timeout of its own. Without one
 * (every stage delivered by Argo CD, say) the value is silently unused. None when no stage is delivered.
 * @param stages each delivered stage's engine (its own, else the project file's) and its own timeout
 */
export function unreadProjectTimeout(
  timeout: string | undefined,
  stages: readonly { readonly engine?: Engine; readonly timeout?: string }[],
): SyncMismatch | undefined {
  if (timeout === undefined || stages.length === 0) return undefined;
  const flux = stages.filter((s) => s.engine === 'flux');
  if (flux.some((s) => s.timeout === undefined)) return undefined;
  return {
    code: 'delivery/sync',
    setting: 'timeout',
    message: flux.length
      ? `no stage reads this timeout (${timeout}): every stage Flux delivers writes its own, and Argo CD reads none`
      : `no stage is delivered by Flux, whose Kustomization alone reads a timeout (Argo CD waits for a stage's objects to become healthy without a limit of its own), so this one (${timeout}) is ignored`,
    hint: 'remove sync.timeout from the delivery: of the project file, or deliver a stage with Flux (engine: flux) without a timeout of its own',
  };
}

/** A sync policy's settings as the engines take them: each as written, else its default (every one true; `timeout` the engine's). */
export function resolvedSync(
  sync: { readonly automated?: boolean; readonly prune?: boolean; readonly selfHeal?: boolean; readonly timeout?: string } = {},
): { automated: boolean; prune: boolean; selfHeal: boolean; timeout?: string } {
  const resolved = { automated: sync.automated ?? true, prune: sync.prune ?? true, selfHeal: sync.selfHeal ?? true };
  // no default here: each engine has its own (Flux's in lib/delivery/flux.ts; Argo CD has none)
  return sync.timeout === undefined ? resolved : { ...resolved, timeout: sync.timeout };
}
