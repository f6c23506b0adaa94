/**
 * The objects of one stage (or one `npm run check` run), indexed once by kind, namespace and
 * name, so that reference checks look things up in constant time.
 */
import { isClusterScoped } from '../k8s.js';
import type { KubeObject } from '../model/object.js';
import { describeObject } from '../model/object.js';
import { podTemplateOf, type PodTemplate } from '../model/pod-specs.js';
import { finder, type Finding } from './finding.js';
import { selectorMatches, type Selector } from './selectors.js';

/** The namespace objects without `metadata.namespace` land in when applied with kubectl's default context. */
export const DEFAULT_NAMESPACE = 'default';

export interface Workload {
  readonly object: KubeObject;
  readonly template: PodTemplate;
}

export class ObjectIndex {
  private readonly byKey = new Map<string, KubeObject>();
  /** kind -> namespace -> names, for messages listing what does exist. */
  private readonly names = new Map<string, Map<string, string[]>>();
  private readonly workloads = new Map<string, Workload[]>();
  /** `namespace\0key=value` -> the workloads whose pod template carries that label. */
  private readonly byLabel = new Map<string, Workload[]>();
  readonly duplicates: Finding[] = [];
  private readonly sorted = new WeakSet<string[]>();

  constructor(readonly objects: readonly KubeObject[]) {
    for (const o of objects) {
      if (!o?.metadata || typeof o.metadata !== 'object') continue;
      const ns = namespaceOf(o);
      const name = o.metadata.name;
      // an object without a name (or with generateName) is still an object: not addressable by
      // name, but its pods are selected by Services and its references are checked like any other
      if (typeof name === 'string') {
        const key = `${o.kind}/${ns}/${name}`;
        const first = this.byKey.get(key);
        if (first && groupOf(first.apiVersion) === groupOf(o.apiVersion)) {
          // two versions of one group's kind are the same API object, stored once
          const versions = first.apiVersion === o.apiVersion ? '' : ` (as ${first.apiVersion} and ${o.apiVersion})`;
          this.duplicates.push(
            finder(o)(
              'refs/duplicate-object',
              ['metadata', 'name'],
              `${describeObject(o)}${versions} is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)`,
              'each kind, namespace and name may appear once in a cluster; rename or remove one',
            ),
          );
          continue;
        }
        if (!first) this.byKey.set(key, o);
        let byNs = this.names.get(o.kind);
        if (!byNs) this.names.set(o.kind, (byNs = new Map()));
        const list = byNs.get(ns);
        if (list) list.push(name);
        else byNs.set(ns, [name]);
      }
      const template = podTemplateOf(o);
      if (template) {
        const w = { object: o, template };
        const ws = this.workloads.get(ns);
        if (ws) ws.push(w);
        else this.workloads.set(ns, [w]);
        for (const [k, v] of Object.entries(template.metadata?.labels ?? {})) {
          const key = `${ns}\0${k}=${v}`;
          const list = this.byLabel.get(key);
          if (list) list.push(w);
          else this.byLabel.set(key, [w]);
        }
      }
    }
  }

  /** The object of `kind` named `name` in namespace `ns` (ignored for cluster-scoped kinds). */
  get(kind: string, ns: string, name: string): KubeObject | undefined {
    return this.byKey.get(`${kind}/${isClusterScoped(kind) ? '' : ns}/${name}`);
  }

  /** The names of the objects of `kind` in `ns`, sorted (once), for messages. */
  namesOf(kind: string, ns: string): readonly string[] {
    const list = this.names.get(kind)?.get(isClusterScoped(kind) ? '' : ns);
    if (!list) return [];
    if (!this.sorted.has(list)) {
      list.sort();
      this.sorted.add(list);
    }
    return list;
  }

  /** The workloads in `ns` whose pod template matches a LabelSelector (an empty one matches all). */
  workloadsSelected(ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>): readonly Workload[] {
    const candidates = Object.keys(selector.matchLabels).length ? this.workloadsLabelled(ns, selector.matchLabels) : this.workloadsIn(ns);
    return selector.matchExpressions.length
      ? candidates.filter((w) => selectorMatches(selector, w.template.metadata?.labels ?? {}))
      : candidates;
  }

  /** The workloads in `ns` whose pod template has every label of `labels` (which must not be empty). */
  workloadsLabelled(ns: string, labels: Readonly<Record<string, string>>): readonly Workload[] {
    let smallest: readonly Workload[] | undefined;
    for (const [k, v] of Object.entries(labels)) {
      const list = this.byLabel.get(`${ns}\0${k}=${v}`) ?? [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    return (smallest ?? []).filter((w) => Object.entries(labels).every(([k, v]) => w.template.metadata?.labels?.[k] === v));
  }

  /** The objects with pod templates (and Pods) in `ns`. */
  workloadsIn(ns: string): readonly Workload[] {
    return this.workloads.get(ns) ?? [];
  }
}

/** The namespace of an object: '' at cluster scope, `default` when a namespaced object names none. */
export function namespaceOf(o: KubeObject): string {
  if (isClusterScoped(o.kind)) return '';
  return o.metadata?.namespace ?? DEFAULT_NAMESPACE;
}

/** The API group of an apiVersion: `apps` for `apps/v1`, '' for the core `v1`. */
function groupOf(apiVersion: unknown): string {
  const s = String(apiVersion);
  return s.includes('/') ? s.slice(0, s.indexOf('/')) : '';
}

/** Names listed in one message at most: a stage may have thousands. */
export const MAX_LISTED = 10;

/** `a, b` (`a, b, ... and 12 more` past MAX_LISTED) or `none`, for messages listing what exists. */
export function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')} and ${names.length - MAX_LISTED} more`;
}
