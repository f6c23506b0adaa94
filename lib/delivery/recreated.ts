/**
 * The objects of a stage that its engine deletes and creates anew rather than updates, so that a
 * field the API server will not change is no refused sync there (lib/output-changes.ts asks, and
 * says what the recreation costs): Argo CD's sync hooks, which it deletes before each sync creates
 * them again, or never applies; and an object the engine is told to force: deleted and created anew
 * when the API server refuses its update, or, for Argo CD's `Replace=true`, at every sync. Pure.
 */
import type { Engine } from '../model/engines.js';
import { ARGOCD_HOOK, argoCdHook } from '../model/hooks.js';
import type { KubeObject } from '../model/object.js';
import { ARGOCD_SYNC_OPTIONS, argoCdSyncOptions, FLUX_FORCE, fluxForceApplied, fluxMetadata } from './object-options.js';

/**
 * The deletion policies of a hook, by annotation, each spelled exactly as the engine reads it (any
 * other spelling, `hooksucceeded` or `HookSucceded`, is dropped), as Argo CD's own names
 * (gitops-engine `pkg/sync/common` NewHookDeletePolicy, `pkg/sync/hook/helm` NewDeletePolicy).
 */
const HOOK_DELETE_POLICIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'argocd.argoproj.io/hook-delete-policy': {
    BeforeHookCreation: 'BeforeHookCreation',
    HookSucceeded: 'HookSucceeded',
    HookFailed: 'HookFailed',
  },
  'helm.sh/hook-delete-policy': {
    'before-hook-creation': 'BeforeHookCreation',
    'hook-succeeded': 'HookSucceeded',
    'hook-failed': 'HookFailed',
  },
};

/**
 * Flux deletes and creates anew an object whose update the API server refuses (an immutable field)
 * when it or the object in the cluster carries this annotation or label, in any case
 * (kustomize-controller's force selector, read by fluxcd/pkg ssa `shouldForceApply` on both), with
 * background propagation: a workload's pods go with it at once (fluxcd/pkg#603). Argo CD's sync
 * options, each exact, white space trimmed (gitops-engine HasAnnotationOption, read on the manifest
 * alone): `Force=true` has its client-side `kubectl apply --force` delete and create the object anew
 * when its update is refused (with `ServerSideApply=true` it only forces conflicts); with
 * `Replace=true` too, `kubectl replace --force` deletes and creates it at every sync that applies it,
 * changed or not (stagecraft's Applications apply every object: no ApplyOutOfSyncOnly). Here: the
 * annotation that has `engine` delete and create an object anew only when the API server refuses its
 * update, as written in a manifest.
 */
export const FORCE_ANNOTATION: Readonly<Record<Engine, string>> = {
  argocd: `${ARGOCD_SYNC_OPTIONS}: Force=true`,
  flux: FLUX_FORCE.written,
};

/**
 * How an engine deletes and creates an object anew rather than updates it: `hook`, an Argo CD sync
 * hook deleted before each sync creates it again (or never applied); `refused`, whenever the API
 * server refuses its update; `every-sync`, at every sync (Argo CD's `Force=true,Replace=true`).
 */
export interface Recreation {
  readonly when: 'hook' | 'refused' | 'every-sync';
  /** What in the object's metadata says so, as written (`the annotation kustomize.toolkit.fluxcd.io/force: Enabled`). */
  readonly by: string;
  /**
   * Flux's force as the object in the cluster carries it (applied from the output before), which Flux
   * reads as well: removed in the commit that changes the field, it still has the object recreated.
   */
  readonly inCluster?: string;
}

/**
 * Whether a hook's object is deleted before the next sync creates it again: Argo CD's
 * `BeforeHookCreation` (Helm's `before-hook-creation`), also its policy when the hook names no
 * valid one (gitops-engine `pkg/sync/hook` DeletePolicies, in the copy kept in argo-cd's own
 * repository; its docs say so since argo-cd#25170); with `HookSucceeded` or `HookFailed`
 * alone, a hook that ended the other way stays, and the next sync updates it.
 */
function deletedBeforeCreation(annotations: Readonly<Record<string, string>>): boolean {
  return hookDeletePolicies(annotations).includes('BeforeHookCreation');
}

/** Argo CD's deletion policy of a hook that names no valid one (gitops-engine `pkg/sync/hook` DeletePolicies). */
const DEFAULT_HOOK_DELETE_POLICY = 'BeforeHookCreation';

/** The deletion policies Argo CD takes for a hook, by Argo CD's names: those written as it spells them, else its default. */
export function hookDeletePolicies(annotations: Readonly<Record<string, string>>): string[] {
  const policies = Object.entries(HOOK_DELETE_POLICIES).flatMap(([annotation, names]) =>
    (annotations[annotation]?.split(',') ?? []).flatMap((p) => (Object.hasOwn(names, p.trim()) ? [names[p.trim()]] : [])),
  );
  return policies.length === 0 ? [DEFAULT_HOOK_DELETE_POLICY] : policies;
}

/** Whether Argo CD never updates `o` in place as a hook: one deleted before each creation, or one it never applies. */
function argoHook(annotations: Readonly<Record<string, string>>): boolean {
  const hook = argoCdHook(annotations);
  return hook === 'never' || (hook === 'runs' && deletedBeforeCreation(annotations));
}

/**
 * How `engine` deletes and creates `o` anew rather than updating it, or undefined when it updates it
 * in place (and has its update refused): for Argo CD, a sync hook (`argocd.argoproj.io/hook`, or a
 * Helm hook, which it runs as one) deleted before each creation or never applied, an object of
 * `Force=true` (client-side apply), or of `Force=true,Replace=true`; for Flux, one of
 * `kustomize.toolkit.fluxcd.io/force: enabled`, or whose object in the cluster (`applied`, as the
 * output before had it, when Flux applied that) has it. kubectl (no engine) updates every object.
 */
export function recreatedAtSync(engine: Engine | undefined, o: KubeObject, applied?: KubeObject): Recreation | undefined {
  const annotations = o.metadata.annotations ?? {};
  if (engine === 'flux') {
    const now = fluxMetadata(o, FLUX_FORCE.name, FLUX_FORCE.value);
    const inCluster = applied && fluxForceApplied(applied);
    if (inCluster) return { when: 'refused', by: now ?? `${inCluster}, as applied`, inCluster };
    return now ? { when: 'refused', by: now } : undefined;
  }
  if (engine !== 'argocd') return undefined;
  if (argoHook(annotations)) return { when: 'hook', by: `the annotation ${ARGOCD_HOOK}` };
  const { options, written } = argoCdSyncOptions(o);
  if (!options.includes('Force=true')) return undefined;
  const by = `the annotation ${ARGOCD_SYNC_OPTIONS}: ${written}`;
  if (options.includes('Replace=true')) return { when: 'every-sync', by };
  return options.includes('ServerSideApply=true') ? undefined : { when: 'refused', by };
}
