/**
 * The objects of a stage that its engine never updates in place, so that a field the API server
 * will not change is no refused sync there (lib/output-changes.ts asks): Argo CD's sync hooks, which
 * it deletes and creates anew at each sync, or never applies; and an object the engine is told to
 * delete and create anew when the API server refuses its update. Pure.
 */
import { ARGOCD_HOOKS, HELM_HOOK, helmHooks } from '../checks/api-rules-meta.js';
import type { Engine } from '../model/engines.js';
import type { KubeObject } from '../model/object.js';

/** Argo CD's sync hook annotation (PreSync, Sync, PostSync, SyncFail, Skip...) and the deletion policies of hooks. */
const ARGOCD_HOOK = 'argocd.argoproj.io/hook';
const HOOK_DELETE_POLICIES = ['argocd.argoproj.io/hook-delete-policy', 'helm.sh/hook-delete-policy'];

/**
 * Flux deletes and creates anew an object whose update the API server refuses (an immutable field)
 * when it carries this annotation or label `enabled` (kustomize-controller, Flux 0.38 and 2.x).
 */
const FLUX_FORCE = 'kustomize.toolkit.fluxcd.io/force';
/** Argo CD's sync options of an object: with `Force=true,Replace=true` it deletes and creates it anew when its update is refused. */
const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** The annotation that has `engine` delete and create an object anew when the API server refuses its update, as written in a manifest. */
export const FORCE_ANNOTATION: Readonly<Record<Engine, string>> = {
  argocd: `${ARGOCD_SYNC_OPTIONS}: Force=true,Replace=true`,
  flux: `${FLUX_FORCE}: enabled`,
};

/**
 * Whether a hook's object is deleted before the next sync creates it again: Argo CD's
 * `BeforeHookCreation` (Helm's `before-hook-creation`), also its policy when the hook names none
 * (gitops-engine `pkg/sync/hook`); with `HookSucceeded` or `HookFailed` alone, a hook that ended the
 * other way stays, and the next sync updates it.
 */
function deletedBeforeCreation(annotations: Readonly<Record<string, string>>): boolean {
  const policies = HOOK_DELETE_POLICIES.flatMap((a) => annotations[a]?.split(',') ?? [])
    .map((p) => p.trim().toLowerCase().replace(/-/g, ''))
    .filter(Boolean);
  return policies.length === 0 || policies.includes('beforehookcreation');
}

/**
 * Whether `engine` never updates `o` in place, so never has its update refused: for Argo CD, a
 * sync hook (`argocd.argoproj.io/hook`, or a Helm hook, which it runs as one) deleted before each
 * creation, a hook it never applies (`Skip`, a Helm test), or an object of `Force=true,Replace=true`;
 * for Flux, one of `kustomize.toolkit.fluxcd.io/force: enabled`. kubectl (no engine) updates every object.
 */
export function recreatedAtSync(engine: Engine | undefined, o: KubeObject): boolean {
  const annotations = o.metadata.annotations ?? {};
  if (engine === 'flux') return annotations[FLUX_FORCE] === 'enabled' || o.metadata.labels?.[FLUX_FORCE] === 'enabled';
  if (engine !== 'argocd') return false;
  const options = (annotations[ARGOCD_SYNC_OPTIONS] ?? '').split(',').map((p) => p.trim());
  if (options.includes('Force=true') && options.includes('Replace=true')) return true;
  const argo = annotations[ARGOCD_HOOK]?.split(',').map((h) => h.trim());
  const helm = helmHooks(annotations[HELM_HOOK] ?? '');
  // Argo CD's own annotation rules over Helm's (gitops-engine reads Helm's only without it)
  const never = argo ? argo.every((h) => h === 'Skip') : helm.length > 0 && !helm.some((h) => ARGOCD_HOOKS[h] !== undefined);
  return never || ((argo !== undefined || helm.length > 0) && deletedBeforeCreation(annotations));
}
