/**
 * The workloads of the object index (object-index.ts) by namespace and by the labels of their pod
 * template, so that a Service's, a PodDisruptionBudget's or a NetworkPolicy's selector finds the pods
 * it selects without reading every workload of the namespace: the workloads carrying the rarest of
 * its labels, then those matching the whole selector. Pure.
 */
import type { KubeObject } from '../model/object.js';
import type { PodTemplate } from '../model/pod-specs.js';
import { selectorMatches, type Selector } from './selectors.js';

/** A workload: an object with a pod template, and the template. */
export interface Workload {
  readonly object: KubeObject;
  readonly template: PodTemplate;
}

/** A workload as indexed: its object (maybe a stand-in), its pod template's labels, and the workload itself once needed. */
export interface Slot {
  readonly object: KubeObject;
  readonly labels: Readonly<Record<string, string>>;
  workload?: Workload;
}

/** The workloads of the objects by namespace, and by label key and value within it. */
export class WorkloadLabels {
  private readonly workloads = new Map<string, Slot[]>();
  /** Namespace -> label key -> label value -> the workloads whose pod template carries that label (no string made per label). */
  private readonly byLabel = new Map<string, Map<string, Map<string, Slot[]>>>();

  /** Files a workload's pods in `ns` by their labels, for the selectors of that namespace. */
  file(ns: string, w: Slot): void {
    const ws = this.workloads.get(ns);
    if (ws) ws.push(w);
    else this.workloads.set(ns, [w]);
    const { labels } = w;
    let byKey = this.byLabel.get(ns);
    for (const k in labels) {
      if (!Object.hasOwn(labels, k)) continue;
      if (!byKey) this.byLabel.set(ns, (byKey = new Map()));
      let byValue = byKey.get(k);
      if (!byValue) byKey.set(k, (byValue = new Map()));
      const value = String(labels[k]);
      const list = byValue.get(value);
      if (list) list.push(w);
      else byValue.set(value, [w]);
    }
  }

  /** The workloads in `ns` whose pod template has every label of `labels`. */
  labelled(ns: string, labels: Readonly<Record<string, string>>): readonly Slot[] {
    const keys = Object.keys(labels);
    const byKey = this.byLabel.get(ns);
    let smallest: readonly Slot[] | undefined;
    for (const k of keys) {
      const list = byKey?.get(k)?.get(String(labels[k])) ?? [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    return (smallest ?? []).filter((w) => keys.every((k) => w.labels[k] === labels[k]));
  }

  /** The workloads in `ns` whose pod template matches the selector (an empty one matches all). */
  selected(ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>): readonly Slot[] {
    const candidates = Object.keys(selector.matchLabels).length ? this.labelled(ns, selector.matchLabels) : this.in(ns);
    return selector.matchExpressions.length ? candidates.filter((w) => selectorMatches(selector, w.labels)) : candidates;
  }

  /** The workloads in `ns`. */
  in(ns: string): readonly Slot[] {
    return this.workloads.get(ns) ?? [];
  }
}
