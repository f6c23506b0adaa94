/**
 * What a synthesis says of a field the API server refuses to change (lib/immutable-fields.ts finds
 * it, lib/output-changes.ts calls this): where (the setting that gave the new value, else the field
 * in an included manifest, else the app), what the refusal does where the stage is applied
 * (kubectl's apply fails; Argo CD's sync or Flux's apply fails, and what follows), or what the
 * engine does instead when it deletes and creates the object anew, and the fix, with when to delete
 * by hand in a stage an engine delivers. Pure.
 */
import type { LoadedStage } from './config/load.js';
import type { Problem } from './errors.js';
import { appliedByHand, type DeliveredBy, type Engine, engineName } from './model/engines.js';
import type { includedPlaces } from './checks/manifests.js';
import { formatFieldPath, type FieldPath } from './model/field-path.js';
import { describeObject, isRecord, type KubeObject, kubectlTarget, ownEntry } from './model/object.js';
import { andList } from './model/limits.js';
import { IMMUTABLE_SPEC, volumeSource } from './immutable-fields.js';
import { STAGE_LABEL } from './model/labels.js';
import { SCALED_KINDS } from './model/kinds.js';
import type { FieldChange } from './field-changes.js';
import { placeOf } from './setting-places.js';
import { FORCE_ANNOTATION, type Recreation } from './delivery/recreated.js';
import { recreate } from './selector-changes.js';
import { DIST_DIR } from './synth/disk.js';
import { shownJson, shownValue } from './model/shown-values.js';
import { textChangeLines, textOfLines } from './model/text-change.js';
import { Hidden, hider, secretTexts, secretValues } from './checks/secret-texts.js';

/**
 * A change the API server refuses, at the setting that gave the new value when there is one, else
 * at the field in the included file the object came from (a manifests app's), else at the app. In
 * a stage an engine delivers that deletes and creates the object anew (`recreation`), what that
 * does instead. `stageSecrets`: the values of every Secret of the outputs compared (`secretValues`), hidden within any field.
 */
export function refused(
  loaded: LoadedStage,
  old: KubeObject,
  now: KubeObject,
  change: FieldChange,
  app: string | undefined,
  included: ReturnType<typeof includedPlaces>,
  delivery: DeliveredBy | undefined,
  recreation: Recreation | undefined,
  stageSecrets: readonly string[] = secretValues([old, now]),
): Problem {
  const engine = delivery?.engine;
  // what the checks find secret (an immutable ConfigMap's DB_PASSWORD, a password line of its file) and the stage's Secrets'
  // values hidden, by the screen npm run diff hides them with
  const hide = hider(secretTexts(stageSecrets, old, now));
  const [before, after] = [change.before, change.after].map((v) => (v === undefined ? v : hide.value(v, change.path)));
  // (a key that is a secret, a token pasted as a ConfigMap's key, is not printed in the field's path either)
  const field = formatFieldPath(hide.path(change.path));
  const show = (v: unknown) => {
    if (v === undefined) return '(none)';
    if (v instanceof Hidden) return v.text;
    if (typeof v !== 'string') return shownJson(v);
    // a text of several lines (a config file): its lines that change listed under the message, not the texts whole on one line of \n's
    return v.includes('\n') ? textOfLines(v) : shownValue(v);
  };
  const code = 'output/immutable-field';
  // a Secret's values are never shown, nor looked for among the settings
  const secret = now.kind === 'Secret';
  const what = secret ? 'changes' : `changes from ${show(before)} to ${show(after)}`;
  const texts =
    !secret && (typeof before === 'string' || before === undefined) && (typeof after === 'string' || after === undefined)
      ? textChangeLines(field, before, after)
      : undefined;
  const place = placeOf(loaded, app, secret ? undefined : change.after, change.path);
  const keep = place.setting && !secret ? `set ${place.setting} back to ${show(before)}` : 'keep the old value';
  // (a change the API server takes, or refuses only at times, is said as it is: change.outcome)
  const instead = recreation && engine && !change.outcome ? recreated(old, now, change, engine, recreation, keep) : undefined;
  const fails = refusedApply(delivery);
  const outcome = typeof change.outcome === 'function' ? change.outcome(fails) : change.outcome;
  const body = `${field} ${what}, ${outcome ?? `which the API server refuses (${change.why}): ${instead?.outcome ?? fails}`}`;
  const location =
    (place.setting ? undefined : included({ code, severity: 'warning', message: body, object: now, path: change.path })) ?? place.location;
  // a Job (of an included manifest: no stack makes one) that is to run again at each release: the engine can recreate it itself
  const forced =
    now.kind === 'Job' && engine
      ? `; or, so that ${engineName(engine)} deletes and creates it anew whenever its update is refused, annotate it in its file ${FORCE_ANNOTATION[engine]}`
      : '';
  // a team's Job whose template lost the labels stagecraft wrote into it before (an upgrade past
  // adopt3, which keeps templates as written): the old value is no file's to keep
  const unlabelled =
    now.kind === 'Job' &&
    change.path[1] === 'template' &&
    `${change.path.join()}${JSON.stringify(change.before)}`.includes(STAGE_LABEL) &&
    !JSON.stringify(change.after ?? null).includes(STAGE_LABEL);
  const fix =
    change.hint?.(keep) ??
    `${keep}, or delete it and apply again on purpose (kubectl delete ${kubectlTarget(now)})${ownEntry(COST, now.kind) ?? ''}`;
  // where the fix deletes the object by hand and the engine's sync is refused (not a change the API server takes): when to delete it
  const byHand =
    delivery && typeof change.outcome !== 'string' && fix.includes(`kubectl delete ${kubectlTarget(now)}`) ? deletedByHand(delivery) : '';
  // (deleted before a push, the engine's sync of the commit before would make it again: when to delete it is the engine's)
  const hint = unlabelled
    ? `stagecraft no longer writes its labels (nor, on amd64, its node selector) into an included pod template, so there is no old value to keep: delete the Job${delivery ? '' : ' before this apply'} (kubectl delete ${kubectlTarget(now)})${delivery ? deletedByHand(delivery) : ''}; applied, it runs again${forced}`
    : (instead?.hint ?? `${fix}${byHand}${forced}`);
  const problem = warningAt(code, now, location, body, hint);
  return texts ? { ...problem, lines: texts } : problem;
}

/**
 * An object Flux now applies whose manifest before it skipped (`skipped`: its `ssa: Ignore`,
 * `reconcile: disabled` or `ssa: IfNotPresent`, lib/delivery/object-options.ts `notUpdated`): the
 * object in the cluster is what an older commit applied, not the output before, so a field the API
 * server will not change that changed in between (in the commit that added the setting, say) is not
 * seen by comparing the two outputs, and Flux's apply of it is refused all the same. Said only of an
 * object whose manifest writes such a field (`fixedFields`: a Service's clusterIP, a controller's
 * selector, a claim's spec, an immutable ConfigMap's data), and naming them, but those `reported`
 * (the paths output/immutable-field names, the manifest before and `now` differing there): any other
 * is applied whatever the cluster holds. At the object in the included file it came from, else at its app.
 */
export function appliedAgain(
  loaded: LoadedStage,
  now: KubeObject,
  skipped: string,
  app: string | undefined,
  included: ReturnType<typeof includedPlaces>,
  delivery: DeliveredBy,
  reported: readonly FieldPath[] = [],
): Problem | undefined {
  // a field output/immutable-field already names (the manifest before and `now` differ there) is said once, with its hint
  const overlaps = (a: FieldPath, b: FieldPath) =>
    a.slice(0, b.length).every((k, i) => k === b[i]) || b.slice(0, a.length).every((k, i) => k === a[i]);
  const fields = fixedFields(now).filter((f) => !reported.some((r) => overlaps(r, f)));
  if (fields.length === 0) return undefined;
  const code = 'output/applied-again';
  const named = fields.map((f) => formatFieldPath(f));
  const body =
    `Flux applies it now, but its manifest before had ${skipped}, so Flux did not update it: the cluster holds it as an older commit last applied it, ` +
    `and where its ${andList(named)}, which the API server will not change, changed since then, the apply is refused: ${refusedApply(delivery)}`;
  const location =
    included({ code, severity: 'warning', message: body, object: now, path: ['metadata'] }) ?? placeOf(loaded, app, undefined).location;
  const hint =
    `before pushing, compare it with the cluster (kubectl diff -k ${DIST_DIR}/${loaded.context.name}, which fails on a refused field): ` +
    `where ${named.length === 1 ? 'it differs' : 'one of them differs'}, write the value the cluster holds, or delete the object on purpose (kubectl delete ${kubectlTarget(now)})${ownEntry(COST, now.kind) ?? ''}`;
  return warningAt(code, now, location, body, hint);
}

/**
 * The fields `now` writes that the API server will not change once the object is created, as
 * lib/immutable-fields.ts compares them: a claim's spec but its storage request, a PersistentVolume's
 * source, volumeMode and nodeAffinity, a Service's clusterIP (one a NodePort or LoadBalancer Service
 * leaves out too: the cluster may hold None, which such a Service may not keep; a ClusterIP Service
 * leaving it out keeps whatever the cluster gave it), a Pod's spec, the data (stringData too) of an
 * immutable ConfigMap or Secret, the fields of IMMUTABLE_SPEC (a controller's selector, a Job's
 * template). A ReplicationController's selector may change (it lets go of its pods): none of its own.
 * From `now` alone: what the manifest before fixed and `now` changes, output/immutable-field says.
 */
export function fixedFields(now: KubeObject): FieldPath[] {
  if (now.kind === 'ConfigMap' || now.kind === 'Secret') {
    if (now.immutable !== true) return [];
    // stringData is written into data: refused alike (lib/immutable-fields.ts)
    return (['data', 'binaryData', 'stringData'] as const).filter((k) => now[k] !== undefined).map((k) => [k]);
  }
  return ownFixedFields(now);
}

/** `fixedFields` of a manifest but a ConfigMap or Secret. */
function ownFixedFields(now: KubeObject): FieldPath[] {
  const spec = isRecord(now.spec) ? now.spec : {};
  const written = (keys: readonly string[]): FieldPath[] => keys.filter((k) => spec[k] !== undefined).map((k) => ['spec', k]);
  switch (now.kind) {
    case 'PersistentVolumeClaim': {
      const limits = isRecord(spec.resources) && spec.resources.limits !== undefined ? [['spec', 'resources', 'limits']] : [];
      return [...written(Object.keys(spec).filter((k) => k !== 'resources')), ...limits];
    }
    case 'PersistentVolume': {
      const source = volumeSource(now)?.[0];
      return written([...(source ? [source] : []), 'volumeMode', 'nodeAffinity']);
    }
    case 'Service':
      if (spec.clusterIP === undefined) return spec.type === 'NodePort' || spec.type === 'LoadBalancer' ? [['spec', 'clusterIP']] : [];
      return spec.clusterIP === '' ? [] : [['spec', 'clusterIP']];
    case 'Pod':
      return isRecord(now.spec) ? [['spec']] : [];
    default:
      return written(ownEntry(IMMUTABLE_SPEC, now.kind) ?? []);
  }
}

/** A warning about `now`: at `location` when there is one, its message then naming the object; else with the object as its subject. */
function warningAt(code: string, now: KubeObject, location: Problem['location'], message: string, hint: string): Problem {
  return location
    ? { code, severity: 'warning', location, message: `${describeObject(now)}: ${message}`, hint }
    : { code, severity: 'warning', subject: describeObject(now), message, hint };
}

/**
 * What a refused update does where the stage is applied. Argo CD applies wave by wave: the object's
 * wave fails, so the waves after it and the PostSync hooks are not applied, and an automated sync
 * whose retries are spent is not tried again for that commit (gitops-engine, appcontroller
 * autoSync). Flux's server-side dry-run of every object comes before any apply (fluxcd/pkg ssa
 * ApplyAll): nothing of the stage is applied but its Namespaces, CRDs and `*Class` objects
 * (ApplyAllStaged's first stages: kustomize-controller's classStage), and the Kustomization is tried
 * again at its retryInterval (lib/delivery/flux.ts), but for a suspended one, which nothing applies
 * until it is resumed.
 */
function refusedApply(delivery: DeliveredBy | undefined): string {
  if (!delivery) return 'kubectl apply fails on it';
  const flux =
    "Flux's apply of the stage fails on it (its dry-run is refused), so nothing of the stage is applied but its Namespaces, CRDs and *Class objects: " +
    'the Kustomization is not ready, tried again every 2 minutes, and the stages that depend on it wait';
  if (delivery.engine === 'flux')
    return delivery.automated
      ? flux
      : `its Kustomization is suspended, so Flux applies nothing until it is resumed (${appliedByHand(delivery)}); then ${flux}`;
  return delivery.automated
    ? "Argo CD's sync of the stage fails on it, refused by the API server: the Application stays OutOfSync, what comes in later sync waves is not applied, " +
        'and once its retries are spent Argo CD does not sync that commit again by itself'
    : `Argo CD's sync of the stage, which is synced by hand (${appliedByHand(delivery)}), fails on it, refused by the API server: the Application stays OutOfSync, and what comes in later sync waves is not applied`;
}

/**
 * In a stage an engine delivers, when to delete by hand an object whose update is refused, and what
 * applies it anew: where the engine follows the commits, deleted before the commit is pushed, the
 * engine's next sync (a self-heal, Flux's interval) makes it again from the commit before, as it
 * was; where it does not, nothing applies the stage until the command that applies it by hand.
 */
function deletedByHand(delivery: DeliveredBy): string {
  const { engine, automated, name } = delivery;
  if (!automated)
    return engine === 'argocd'
      ? `; Argo CD syncs the stage only by hand: once this commit is pushed, delete it, then sync the stage (${appliedByHand(delivery)})`
      : `; Flux's Kustomization of the stage is suspended: once this commit is pushed, delete it, then resume the stage (${appliedByHand(delivery)}), which applies it anew`;
  return engine === 'argocd'
    ? '; Argo CD delivers the stage: delete it only once this commit is pushed and its sync has failed (deleted before, a sync of the commit before makes it again as it was), ' +
        `then sync the stage by hand (${appliedByHand(delivery)}), since Argo CD does not sync that commit again by itself`
    : '; Flux delivers the stage: delete it only once this commit is pushed and its apply has failed (deleted before, an apply of the commit before makes it again as it was); ' +
        `Flux applies it anew at its next try, within 2 minutes (flux reconcile kustomization ${name} does it at once)`;
}

/** What deleting an object costs, by kind: the data of a claim or volume, a Service's clients for a while. */
const COST: Readonly<Record<string, string>> = {
  PersistentVolumeClaim: ': the claim goes once no pod uses it, and its data with it unless copied first',
  PersistentVolume: ': its data goes with it unless copied first',
  Service: ': its clients cannot reach it in between',
};

/** How an engine deletes and creates anew an object it recreates, by when; one phrase per case, for every kind. */
const RECREATED: Readonly<Record<Recreation['when'], (engine: string, by: string) => string>> = {
  hook: (engine) => `${engine} deletes it before each sync creates it again`,
  refused: (engine, by) => `${engine} deletes and recreates it (${by})`,
  'every-sync': (engine, by) => `${engine} deletes and recreates it at every sync, changed or not (${by})`,
};

/** The kinds whose pods go with them when they are deleted with background (or foreground) propagation, as the engines delete. */
const POD_OWNERS = new Set([...SCALED_KINDS, 'DaemonSet']);

/**
 * What the engine does in place of the refused update of `now`, which it deletes and creates anew
 * (Flux, with background propagation: a workload's pods all go at once, fluxcd/pkg#603), and how
 * to avoid what that costs: a workload's pods kept by deleting it by hand with `--cascade=orphan`
 * once the annotation that forces it is gone; a claim's data kept by removing that annotation.
 */
function recreated(
  old: KubeObject,
  now: KubeObject,
  change: FieldChange,
  engine: Engine,
  recreation: Recreation,
  keep: string,
): { outcome: string; hint: string } {
  const name = engineName(engine);
  const { by } = recreation;
  const deletes = RECREATED[recreation.when](name, by);
  if (now.kind === 'PersistentVolumeClaim' || now.kind === 'PersistentVolume') {
    // a claim in use is deleted only once no pod uses it
    const data =
      now.kind === 'PersistentVolumeClaim'
        ? `${deletes}, empty, once no pod uses it: its data goes with it`
        : `${deletes}: its data goes with it unless copied first`;
    const remove = recreation.when === 'hook' ? 'make it no hook' : `remove ${recreation.inCluster ?? by}`;
    return {
      outcome: data,
      hint: `${keep}, and ${remove}, so that ${name} never deletes it with its data; to change it on purpose, copy the data first`,
    };
  }
  if (POD_OWNERS.has(now.kind)) {
    const field = String(change.path[1] ?? '');
    // Flux reads its force on the object in the cluster too: removed with the change, it still deletes it
    const first = recreation.inCluster
      ? `push the removal of ${recreation.inCluster} in a commit of its own first (${name} reads it on the object in the cluster as well: removed with this change, it still deletes the ${now.kind}); once ${name} has applied that one, push this change (${name}'s apply is then refused, deleting nothing), then `
      : `remove ${by} in this commit (${name}'s apply is then refused, deleting nothing) and, once it is pushed, `;
    return {
      outcome: `${deletes}; its pods are deleted with it, all at once`,
      hint: `${keep}; or, so that its pods keep running, ${first}${recreate(old, now, field)}`,
    };
  }
  const cost = now.kind === 'Pod' ? ': the pod stops, and starts anew' : (ownEntry(COST, now.kind) ?? '');
  return { outcome: `${deletes}${cost}`, hint: `${keep}; or let ${name} recreate it${cost ? ` (${cost.slice(2)})` : ''}` };
}
