/**
 * A stage as the delivery planner sees it (lib/delivery/plan.ts): plain data made from its stage
 * file and its objects, which a synthesis records with the stage so that a later one that keeps
 * the stage plans without compiling it; and where its stage file writes the settings the plan's
 * problems are placed at. Pure.
 */
import type { StageDelivery } from '../config/delivery.js';
import { groupOf } from '../k8s.js';
import type { KubeObject } from '../model/object.js';
import type { SourceLocation } from '../errors.js';
import { INSTANCE_LABEL, instanceLabel } from '../model/labels.js';
import { chartHeads } from '../synth/app-summary.js';
import type { RenderedChart } from '../synth/rendered.js';

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** `group/kind` of every kind a stage has, by scope, sorted (for Argo CD's resource allow-lists). */
export interface StageKinds {
  readonly namespaced: readonly GroupKind[];
  readonly cluster: readonly GroupKind[];
}

/**
 * One stage, as the planner sees it: plain data, which a synthesis records with the stage
 * (lib/cli/fingerprint.ts) so that a later one that keeps the stage plans without compiling it.
 */
export interface DeliveredStage {
  readonly stage: string;
  readonly namespace: string;
  /** The stage file, as messages name it. */
  readonly source: string;
  readonly delivery: StageDelivery;
  /** The stage's namespace and every namespace its objects live in, sorted. */
  readonly namespaces: readonly string[];
  readonly kinds: StageKinds;
  /**
   * The objects outside the stage's namespace (cluster-scoped, or in another namespace), but its
   * own Namespace, as `group/Kind namespace/name`, sorted: two stages delivered to one cluster
   * must not both hold one (`sharedObjects`). @default - none
   */
  readonly elsewhere?: readonly string[];
  /**
   * Each value of the instance label (`app.kubernetes.io/instance`: `<app>-<stage>`) its objects carry,
   * with the objects that carry it (as `elsewhere` names them), sorted: an Argo CD tracking objects by
   * that label takes those it did not apply for the Application so named (lib/delivery/tracking.ts
   * `claimedObjects`). @default - none
   */
  readonly instances?: Readonly<Record<string, readonly string[]>>;
  /**
   * Where the stage file writes the settings the plan's problems are about (`PLACED_SETTINGS`, by
   * dotted path), so that they are reported at `file:line:col` as every stage-file problem is, a
   * kept stage's too. @default - none: problems name the file and the setting
   */
  readonly places?: Readonly<Record<string, Place>>;
}

/** A line and column of a stage file (the file is the stage's `source`). */
export interface Place {
  readonly line: number;
  readonly column: number;
}

/**
 * The stage-file settings that delivery problems are placed at: the value of each (the key of
 * `delivery`, which a problem about a setting inherited from the project file points at).
 */
export const PLACED_SETTINGS: readonly (readonly string[])[] = [
  ['namespace'],
  ['delivery'],
  ['delivery', 'engine'],
  ['delivery', 'cluster'],
  ['delivery', 'repository', 'url'],
  ['delivery', 'repository', 'revision'],
  ['delivery', 'repository', 'secret'],
  ['delivery', 'sync', 'automated'],
  ['delivery', 'sync', 'selfHeal'],
  ['delivery', 'sync', 'timeout'],
];

/**
 * Where a settings file writes the settings the plan may report a problem at: `locate(path)` of
 * each that `data` holds (the project file's, or a stage file's `PLACED_SETTINGS`).
 */
export function placesOf(
  data: unknown,
  paths: readonly (readonly string[])[],
  locate: (path: readonly string[]) => Place,
): Record<string, Place> {
  const places: Record<string, Place> = {};
  for (const path of paths) {
    let node = data;
    for (const key of path)
      node = node && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (node !== undefined) {
      const { line, column } = locate(path);
      places[path.join('.')] = { line, column };
    }
  }
  return places;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** What the planner needs of a stage whose objects are `objects`. */
export function deliveredStage(
  stage: Omit<DeliveredStage, 'namespaces' | 'kinds' | 'elsewhere' | 'instances'>,
  objects: readonly KubeObject[],
): DeliveredStage {
  // the stage's own namespace is the Application's destination even when no object lives in it (all cluster-scoped, or all elsewhere)
  const namespaces = new Set([stage.namespace, ...objects.flatMap((o) => (o.metadata.namespace ? [o.metadata.namespace] : []))]);
  const elsewhere = objects.flatMap((o) => {
    const { name, namespace } = o.metadata;
    if (namespace === stage.namespace || (o.kind === 'Namespace' && name === stage.namespace)) return [];
    return [objectRef(o)];
  });
  const instances = new Map<string, Set<string>>();
  for (const o of objects) {
    const value = o.metadata.labels?.[INSTANCE_LABEL];
    if (value !== undefined) instances.set(value, (instances.get(value) ?? new Set()).add(objectRef(o)));
  }
  return {
    ...stage,
    namespaces: [...namespaces].sort(byText),
    kinds: kindsOf(objects),
    elsewhere: [...new Set(elsewhere)].sort(byText),
    instances: Object.fromEntries([...instances.keys()].sort(byText).map((v) => [v, [...(instances.get(v) ?? [])].sort(byText)])),
  };
}

/**
 * The objects of a stage's charts as `deliveredStage` reads them: the plan reads kinds and namespaces,
 * which a cached app's summary names (its objects are not rendered again, `chartHeads`), and the instance
 * label's values, which its stand-ins do not carry: given the value the labels transform writes on every
 * object of the app, `<app>-<stage>` (lib/transforms/labels.ts), so that a synthesis from the render cache
 * finds what one rendering anew does (`claimedObjects`). (An object of a team's manifests that writes that
 * label itself keeps its own value there, which only its rendering tells.)
 */
export function deliveredObjects(charts: readonly RenderedChart[], stage: string): KubeObject[] {
  return charts.flatMap((c) =>
    c.summary
      ? chartHeads(c).map((o) => ({ ...o, metadata: { ...o.metadata, labels: { [INSTANCE_LABEL]: instanceLabel(c.name, stage) } } }))
      : c.objects,
  );
}

/** An object as a stage's record names it: `group/Kind namespace/name`, `group/Kind name` when cluster-scoped. */
const objectRef = (o: KubeObject): string =>
  `${groupOf(o.apiVersion)}/${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`;

/** The parts of an object `objectRef` named. */
export function parseObjectRef(ref: string): {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
} {
  const [groupKind, object = ''] = ref.split(' ');
  const slash = groupKind.lastIndexOf('/');
  const at = object.indexOf('/');
  const name = object.slice(at + 1);
  return {
    group: groupKind.slice(0, slash),
    kind: groupKind.slice(slash + 1),
    name,
    ...(at >= 0 ? { namespace: object.slice(0, at) } : {}),
  };
}

function kindsOf(objects: readonly KubeObject[]): StageKinds {
  const namespaced = new Map<string, GroupKind>();
  const cluster = new Map<string, GroupKind>();
  for (const o of objects) {
    const gk = { group: groupOf(o.apiVersion), kind: o.kind };
    (o.metadata.namespace ? namespaced : cluster).set(`${gk.group}/${gk.kind}`, gk);
  }
  const sorted = (m: Map<string, GroupKind>) => [...m.entries()].sort(([a], [b]) => byText(a, b)).map(([, gk]) => gk);
  return { namespaced: sorted(namespaced), cluster: sorted(cluster) };
}

/** Where the project file writes its settings, by dotted path (`delivery.clusters.nonprod`): for the plan's problems. */
export type ProjectPlaces = (path: readonly string[]) => SourceLocation | undefined;

/**
 * Where a problem about a stage's `delivery.<setting>` is reported: where the stage file writes
 * it, else where the project file does (the stage inherits it), else at the stage's `delivery:`.
 */
export function settingPlace(s: DeliveredStage, setting: string, projectPlaces: ProjectPlaces): SourceLocation | undefined {
  const own = s.places?.[`delivery.${setting}`];
  if (own) return { file: s.source, ...own };
  const inherited = setting === 'cluster' || setting === 'engine' || setting.startsWith('repository.') || setting.startsWith('sync.');
  const project = inherited ? projectPlaces(['delivery', ...setting.split('.')]) : undefined;
  if (project) return project;
  const delivery = s.places?.delivery;
  return delivery && { file: s.source, ...delivery };
}
