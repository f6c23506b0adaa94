/**
 * What a stage needs to know of an app's objects besides what the checks found on them
 * (`AppSummary`), kept with them in the render cache, and the stand-ins the checks see for an
 * unchanged app's objects instead of reading them. Pure.
 */
import { containersOf, workloadTemplateOf, type PodTemplate } from '../model/pod-specs.js';
import { namedObject, type KubeObject } from '../model/object.js';
import { certManagerControllerArgs, makesSecrets, standInController } from '../model/operator-secrets.js';
import { autoscaledTarget, scaleTargetKey } from '../model/kinds.js';
import { podLabels } from '../model/custom-workloads.js';
import { DEFAULT_PREEMPTION, type ClassPriority } from '../model/pod-defaults.js';
import { imageSubstitutions, writtenImages, type Substitution } from '../transforms/images.js';

/**
 * The classes an app makes that judge updates of other apps' objects (lib/immutable-fields.ts),
 * in the order of its objects: each StorageClass by name, with whether it lets its claims grow
 * (`allowVolumeExpansion: true`), and each PriorityClass by name, with what it gives a Pod of it.
 */
export interface AppClasses {
  readonly storage: readonly (readonly [name: string, expandable: boolean])[];
  readonly priority: readonly (readonly [name: string, given: ClassPriority])[];
}

/**
 * What a stage needs to know of an app's objects besides what the checks found on them, kept with
 * them so that an unchanged app of a stage is not read: how they are named (the inventory, the
 * checks' reports), the labels of their pod templates (the references to them), the image
 * substitutions made (the synth report), the images it runs as written (the stage's unused image
 * entries), whether the checks across objects need more, and the classes it makes.
 */
export interface AppSummary {
  /** Per object: apiVersion, kind, and name and namespace (null when absent). */
  readonly heads: readonly (readonly [apiVersion: string, kind: string, name: string | null, namespace: string | null])[];
  /** Per workload with a pod template, built-in or custom (`workloadTemplate`): its place, and the template's labels. */
  readonly workloads: readonly (readonly [place: number, labels: Readonly<Record<string, string>>])[];
  readonly images: readonly Substitution[];
  /**
   * The images its containers run as written, before the images transform (`writtenImages`): which
   * entries of the stage file's images: are used does not depend on the render cache.
   */
  readonly written: readonly string[];
  /**
   * Whether every object is plain to the checks across objects: named, neither a Namespace nor a
   * CustomResourceDefinition (which other objects' checks read), with no nodePort or hostPort
   * (which the stage checks compare across apps), none an object an operator makes a Secret of (an
   * Ingress with a cert-manager issuer: lib/model/operator-secrets.ts), which other apps' pods may read.
   */
  readonly plain: boolean;
  /** The StorageClasses and PriorityClasses it makes, which other apps' claims and Pods are judged by. @default - none */
  readonly classes?: AppClasses;
  /**
   * The workloads its autoscalers (HorizontalPodAutoscalers, KEDA ScaledObjects) scale (`scaleTargetKey`), which an autoscaler leaving
   * another app is judged by (lib/replica-changes.ts). @default - none
   */
  readonly scaleTargets?: readonly string[];
  /**
   * The Deployment of cert-manager's controller it runs (`certManagerControllerArgs`): its place, and
   * its container's command and args, which a ClusterIssuer's Secrets and ingress-shim's default
   * issuer are judged by (lib/checks/issuer-secrets.ts) without reading the app. @default - none
   */
  readonly certManager?: readonly [place: number, args: readonly string[]];
}

/** `AppClasses` as they are gathered. */
type Classes = { storage: [string, boolean][]; priority: [string, ClassPriority][] };

/** `classes` with `o` added when it is a StorageClass or a PriorityClass (made when it is the first), else as it is. */
function withClass(classes: Classes | undefined, o: KubeObject): Classes | undefined {
  if (o.kind === 'StorageClass' && typeof o.metadata.name === 'string') {
    classes ??= { storage: [], priority: [] };
    classes.storage.push([o.metadata.name, o.allowVolumeExpansion === true]);
  } else if (o.kind === 'PriorityClass' && typeof o.value === 'number') {
    classes ??= { storage: [], priority: [] };
    const preemptionPolicy = typeof o.preemptionPolicy === 'string' ? o.preemptionPolicy : DEFAULT_PREEMPTION;
    const given = { priority: o.value, preemptionPolicy, ...(o.globalDefault === true ? { globalDefault: true } : {}) };
    classes.priority.push([String(o.metadata.name), given]);
  }
  return classes;
}

/**
 * The StorageClasses and PriorityClasses a chart makes (`AppClasses`): from its summary when it
 * came from the render cache (its objects are not rendered again for them), else from its objects.
 */
export function chartClasses(chart: { readonly summary?: AppSummary; readonly objects: readonly KubeObject[] }): AppClasses | undefined {
  return chart.summary ? chart.summary.classes : chart.objects.reduce(withClass, undefined);
}

/** The workload `o` scales (`scaleTargetKey`) when it is an autoscaler (a HorizontalPodAutoscaler, a KEDA ScaledObject). */
function scaleTarget(o: KubeObject): string | undefined {
  const target = autoscaledTarget(o);
  return target ? scaleTargetKey(o.metadata.namespace, target) : undefined;
}

/**
 * The workloads a chart's autoscalers scale (`scaleTargetKey`): from its summary when it
 * came from the render cache (its objects are not read for them), else from its objects.
 */
export function chartScaleTargets(chart: { readonly summary?: AppSummary; readonly objects: readonly KubeObject[] }): readonly string[] {
  if (chart.summary) return chart.summary.scaleTargets ?? [];
  return chart.objects.flatMap((o) => scaleTarget(o) ?? []);
}

/** The summary of `objects` (see `AppSummary`). */
export function summarize(objects: readonly KubeObject[]): AppSummary {
  const workloads: [number, Record<string, string>][] = [];
  let plain = true;
  let classes: Classes | undefined;
  const scaleTargets: string[] = [];
  let certManager: [number, string[]] | undefined;
  const heads = objects.map((o, i) => {
    // a custom workload's too (an Argo Rollout, an OpenKruise CloneSet): the index files its pods by
    // these labels when the app is seen through stand-ins, as it does when its objects are read
    const template = workloadTemplateOf(o);
    if (template) workloads.push([i, { ...podLabels(o, template) }]);
    classes = withClass(classes, o);
    const target = scaleTarget(o);
    if (target !== undefined) scaleTargets.push(target);
    if (!certManager && o.kind === 'Deployment') {
      const args = certManagerControllerArgs(o);
      if (args) certManager = [i, args.map((a) => (typeof a === 'string' ? a : ''))];
    }
    const { name, namespace } = o.metadata;
    // once one object is not plain the app is not: the others' ports need not be looked at
    if (
      plain &&
      (typeof name !== 'string' ||
        o.kind === 'Namespace' ||
        o.kind === 'CustomResourceDefinition' ||
        hasNodeOrHostPort(o, template) ||
        makesSecrets(o))
    )
      plain = false;
    return [o.apiVersion, o.kind, name ?? null, namespace ?? null] as const;
  });
  return {
    heads,
    workloads,
    images: imageSubstitutions(objects),
    written: writtenImages(objects),
    plain,
    ...(classes ? { classes } : {}),
    ...(scaleTargets.length ? { scaleTargets } : {}),
    ...(certManager ? { certManager } : {}),
  };
}

/** Whether `list` is a list with an item (a port) that has `key`. Loops, not closures: this runs on every object of every app rendered. */
function hasKey(list: unknown, key: string): boolean {
  if (!Array.isArray(list)) return false;
  for (const p of list) if (p && typeof p === 'object' && key in p) return true;
  return false;
}

/** Whether `o` is a Service with a port that has a nodePort, or has a pod template (`template`) with a container port that has a hostPort. */
function hasNodeOrHostPort(o: KubeObject, template: PodTemplate | undefined): boolean {
  if (o.kind === 'Service') return hasKey((o.spec as { ports?: unknown } | undefined)?.ports, 'nodePort');
  for (const c of containersOf(template?.spec)) if (hasKey(c.ports, 'hostPort')) return true;
  return false;
}

/** The summaries made of the objects of apps rendered now, by their objects (`summaryOf`). */
const summaries = new WeakMap<readonly KubeObject[], AppSummary>();

/**
 * `summarize(objects)`, made once per array of objects: an app rendered now is summarized for the
 * render cache (lib/synth/rendered.ts `keepApps`), and the synth report reads its image
 * substitutions again (`chartImages`).
 */
export function summaryOf(objects: readonly KubeObject[]): AppSummary {
  let summary = summaries.get(objects);
  if (!summary) {
    summary = summarize(objects);
    summaries.set(objects, summary);
  }
  return summary;
}

/**
 * The image substitutions made in a chart's objects: from its summary when it came from the render
 * cache or one was made of its objects (`summaryOf`), else found in them.
 */
export function chartImages(chart: { readonly summary?: AppSummary; readonly objects: readonly KubeObject[] }): readonly Substitution[] {
  return (chart.summary ?? summaries.get(chart.objects))?.images ?? imageSubstitutions(chart.objects);
}

const standIns = new WeakMap<AppSummary, KubeObject[]>();

/**
 * The objects of a summary as the checks' reports and the inventory name them: apiVersion, kind
 * and metadata.name and namespace only, made once per summary (the same objects each time); the
 * Deployment of cert-manager's controller marked with its args (`standInController`).
 */
export function standInsOf(summary: AppSummary): readonly KubeObject[] {
  let found = standIns.get(summary);
  if (!found) {
    found = summary.heads.map(([apiVersion, kind, name, namespace]) =>
      namedObject(apiVersion, kind, name ?? undefined, namespace ?? undefined),
    );
    const controller = summary.certManager && found[summary.certManager[0]];
    if (controller) standInController(controller, summary.certManager![1]);
    standIns.set(summary, found);
  }
  return found;
}

/**
 * A chart's objects as far as they are known without reading a cached app's entry: its stand-ins
 * (apiVersion, kind, name, namespace) when it came from the render cache, else its objects.
 */
export function chartHeads(chart: { readonly summary?: AppSummary; readonly objects: readonly KubeObject[] }): readonly KubeObject[] {
  return chart.summary ? standInsOf(chart.summary) : chart.objects;
}
