/**
 * What a stage needs to know of an app's objects besides what the checks found on them
 * (`AppSummary`), kept with them in the render cache, and the stand-ins the checks see for an
 * unchanged app's objects instead of reading them. Pure.
 */
import { CONTAINER_LISTS, podTemplateOf } from '../model/pod-specs.js';
import { namedObject, type KubeObject } from '../model/object.js';
import { imageSubstitutions, writtenImages, type Substitution } from '../transforms/images.js';

/**
 * What a stage needs to know of an app's objects besides what the checks found on them, kept with
 * them so that an unchanged app of a stage is not read: how they are named (the inventory, the
 * checks' reports), the labels of their pod templates (the references to them), the image
 * substitutions made (the synth report), the images it runs as written (the stage's unused image
 * entries), and whether the checks across objects need more.
 */
export interface AppSummary {
  /** Per object: apiVersion, kind, and name and namespace (null when absent). */
  readonly heads: readonly (readonly [apiVersion: string, kind: string, name: string | null, namespace: string | null])[];
  /** Per object with a pod template: its place, and the template's labels. */
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
   * (which the stage checks compare across apps).
   */
  readonly plain: boolean;
}

/** The summary of `objects` (see `AppSummary`). */
export function summarize(objects: readonly KubeObject[]): AppSummary {
  const workloads: [number, Record<string, string>][] = [];
  let plain = true;
  const heads = objects.map((o, i) => {
    const template = podTemplateOf(o);
    if (template) workloads.push([i, { ...template.metadata?.labels }]);
    const { name, namespace } = o.metadata;
    // once one object is not plain the app is not: the others' ports need not be looked at
    if (
      plain &&
      (typeof name !== 'string' || o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition' || hasNodeOrHostPort(o, template))
    )
      plain = false;
    return [o.apiVersion, o.kind, name ?? null, namespace ?? null] as const;
  });
  return { heads, workloads, images: imageSubstitutions(objects), written: writtenImages(objects), plain };
}

/** Whether `list` is a list with an item (a port) that has `key`. Loops, not closures: this runs on every object of every app rendered. */
function hasKey(list: unknown, key: string): boolean {
  if (!Array.isArray(list)) return false;
  for (const p of list) if (p && typeof p === 'object' && key in p) return true;
  return false;
}

/** Whether `o` is a Service with a port that has a nodePort, or has a pod template (`template`) with a container port that has a hostPort. */
function hasNodeOrHostPort(o: KubeObject, template: ReturnType<typeof podTemplateOf>): boolean {
  if (o.kind === 'Service') return hasKey((o.spec as { ports?: unknown } | undefined)?.ports, 'nodePort');
  const spec = template?.spec;
  if (!spec) return false;
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers as { ports?: unknown }[]) if (hasKey(c?.ports, 'hostPort')) return true;
  }
  return false;
}

const standIns = new WeakMap<AppSummary, KubeObject[]>();

/**
 * The objects of a summary as the checks' reports and the inventory name them: apiVersion, kind
 * and metadata.name and namespace only, made once per summary (the same objects each time).
 */
export function standInsOf(summary: AppSummary): readonly KubeObject[] {
  let found = standIns.get(summary);
  if (!found) {
    found = summary.heads.map(([apiVersion, kind, name, namespace]) =>
      namedObject(apiVersion, kind, name ?? undefined, namespace ?? undefined),
    );
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

/**
 * The objects of the charts that hold an object of one of `kinds`, each with its chart's name
 * (`app`): only those charts are read whole, a cached app's being known by its heads until then.
 */
export function objectsOfChartsHolding(
  charts: readonly { readonly name: string; readonly summary?: AppSummary; readonly objects: readonly KubeObject[] }[],
  kinds: ReadonlySet<string>,
): { object: KubeObject; app: string }[] {
  return charts
    .filter((c) => chartHeads(c).some((o) => kinds.has(o.kind)))
    .flatMap((c) => c.objects.map((object) => ({ object, app: c.name })));
}
