/**
 * Whether deleting a Flux Kustomization, as it was applied, makes Flux delete the objects it
 * applied, and the command that stops it. stagecraft writes `deletionPolicy: Orphan` (flux.ts), but a
 * Kustomization applied from what an older stagecraft wrote has none, and Flux's default then
 * deletes a stage's Namespace and claims when the delivery apply prunes the Kustomization (the stage
 * removed, moved to Argo CD, delivered no more) or someone deletes it. Argo CD's counterpart is a
 * finalizer on the Application (`RESOURCES_FINALIZER`), which stagecraft never writes but a hand may
 * add, and which nothing in dist/ shows: its command is given wherever an Application is to be
 * deleted while its stage stays. Pure.
 */
import { ARGOCD_NAMESPACE } from './argocd.js';
import { DELETION_POLICY, FLUX_NAMESPACE } from './flux.js';

/**
 * The finalizer that has Argo CD delete every object an Application applied (those its AppProject
 * permits) when the Application is deleted, before it goes: `argocd app set --finalizer`, the UI's
 * cascading delete, or a hand's edit puts it there (with `/foreground` or `/background` after it, too).
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/**
 * The command that removes an Application's finalizers, so that deleting it leaves what it applied:
 * a merge patch, which changes nothing on one without (where a JSON patch's remove would fail).
 */
export function applicationOrphanCommand(name: string, namespace = ARGOCD_NAMESPACE): string {
  return `kubectl patch application.argoproj.io -n ${namespace} ${name} --type merge -p '${JSON.stringify({ metadata: { finalizers: null } })}'`;
}

/** A Kustomization as far as its deletion is concerned. */
interface KustomizationSpec {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: { readonly prune?: boolean; readonly deletionPolicy?: string };
}

/** A Kustomization whose deletion deletes what it applied: its name and namespace, and the file it was read from. */
export interface DeletingKustomization {
  readonly name: string;
  readonly namespace: string;
  readonly file: string;
}

/**
 * Whether Flux deletes what a Kustomization applied when the Kustomization is deleted:
 * `deletionPolicy: Delete`, or the default (`MirrorPrune`, none written) with `prune: true`.
 */
export function deletesOnDeletion(o: unknown): boolean {
  const k = o as KustomizationSpec;
  if (k?.kind !== 'Kustomization') return false;
  const policy = k.spec?.deletionPolicy ?? 'MirrorPrune';
  return policy === 'Delete' || (policy !== DELETION_POLICY && k.spec?.prune === true);
}

/** The Kustomizations among `objects` (read from `file`) whose deletion deletes what they applied. */
export function deletingKustomizations(objects: readonly unknown[], file: string): DeletingKustomization[] {
  return objects.filter(deletesOnDeletion).map((o) => {
    const { metadata } = o as KustomizationSpec;
    return { name: metadata?.name ?? '', namespace: metadata?.namespace ?? FLUX_NAMESPACE, file };
  });
}

/** The command that makes Flux leave a Kustomization's objects when it is deleted, run before the deletion. */
export function orphanCommand(k: Pick<DeletingKustomization, 'name' | 'namespace'>): string {
  const patch = JSON.stringify({ spec: { deletionPolicy: DELETION_POLICY } });
  return `kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n ${k.namespace} ${k.name} --type merge -p '${patch}'`;
}
