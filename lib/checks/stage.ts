/**
 * The checks of a rendered stage (`checkStage`): `CHECKS` over its charts' objects, with what the
 * render cache kept of an earlier run of them on a cached app's objects (lib/model/kept-checks.ts):
 * the per-object results of its objects, and the traced checks' results with the lookups they
 * made, reused while those lookups find the same. An app whose every result is kept is checked
 * through stand-ins for its objects (`standInsOf`), which are read only when a check must look at
 * them. Then the static Pods of each node, and the node files that are no API objects.
 */
import type { Problem } from '../errors.js';
import type { KeptChecks, KeptObject, KeptReferences } from '../model/kept-checks.js';
import type { KubeObject } from '../model/object.js';
import { digest } from '../synth/inventory.js';
import { standInsOf } from '../synth/app-summary.js';
import { NAMESPACE_CHART, type RenderedChart, type RenderedStage } from '../synth/rendered.js';
import { CHECKS, OBJECT_CHECKS, checkObjects, type CheckMemo, type CheckOptions, type CheckResult, type TracedResult } from './index.js';
import { isGet, type StandIn } from './object-index.js';

/**
 * What the traced checks found on each object of an app, with every lookup made for any of them
 * once; undefined unless each object was traced, for the same options. A lookup by name that found
 * one of the app's own objects is left out: its results are reused only while each of its objects
 * is the first of its kind, namespace and name (`CheckRun.tracedPlan`, check-run.ts), and then such a lookup finds it.
 * Such a lookup is told by what it found: the identity of one of the app's objects (two objects of one
 * identity are the same, so the one found is filed under the key the lookup asked for, `ObjectIndex.get`);
 * no key is made per object (a fleet stage's 15,000 objects made as many).
 */
function keptReferences(
  objects: readonly KubeObject[],
  traced: readonly ({ context: string; kept: TracedResult } | undefined)[],
  identity: (o: KubeObject) => string,
): KeptReferences | undefined {
  const context = traced[0]?.context;
  if (context === undefined || traced.some((t) => t?.context !== context)) return undefined;
  const own = new Set<string>();
  for (let i = 0; i < objects.length; i++) own.add(identity(objects[i]));
  const traces = new Map<string, string>();
  for (let i = 0; i < traced.length; i++) {
    const kept = traced[i]!.kept.traces;
    for (let j = 0; j < kept.length; j++) {
      const [query, found] = kept[j];
      if (!(own.has(found) && isGet(query))) traces.set(query, found);
    }
  }
  return { context, traces: [...traces], findings: traced.map((t) => t!.kept.findings) };
}

/** The per-object checks whose findings the stage's secret screen reads with their object's values (lib/stage-secrets.ts). */
const SECRET_CHECKS = new Set(OBJECT_CHECKS.flatMap((c, i) => (c.name === 'secret-content' || c.name === 'secret-values' ? [i] : [])));

/**
 * Whether the checks can take a chart's objects as its summary names them: an app from the render
 * cache whose objects are all plain to the checks across objects (`AppSummary.plain`), with the
 * results of every per-object check and of the traced checks kept for them, and no finding about
 * a secret value (which is screened with the object's values).
 */
function settled(c: RenderedChart, kept: KeptChecks | undefined): boolean {
  const n = c.summary?.heads.length;
  if (!kept || !c.summary?.plain || c.serialized?.digests.length !== n) return false;
  const secretFree = (r: KeptObject | null) =>
    r?.every(([check, found]) => !SECRET_CHECKS.has(check) || found.findings.length === 0) === true;
  return kept.results.length === n && kept.results.every(secretFree) && kept.references?.findings.length === n;
}

/**
 * What the render cache keeps of one object of a chart (at `place`): its per-object results, the
 * traced checks' results, its identity; and, for a stand-in (`labels` given, those of the pod
 * templates of the chart's objects by place), the object it stands for.
 */
class Known implements StandIn {
  /** The per-object results kept for it, if any. */
  readonly results: KeptObject | undefined;
  /** For a custom resource whose results are kept, what they read of the CRDs (`crdContext`): they hold only for the same. */
  readonly crds: string | undefined;
  /** The digest of its document, when the chart has one per object. */
  readonly identity: string | undefined;
  /** Whether it is a stand-in (`standInsOf`), not the object. */
  readonly standsIn: boolean;
  readonly labels?: Readonly<Record<string, string>>;

  /** @param workloads for a stand-in, the labels of the pod templates of the chart's objects, by place */
  constructor(
    private readonly chart: RenderedChart,
    private readonly place: number,
    private readonly objects: number,
    kept: KeptChecks | undefined,
    workloads: ReadonlyMap<number, Readonly<Record<string, string>>> | undefined,
    private readonly identities: Map<KubeObject, string>,
  ) {
    this.results = kept?.results.length === objects ? (kept.results[place] ?? undefined) : undefined;
    this.crds = kept?.crds?.length === objects ? (kept.crds[place] ?? undefined) : undefined;
    const digests = chart.serialized?.digests;
    this.identity = digests?.length === objects ? digests[place] : undefined;
    this.standsIn = workloads !== undefined;
    this.labels = workloads?.get(place);
  }

  /** What the traced checks found on it for the options in `context`, and every lookup its app's objects made. */
  references(context: string): TracedResult | undefined {
    const kept = this.chart.checks?.references;
    if (kept?.context !== context || kept.findings.length !== this.objects) return undefined;
    return { traces: kept.traces, findings: kept.findings[this.place] };
  }

  /** The object a stand-in stands for (its chart's objects read from the render cache once), known by the same identity. */
  real(): KubeObject {
    const object = this.chart.objects[this.place];
    if (this.identity !== undefined) this.identities.set(object, this.identity);
    return object;
  }
}

/** What the checks found in a rendered stage. */
export interface StageCheckResult extends CheckResult {
  /** Problems of the stage as a whole: bad input, reported like a wrong stage file. */
  readonly problems: readonly Problem[];
  /** Per chart, what the per-object checks found on its objects, to keep with them (lib/synth/rendered.ts, `keepApps`). */
  readonly kept: ReadonlyMap<string, KeptChecks>;
}

/** The check options the per-object checks read: their results are kept for these options only. */
export function objectCheckContext(options: CheckOptions): string {
  // the engine only when there is one: what was kept for a stage delivered by none still holds
  return JSON.stringify({ podSecurity: options.podSecurity ?? 'baseline', ...(options.engine ? { engine: options.engine } : {}) });
}

/**
 * Every check over a rendered stage: the stage checks, then the object checks over its charts'
 * objects, then over the static Pods of each node on their own (a kubelet names its static pods
 * after the node, so the same pod on two nodes is no duplicate). The per-object results a chart
 * brings from the render cache (`checks`) are used instead of checking its objects again.
 */
export function checkStage(r: RenderedStage, options: CheckOptions): StageCheckResult {
  const problems = CHECKS.flatMap((check) => (check.scope === 'stage' ? check.run(r) : []));
  const context = objectCheckContext(options);
  /** What the render cache keeps of each object of a chart that has its results (the object, or its stand-in). */
  const known = new Map<KubeObject, Known>();
  /** Identities of objects no chart gives one for (the digest of their JSON), and of objects read for their stand-ins. */
  const identities = new Map<KubeObject, string>();
  /** Whether any chart is seen through stand-ins: when none is, no object needs asking what it stands for. */
  let anyStandIn = false;
  /** Per chart, the objects the checks see: stand-ins for those of a cached app whose every result is kept (`settled`). */
  const seen = r.charts.map((c) => {
    const kept = c.checks?.context === context && c.checks.checks === OBJECT_CHECKS.length ? c.checks : undefined;
    const standIns = settled(c, kept) ? standInsOf(c.summary!) : undefined;
    if (standIns) anyStandIn = true;
    const objects = standIns ?? c.objects;
    if (kept || (c.checks && c.serialized)) {
      const labels = standIns && new Map(c.summary!.workloads);
      for (let i = 0; i < objects.length; i++) known.set(objects[i], new Known(c, i, objects.length, kept, labels, identities));
    } else if (c.serialized?.digests.length === objects.length) {
      // an app rendered now (every app of a cold synthesis): nothing kept for its objects, only their identities
      const { digests } = c.serialized;
      for (let i = 0; i < objects.length; i++) identities.set(objects[i], digests[i]);
    }
    return objects;
  });
  const made = new Map<KubeObject, KeptObject>();
  /** What the per-object checks read of the CRDs for the custom resources in `made`. */
  const madeCrds = new Map<KubeObject, string>();
  const madeReferences = new Map<KubeObject, { context: string; kept: TracedResult }>();
  const memo: CheckMemo = {
    get: (o, crds) => {
      const k = known.get(o);
      // a custom resource's results only for the CRDs they were made with; a built-in object's, never a custom resource's
      return k && k.crds === crds ? k.results : undefined;
    },
    set: (o, results, crds) => {
      made.set(o, results);
      if (crds !== undefined) madeCrds.set(o, crds);
    },
    references: (o, context) => known.get(o)?.references(context),
    keepReferences: (o, context, kept) => madeReferences.set(o, { context, kept }),
    identity: (o) => {
      let id = known.get(o)?.identity ?? identities.get(o);
      // an object of no cached or keyed app (the namespace chart's, a required Secret): the digest of its JSON
      if (id === undefined) identities.set(o, (id = `json:${digest(JSON.stringify(o))}`));
      return id;
    },
    standIn: anyStandIn
      ? (o) => {
          const k = known.get(o);
          return k?.standsIn ? k : undefined;
        }
      : undefined,
  };
  // the stage's own chart is stagecraft's (its ExternalSecrets are made from validated settings);
  // any other custom resource without a known CRD would be written unvalidated: an error
  const own = new Set(r.charts.find((c) => c.name === NAMESPACE_CHART)?.objects);
  const objects = seen.flat();
  const checked = checkObjects(objects, { ...options, unknownCustomKinds: 'error', ownObjects: own, written: true }, memo);
  const results: CheckResult[] = [checked];
  const byNode = new Map<string, KubeObject[]>();
  for (const f of r.nodeFiles) if (f.document.kind === 'Pod') byNode.set(f.node, [...(byNode.get(f.node) ?? []), f.document as KubeObject]);
  for (const pods of byNode.values()) results.push(checkObjects(pods, options));
  // the other node files (a kubeconfig) are no API objects, but may hold a token
  const others = r.nodeFiles.filter((f) => f.document.kind !== 'Pod').map((f) => f.document as KubeObject);
  if (others.length) results.push(checkObjects(others, options));
  const kept = new Map(
    r.charts.map((c, i) => {
      // made now before kept: a custom resource's kept results for other CRDs were checked again
      const results = seen[i].map((o) => made.get(o) ?? known.get(o)?.results ?? null);
      const crds = seen[i].map((o) => (made.has(o) ? madeCrds.get(o) : known.get(o)?.results && known.get(o)?.crds) ?? null);
      const checks: KeptChecks = {
        context,
        checks: OBJECT_CHECKS.length,
        results,
        // only for an app with a custom resource kept: the others' entries are as they were
        ...(crds.some((c) => c !== null) ? { crds } : {}),
      };
      const references = keptReferences(
        seen[i],
        seen[i].map((o) => madeReferences.get(o)),
        memo.identity!,
      );
      return [c.name, references ? { ...checks, references } : checks] as const;
    }),
  );
  return { problems, findings: results.flatMap((c) => c.findings), exceptions: results.flatMap((c) => c.exceptions), kept };
}
