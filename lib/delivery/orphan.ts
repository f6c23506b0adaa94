/**
 * Whether deleting a Flux Kustomization, as it was applied, makes Flux delete the objects it
 * applied, and the command that stops it. stagecraft writes `deletionPolicy: Orphan` (flux.ts), but a
 * Kustomization applied from what an older stagecraft wrote has none, and Flux's default then
 * deletes a stage's Namespace and claims when the delivery apply prunes the Kustomization (the stage
 * removed, moved to Argo CD, delivered no more) or someone deletes it. Pure.
 */
import { DELETION_POLICY, FLUX_NAMESPACE } from './flux.js';

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
