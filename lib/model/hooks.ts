/**
 * Sync hooks, as an object's annotations declare them: Helm's (`helm.sh/hook`), which kubectl and
 * Flux apply as any object, and Argo CD's (`argocd.argoproj.io/hook`), which with the Helm hooks it
 * maps decide whether Argo CD runs the object at a step of each sync, leaving it out of its
 * comparison, or never applies it. Data and pure readers: lib/checks (api/helm-hook, api/job-ttl)
 * and lib/delivery/recreated.ts ask.
 */
import { ownEntry } from './object.js';

/** The annotation that makes an object a Helm hook: created by Helm at a step of a release, not installed with the chart. */
export const HELM_HOOK = 'helm.sh/hook';

/** Argo CD's sync hook annotation (PreSync, Sync, PostSync, SyncFail, Skip...). */
export const ARGOCD_HOOK = 'argocd.argoproj.io/hook';

/**
 * What a hook with no deletion policy written gets: BeforeHookCreation (gitops-engine
 * `pkg/sync/hook` DeletePolicies, in the copy kept in argo-cd's own repository; documented since argo-cd#25170).
 */
export const UNWRITTEN_POLICY = 'without one, Argo CD deletes the hook before the next sync creates it again (BeforeHookCreation)';

/** Helm 2's hook for a CRD, which Helm 3, kubectl and Argo CD all take for an ordinary object. */
const CRD_INSTALL = 'crd-install';

/** The hooks a `helm.sh/hook` annotation names, but `crd-install`, which is no hook to anyone: none for an ordinary object. */
export const helmHooks = (annotation: string): string[] =>
  annotation
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '' && h !== CRD_INSTALL);

/** The Helm hooks Argo CD runs as sync hooks (gitops-engine `pkg/sync/hook/helm`); it applies an object of any other hook never. */
export const ARGOCD_HOOKS: Readonly<Record<string, string>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/**
 * The steps of a sync at which Argo CD runs an object, by its annotations: its own hooks as written
 * (`PreSync`, `Sync`, `PostSync`, `SyncFail`, `Skip`...), else the Helm hooks it maps (a pre-install
 * hook is a PreSync one; a Helm hook of another step, a test, is none); [] for no hook. Its own
 * annotation rules over Helm's (gitops-engine reads Helm's only without it).
 */
function argoCdSteps(annotations: Readonly<Record<string, unknown>>): {
  readonly argo: boolean;
  readonly steps: readonly string[];
  readonly helm: number;
} {
  // (an object not yet checked may have an annotation that is no string: the schema check says so)
  const text = (key: string) => (typeof annotations[key] === 'string' ? annotations[key] : undefined);
  const argo = text(ARGOCD_HOOK);
  if (argo !== undefined) return { argo: true, steps: argo.split(',').map((h) => h.trim()), helm: 0 };
  const helm = helmHooks(text(HELM_HOOK) ?? '');
  return { argo: false, steps: helm.flatMap((h) => ownEntry(ARGOCD_HOOKS, h) ?? []), helm: helm.length };
}

/**
 * How Argo CD takes an object by its annotations: `runs`, a sync hook it creates at its step of
 * every sync and leaves out of its comparison (so a hook the cluster deleted is no drift); `never`,
 * one it never applies (`Skip` alone, or a Helm hook of another step, a test); undefined, no hook:
 * applied and compared as any object.
 */
export function argoCdHook(annotations: Readonly<Record<string, unknown>>): 'runs' | 'never' | undefined {
  const { argo, steps, helm } = argoCdSteps(annotations);
  if (argo) return steps.every((h) => h === 'Skip') ? 'never' : 'runs';
  if (helm === 0) return undefined;
  return steps.length ? 'runs' : 'never';
}

/** Whether Argo CD runs an object as a PreSync hook: before it applies anything else of the stage, at every sync. */
export const argoCdPreSync = (annotations: Readonly<Record<string, unknown>>): boolean =>
  argoCdSteps(annotations).steps.includes('PreSync');
