/**
 * What each engine writes on every object it applies to say which of its objects applied it, as far
 * as a stage's objects must take it: the name of the stage's Application or Kustomization
 * (`<project>-<stage>`) as a label value, which the API server refuses past 63 characters, and over a
 * label stagecraft writes itself. Flux writes `kustomize.toolkit.fluxcd.io/name` (fluxcd/flux2#2004).
 * Argo CD writes what its argocd-cm says, which no file here holds but the project file's
 * `delivery.argocd` repeats when it is written: tracking by label (its default before 3.0) the name in full as the label
 * `application.instanceLabelKey` (`app.kubernetes.io/instance` by default); by `annotation+label` the
 * annotation `argocd.argoproj.io/tracking-id` and that label cut to 63 characters; by annotation (3.0's
 * default) the annotation alone (argo-cd util/argo/resource_tracking.go `SetAppInstance`). Pure.
 */
import type { ArgocdInstall, Engine } from '../config/delivery.js';
import { INSTANCE_LABEL, MAX_LABEL_VALUE, STAGE_LABEL, standardLabels } from '../model/labels.js';
import { andList } from '../model/limits.js';
import { ARGOCD_NAMESPACE } from './argocd.js';
import { stageObjectName, type DeliveryPlan } from './delivery-plan.js';
import { parseObjectRef, type DeliveredStage } from './stage.js';

/** The label Argo CD's documentation advises writing its name as, which no other tool writes. */
const ARGOCD_OWN_LABEL = 'argocd.argoproj.io/instance';

/** Where the project file says how its Argo CD tracks objects. */
const TRACKING_SETTING = 'delivery.argocd.resourceTrackingMethod';

export const INSTANCE_LABEL_CODE = 'delivery/instance-label';

/**
 * Why a stage's Application or Kustomization named `name` (longer than a label value) cannot be
 * applied, and what the hint adds to shortening the name; undefined when its engine writes the name
 * as no label it breaks: Argo CD tracking by annotation writes none, by `annotation+label` cuts it
 * (the annotation tracks the objects).
 * @param projectSource the project file, as messages name it
 */
export function nameAsLabel(
  engine: Engine,
  name: string,
  argocd: ArgocdInstall | undefined,
  projectSource: string,
): { readonly writes: string; readonly hint: string } | undefined {
  if (name.length <= MAX_LABEL_VALUE) return undefined;
  if (engine === 'flux')
    return { writes: 'which Flux writes as a label (kustomize.toolkit.fluxcd.io/name) on every object it applies', hint: '' };
  const method = argocd?.resourceTrackingMethod;
  if (method === 'annotation') return undefined;
  // annotation+label cuts the label to 63 characters, and Argo CD releases that do not trim the cut keep one ending in
  // '-', '_' or '.', which no label value may end in: the API server would refuse every object they apply
  if (method === 'annotation+label') {
    if (/[A-Za-z0-9]$/.test(name.slice(0, MAX_LABEL_VALUE))) return undefined;
    return {
      writes: `which Argo CD, tracking objects by annotation+label (${projectSource}'s ${TRACKING_SETTING}), writes as a label cut to ${MAX_LABEL_VALUE} characters, '${name.slice(0, MAX_LABEL_VALUE)}', ending in '${name[MAX_LABEL_VALUE - 1]}', which Argo CD releases that do not trim the cut write as it is and the API server refuses on every object`,
      hint: `; or have Argo CD track objects by annotation alone (application.resourceTrackingMethod: annotation in its argocd-cm) and write ${TRACKING_SETTING}: annotation in ${projectSource}`,
    };
  }
  const key = argocd?.instanceLabelKey ?? INSTANCE_LABEL;
  if (method === 'label')
    return {
      writes: `which Argo CD, tracking objects by label (${projectSource}'s ${TRACKING_SETTING}), writes as a label (${key}) on every object it applies`,
      hint: `; or have Argo CD track objects by annotation (application.resourceTrackingMethod: annotation in its argocd-cm) and write ${TRACKING_SETTING}: annotation in ${projectSource}`,
    };
  return {
    writes: `which Argo CD, tracking objects by label (its default before 3.0), writes as a label (${key}) on every object it applies`,
    hint: `; if the Argo CD tracks objects by annotation (3.0's default: application.resourceTrackingMethod unset or annotation in its argocd-cm) or by annotation+label, which cuts the label, write ${TRACKING_SETTING}: annotation (or annotation+label) in ${projectSource}`,
  };
}

/**
 * The label of stagecraft's own that an Argo CD tracking by label (or `annotation+label`) overwrites
 * with each Application's name on every object it applies: a warning at the project file's setting,
 * said when a stage Argo CD delivers (`applications`, by their names) reads it. In the cluster the
 * objects then carry another value than dist/ does: a selector by it (kubectl get -l, a
 * ServiceMonitor's) misses them, and, tracking by label, an object made from a template that keeps
 * stagecraft's value (a StatefulSet's PersistentVolumeClaims, which no owner holds) is Argo CD's to
 * prune wherever that value is an Application's name (`PRUNED`). Undefined when the project file says Argo CD tracks by annotation, writes
 * a label of its own, or says nothing (the README says what label tracking, 2.x's default, then does).
 */
export function overwrittenLabel(
  argocd: ArgocdInstall | undefined,
  applications: readonly string[],
  projectSource: string,
):
  | {
      readonly code: string;
      readonly message: string;
      readonly hint: string;
      readonly setting: 'instanceLabelKey' | 'resourceTrackingMethod';
    }
  | undefined {
  const method = argocd?.resourceTrackingMethod;
  if (!applications.length || (method !== 'label' && method !== 'annotation+label')) return undefined;
  const key = argocd?.instanceLabelKey ?? INSTANCE_LABEL;
  const own = OWN_VALUES.get(key);
  if (own === undefined) return undefined;
  const cut = method === 'annotation+label' ? ` (cut to ${MAX_LABEL_VALUE} characters)` : '';
  return {
    code: INSTANCE_LABEL_CODE,
    setting: argocd?.instanceLabelKey === undefined ? 'resourceTrackingMethod' : 'instanceLabelKey',
    message: `Argo CD, tracking objects by ${method}, writes each Application's name${cut} as the label ${key} on every object it applies (${applications[0]} on its stage's), over ${own} that stagecraft writes there: in the cluster a selector by it (kubectl get -l, a ServiceMonitor's) misses them${method === 'label' ? PRUNED : ''}`,
    hint: `set application.instanceLabelKey: ${ARGOCD_OWN_LABEL} in Argo CD's argocd-cm, as Argo CD advises, and delivery.argocd.instanceLabelKey: ${ARGOCD_OWN_LABEL} in ${projectSource}; or have it track objects by annotation (application.resourceTrackingMethod: annotation, 3.0's default) and write ${TRACKING_SETTING}: annotation`,
  };
}

/**
 * What label tracking (not annotation+label, whose label tells nothing to Argo CD) does to an object
 * no owner holds that carries the label from a template (a StatefulSet's claims: argo-cd tracks the
 * objects without an owner whose label names the Application).
 */
const PRUNED =
  ", and an object made from a template that keeps stagecraft's value (a StatefulSet's PersistentVolumeClaims) is Argo CD's to prune where that value is an Application's name";

/** What stagecraft writes as each label of its own on every object (lib/model/labels.ts `standardLabels`), as a message says it. */
const OWN_VALUES: ReadonlyMap<string, string> = (() => {
  const said: Readonly<Record<string, string>> = {
    [INSTANCE_LABEL]: "the app's instance (<app>-<stage>)",
    [STAGE_LABEL]: "the stage's name (which kubectl apply --prune -l selects a stage's objects by)",
  };
  const keys = Object.keys(standardLabels({ stage: '', app: '', instance: '', version: '', partOf: '' }));
  return new Map(keys.map((k) => [k, said[k] ?? 'the value']));
})();

/**
 * The project file's `delivery.argocd` when no stage is delivered by Argo CD, to be said once, not refused:
 * what it says of the Argo CD's tracking then decides nothing (no Application's name is checked against
 * it), so a stage moved to Flux, or a setting meant for another project, is not read silently.
 * Undefined when it is not written, when no stage is delivered, or when a stage Argo CD delivers reads it.
 */
export function unreadArgocd(
  argocd: ArgocdInstall | undefined,
  applications: readonly string[],
  delivered: number,
): { readonly message: string; readonly hint: string } | undefined {
  if (argocd === undefined || delivered === 0 || applications.length) return undefined;
  return {
    message: 'no stage is delivered by Argo CD, so what this says of its tracking is read by none',
    hint: 'remove delivery.argocd from the project file, or deliver a stage with Argo CD (engine: argocd)',
  };
}

/** Each value of a label on a stage's objects, with the objects that carry it, and what the value is, as a message says it. */
interface LabelValues {
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly is: (value: string) => string;
}

/**
 * What a label of stagecraft's own that an Argo CD tracking by label reads holds on a stage's objects:
 * each value, with the objects that carry it, and what the value is, as a message says it.
 */
const LABEL_VALUES: Readonly<Record<string, (s: DeliveredStage) => LabelValues>> = {
  [INSTANCE_LABEL]: (s) => ({
    values: s.instances ?? {},
    is: (value) => `the instance of its app ${value.slice(0, -s.stage.length - 1)}, <app>-<stage>`,
  }),
  [STAGE_LABEL]: (s) => ({
    values: { [s.stage]: [...new Set(Object.values(s.instances ?? {}).flat())].sort() },
    is: () => "the stage's name",
  }),
};

/**
 * The objects of a stage Flux delivers that an Argo CD tracking objects by label (the project file's
 * `delivery.argocd.resourceTrackingMethod: label`) takes for an Application's of the same cluster: by
 * label, Argo CD counts as an Application's every object of its cluster, applied by it or not, that
 * carries its name as the instance label and has no owner (argo-cd's resource tracking; what its AppProject
 * does not permit aside), so a stage it does not apply, whose objects keep the value stagecraft writes,
 * `<app>-<stage>`, loses to the Application so named those the AppProject permits: shown OutOfSync as
 * not in its Git path, and deleted by its sync's prune, the stage's Namespace with all it holds when it is
 * one of them. (A stage Argo CD applies carries its own Application's name instead; a StatefulSet's claims,
 * which keep the template's value, are the StatefulSet's children to Argo CD, gitops-engine
 * isStatefulSetChild.) One error per Application and stage, to be said at the project file's setting.
 */
export function claimedObjects(
  argocd: ArgocdInstall | undefined,
  plans: readonly DeliveryPlan[],
  stages: readonly DeliveredStage[],
  projectSource: string,
): { readonly message: string; readonly hint: string }[] {
  if (argocd?.resourceTrackingMethod !== 'label') return [];
  const key = argocd.instanceLabelKey ?? INSTANCE_LABEL;
  const valuesOf = LABEL_VALUES[key];
  const applications = plans.filter((p) => p.engine === 'argocd');
  if (valuesOf === undefined || !applications.length) return [];
  // what the one AppProject permits (lib/delivery/argocd.ts appProject): Argo CD leaves the other live objects out
  const kinds = new Set(applications.flatMap((p) => [...p.kinds.cluster, ...p.kinds.namespaced].map((k) => `${k.group}/${k.kind}`)));
  const destinations = new Set(applications.flatMap((p) => p.namespaces.map((ns) => `${p.cluster.id}/${ns}`)));
  const byStage = new Map(stages.map((s) => [s.stage, s]));
  const said: { message: string; hint: string }[] = [];
  for (const p of plans) {
    const s = byStage.get(p.stage);
    if (p.engine === 'argocd' || s === undefined) continue;
    const { values, is } = valuesOf(s);
    for (const t of applications) {
      const name = stageObjectName(t.project, t.stage);
      const permitted = (values[name] ?? []).filter((ref) => {
        const o = parseObjectRef(ref);
        return kinds.has(`${o.group}/${o.kind}`) && (o.namespace === undefined || destinations.has(`${t.cluster.id}/${o.namespace}`));
      });
      if (t.cluster.id !== p.cluster.id || !permitted.length) continue;
      const shown = permitted.slice(0, 3).map((ref) => ref.replace(/^\//, ''));
      const more = permitted.length > 3 ? ` and ${permitted.length - 3} more` : '';
      const namespace = permitted.includes(`/Namespace ${s.namespace}`) ? `, the Namespace ${s.namespace} with everything in it` : '';
      const prune = t.sync.automated && t.sync.prune ? 'its automated sync prunes them (prune: true)' : 'a sync with prune deletes them';
      said.push({
        message: `Argo CD, tracking objects by label, counts every object of its cluster labelled ${key}=${name} as Application ${ARGOCD_NAMESPACE}/${name}'s (the stage ${t.stage}'s), applied by it or not, and the stage ${p.stage}, which Flux delivers to the same cluster (${p.cluster.id}), writes that value (${is(name)}) on ${andList(shown)}${more}: Argo CD shows them OutOfSync in ${name}, since ${t.path} does not hold them, and ${prune}${namespace}, Flux applying them again at its next interval${namespace ? ', its claims empty' : ''}`,
        hint: `set application.instanceLabelKey: ${ARGOCD_OWN_LABEL} in Argo CD's argocd-cm and delivery.argocd.instanceLabelKey: ${ARGOCD_OWN_LABEL} in ${projectSource} (no stage writes that label), or have it track objects by annotation (application.resourceTrackingMethod: annotation, 3.0's default) and write ${TRACKING_SETTING}: annotation; or rename ${key === STAGE_LABEL ? `the stage ${p.stage}` : `the app ${name.slice(0, -p.stage.length - 1)} in ${s.source}`}, so that the value is no Application's name`,
      });
    }
  }
  return said;
}
