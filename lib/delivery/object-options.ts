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
 * Flux's exclusion of an object, in words, or undefined: `ssa: Ignore` or `reconcile: disabled`, its
 * exclusion selector, which fluxcd/pkg ssa `shouldSkipApply` reads on the manifest (and on the object
 * in the cluster): Flux never applies such a manifest, so never puts either setting on the object in
 * the cluster, which carries one only if someone annotated it by hand.
 */
function fluxExcluded(o: KubeObject): string | undefined {
  return fluxMetadata(o, 'ssa', 'Ignore') ?? fluxMetadata(o, 'reconcile', 'disabled');
}

/**
 * Whether Flux applied `before` (a manifest of the output before), so that the object in the cluster
 * carries its metadata: not when it is excluded (`fluxExcluded`), and the object in the cluster is then
 * whatever an older output made it. An object of `ssa: IfNotPresent` carries the metadata of the output
 * that created it, taken to be this one where a setting there would do harm (`fluxForceApplied`).
 */
const fluxApplied = (before: KubeObject) => fluxExcluded(before) === undefined;

/**
 * Whether the object in the cluster surely carries the metadata of `before`: Flux applied it, and not
 * only while there was none (`ssa: IfNotPresent`: fluxcd/pkg ssa `shouldSkipApply` skips an existing
 * object, so a setting added to such a manifest later never reaches it). Where a setting keeps harm
 * away (`prune: disabled`), only this says it is there.
 */
const fluxUpdated = (before: KubeObject) => notUpdated('flux', before) === undefined;

/**
 * Why `engine` never prunes the object that `before` (its manifest in the output before) made in the
 * cluster, in words, or undefined when it prunes it. Both read the object in the cluster: Argo CD its
 * `Prune=false` among its sync options (gitops-engine: the prune is skipped, the Application stays
 * OutOfSync), which its sync put there; Flux its `prune: disabled` (kustomize-controller's prune
 * exclusions, fluxcd/pkg ssa `Delete`), surely there only when Flux updated the object to `before`
 * (`fluxUpdated`: not of `ssa: IfNotPresent`). Flux's other prune exclusion, `reconcile: disabled`, is
 * never read here: Flux applies no manifest that has it, so only a hand puts it in the cluster (`unappliedKeep`). Neither engine reads the other's; kubectl's `--prune` reads none.
 */
export function keptFromPrune(engine: Engine, before: KubeObject): string | undefined {
  if (engine === 'flux') return fluxUpdated(before) ? fluxMetadata(before, 'prune', 'disabled') : undefined;
  const { options, written } = argoCdSyncOptions(before);
  return options.includes('Prune=false') ? `the annotation ${ARGOCD_SYNC_OPTIONS}: ${written}` : undefined;
}

/**
 * Flux's keep-from-prune setting (`reconcile: disabled`, or `prune: disabled` of a manifest excluded or
 * of `ssa: IfNotPresent`) that `before` writes but that Flux may not have put on the object in the
 * cluster, in words; undefined when there is none, or `engine` is not Flux. It keeps the object from the
 * prune only once it is on the object there (annotated by hand, or by an earlier commit's apply).
 */
export function unappliedKeep(engine: Engine, before: KubeObject): string | undefined {
  if (engine !== 'flux') return undefined;
  const reconcile = fluxMetadata(before, 'reconcile', 'disabled');
  return reconcile ?? (fluxUpdated(before) ? undefined : fluxMetadata(before, 'prune', 'disabled'));
}

/**
 * Flux's force setting on the object in the cluster, as `before` (its manifest in the output before)
 * gave it, in words: fluxcd/pkg ssa `shouldForceApply` reads it there too. Undefined when `before`
 * has none or Flux never applied it.
 */
export function fluxForceApplied(before: KubeObject): string | undefined {
  return fluxApplied(before) ? fluxMetadata(before, FLUX_FORCE.name, FLUX_FORCE.value) : undefined;
}

/**
 * Why Flux never updates an object to `now`, in words, or undefined when it applies it: `ssa: Ignore`
 * or `reconcile: disabled` on `now` (its exclusion selector), or `ssa: IfNotPresent` (applied only while
 * there is none): fluxcd/pkg ssa `shouldSkipApply`, read before the dry-run, so that neither a refused
 * update nor any other change reaches the cluster. Flux reads the exclusion on the object in the cluster
 * too, but never puts it there (a manifest with it is not applied): the output before is not read for it.
 * Argo CD has no such setting of an object; kubectl none.
 */
export function notUpdated(engine: Engine | undefined, now: KubeObject): string | undefined {
  if (engine !== 'flux') return undefined;
  return fluxExcluded(now) ?? fluxMetadata(now, 'ssa', 'IfNotPresent');
}
