/**
 * What an object's own metadata tells the engine that delivers it, read as each engine reads it:
 * Argo CD's sync options (`argocd.argoproj.io/sync-options`), and Flux's per-object labels and
 * annotations (`kustomize.toolkit.fluxcd.io/*`). recreated.ts asks which objects the engine deletes
 * and creates anew; lib/data-leaves.ts which ones it never prunes; lib/output-changes.ts which ones
 * it never updates. kubectl reads none of them. Pure.
 */
import type { Engine } from '../model/engines.js';
import type { KubeObject } from '../model/object.js';

/** Argo CD's sync options of an object, comma-separated, each exact once white space is trimmed (gitops-engine HasAnnotationOption). */
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** The sync options an object's annotation gives Argo CD, and the annotation as written. */
export function argoCdSyncOptions(o: KubeObject): { readonly options: readonly string[]; readonly written: string } {
  const written = o.metadata.annotations?.[ARGOCD_SYNC_OPTIONS] ?? '';
  return { options: written.split(',').map((p) => p.trim()), written };
}

/** Flux's per-object settings, each a label or annotation `kustomize.toolkit.fluxcd.io/<name>`. */
const FLUX_GROUP = 'kustomize.toolkit.fluxcd.io';

/**
 * Where `o`'s metadata gives Flux's setting `name` the value `value`, as Flux reads it (an
 * annotation, else a label, the value in any case: fluxcd/pkg ssa `AnyInMetadata`, strings.EqualFold),
 * in words (`the annotation kustomize.toolkit.fluxcd.io/force: Enabled`); undefined when it does not.
 */
export function fluxMetadata(o: KubeObject, name: string, value: string): string | undefined {
  const key = `${FLUX_GROUP}/${name}`;
  const given = (v: string | undefined) => v !== undefined && v !== '' && v.toLowerCase() === value.toLowerCase();
  const annotation = o.metadata.annotations?.[key];
  if (given(annotation)) return `the annotation ${key}: ${annotation}`;
  const label = o.metadata.labels?.[key];
  return given(label) ? `the label ${key}: ${label}` : undefined;
}

/** Flux's setting that has it delete and create an object anew when its update is refused, as a manifest writes it. */
export const FLUX_FORCE = { name: 'force', value: 'enabled', written: `${FLUX_GROUP}/force: enabled` } as const;

/**
 * The annotation that keeps a live object from the engine's prune, by engine, as `kubectl annotate`
 * writes it: set on the old objects before the commit that drops them is pushed.
 */
export const KEPT_FROM_PRUNE: Readonly<Record<Engine, string>> = {
  argocd: `${ARGOCD_SYNC_OPTIONS}=Prune=false`,
  flux: `${FLUX_GROUP}/prune=disabled`,
};

/**
 * Why `engine` never prunes `applied` (the object as the cluster has it, applied from the output
 * before), in words, or undefined when it prunes it: Argo CD's `Prune=false` among its sync options
 * (gitops-engine reads the live object's: the prune is skipped, the Application stays OutOfSync);
 * Flux's `prune: disabled` or `reconcile: disabled` (kustomize-controller's prune exclusions).
 * Neither engine reads the other's; kubectl's `--prune` reads none.
 */
export function keptFromPrune(engine: Engine, applied: KubeObject): string | undefined {
  if (engine === 'flux') return fluxMetadata(applied, 'prune', 'disabled') ?? fluxMetadata(applied, 'reconcile', 'disabled');
  const { options, written } = argoCdSyncOptions(applied);
  return options.includes('Prune=false') ? `the annotation ${ARGOCD_SYNC_OPTIONS}: ${written}` : undefined;
}

/**
 * Why Flux never updates the object the cluster has (`applied`) to `now`, in words, or undefined
 * when it applies it: `ssa: Ignore` or `reconcile: disabled` on either (its exclusion selector), or
 * `ssa: IfNotPresent` on `now` (applied only while there is none): fluxcd/pkg ssa `shouldSkipApply`,
 * read before the dry-run, so that neither a refused update nor any other change reaches the cluster.
 * Argo CD has no such setting of an object; kubectl none.
 */
export function notUpdated(engine: Engine | undefined, now: KubeObject, applied: KubeObject): string | undefined {
  if (engine !== 'flux') return undefined;
  const excluded = (o: KubeObject) => fluxMetadata(o, 'ssa', 'Ignore') ?? fluxMetadata(o, 'reconcile', 'disabled');
  const before = excluded(applied);
  return excluded(now) ?? fluxMetadata(now, 'ssa', 'IfNotPresent') ?? (before && `${before}, as applied`);
}
