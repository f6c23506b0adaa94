/**
 * The objects of one stage (or one `npm run check` run), indexed once by API group and kind,
 * namespace and name, so that reference checks look things up in constant time. By group: a
 * custom resource of kind `Secret` in group `example.com` is no Secret a pod can use.
 *
 * Traced lookups: given the identity of each object (the digest of its document), the index
 * records every lookup a check makes on one object and what it found (`traced`), and tells later,
 * in another run over other objects, whether each of those lookups still finds the same (`holds`):
 * the recording is lookup-traces.ts's, what each query finds this index's (`evaluate`).
 */
import { isClusterScoped, kindGroups, type KindGroups } from '../k8s.js';
import type { KubeObject } from '../model/object.js';
import { describeObject } from '../model/object.js';
import { workloadTemplateOf, workloadTemplatePath } from '../model/pod-specs.js';
import { podLabels } from '../model/custom-workloads.js';
import type { Trace } from '../model/kept-checks.js';
import { certManagerControllerArgs } from '../model/operator-secrets.js';
import { finder, type Finding } from './finding.js';
import type { Selector } from './selectors.js';
import { LookupTraces } from './lookup-traces.js';
import { GET, type Got, type Query, kindKeys, namespaceOf, short } from './object-keys.js';
import { type Slot, type Workload, WorkloadLabels } from './workload-labels.js';

// the index's keys and the names its messages list, where its users have always found them
export { DEFAULT_NAMESPACE, KINDS, isGet, namespaceOf } from './object-keys.js';
export { MAX_LISTED, listed } from './finding.js';
export type { Workload } from './workload-labels.js';

/**
 * An object that stands in for another in the index: its apiVersion, kind, name and namespace are
 * the other's (lib/synth/app-summary.ts `standInsOf`), the rest is read only when a lookup finds it.
 */
export interface StandIn {
  /** The labels of its pod template, when it has one. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The object it stands for. */
  readonly real: () => KubeObject;
}

/** What an index needs besides the objects. */
export interface IndexOptions {
  /** The identity of an object's content (the digest of its document), for traced lookups: two objects with one identity must be the same. @default - lookups are not traced */
  readonly identity?: (o: KubeObject) => string;
  /** What an object stands in for, if it is a stand-in. @default - none is */
  readonly standIn?: (o: KubeObject) => StandIn | undefined;
  /**
   * `group/kind` of the custom kinds at cluster scope (their CRD says `scope: Cluster`; lib/checks/crds.ts
   * `clusterScopedKinds`): their objects are filed under no namespace, as the built-in cluster-scoped kinds'.
   * @default - none: custom kinds are namespaced
   */
  readonly clusterScopedKinds?: readonly string[];
}

/**
 * The first definition of each object defined again (a later definition -> the first), for whoever places
 * its `refs/duplicate-object` finding (lib/checks/manifests.ts `related`: both places said). Kept beside the
 * finding, never in it: a finding is kept in the render cache without its objects. By the later object, not
 * by the finding: a finding whose text names a secret value is a copy once masked (`maskSecrets`), which keeps
 * its object.
 */
const firstDefinitions = new WeakMap<KubeObject, KubeObject>();

/** The object first defined where `f`, a `refs/duplicate-object` finding, found it defined again. */
export function firstDefinitionOf(f: Finding): KubeObject | undefined {
  return f.code === 'refs/duplicate-object' ? firstDefinitions.get(f.object) : undefined;
}

export class ObjectIndex {
  /** `get:<group>/<kind>/<namespace>/<name>` (a traced `get` is this key) -> the first object of that group, kind, namespace and name. */
  private readonly byKey = new Map<string, KubeObject>();
  /** `group/kind` -> namespace -> names, for messages listing what does exist (made when first needed: `names`). */
  private namesByKind?: Map<string, Map<string, string[]>>;
  /** The workloads by namespace and pod template labels. */
  private readonly pods = new WorkloadLabels();
  /** Each object with pod templates (and each Pod) as a workload. */
  private readonly workloadOf = new Map<KubeObject, Slot>();
  /** `group/kind` -> the objects of that kind, in order (made when first needed: `kinds`). */
  private byKind?: Map<string, KubeObject[]>;
  /** `group/kind` -> namespace -> the objects of that kind there, in order (made per kind when first asked: `ofKind`). */
  private readonly byKindNamespace = new Map<string, Map<string, KubeObject[]>>();
  /** The objects `byKey` holds: each the first definition of its group, kind, namespace and name. */
  private readonly firsts = new Set<KubeObject>();
  /** The second definition of an object -> its finding. */
  private readonly duplicates = new Map<KubeObject, Finding>();
  private readonly sorted = new WeakSet<string[]>();
  /** The lookups recorded while a check runs (`traced`) and what they find now (`holds`). */
  private readonly traces: LookupTraces;
  /**
   * `group/kind` -> namespace -> name -> what `get` finds there, worked out on the first lookup:
   * a stage asks for its Namespace once per object and for a Secret once per reference, and a
   * lookup asked again builds no key and, traced, records the trace it recorded before.
   */
  private readonly gets = new Map<string, Map<string, Map<string, Got>>>();

  private readonly standIn?: (o: KubeObject) => StandIn | undefined;
  private readonly customKinds: KindGroups;

  constructor(
    readonly objects: readonly KubeObject[],
    options: IndexOptions = {},
  ) {
    this.traces = new LookupTraces(options.identity, { atKey: (key) => this.byKey.get(key), evaluate: (q) => this.evaluate(q) });
    this.standIn = options.standIn;
    this.customKinds = kindGroups(options.clusterScopedKinds);
    for (const o of objects) {
      if (!o?.metadata || typeof o.metadata !== 'object') continue;
      const ns = this.namespaceOf(o);
      const name = o.metadata.name;
      // an object without a name (or with generateName) is still an object: not addressable by
      // name, but its pods are selected by Services and its references are checked like any other
      if (typeof name === 'string') {
        const key = `${kindKeys(o).prefix}${ns}/${name}`;
        const first = this.byKey.get(key);
        if (first) {
          // two versions of one group's kind are the same API object, stored once
          const versions = first.apiVersion === o.apiVersion ? '' : ` (as ${first.apiVersion} and ${o.apiVersion})`;
          const twice = finder(o)(
            'refs/duplicate-object',
            ['metadata', 'name'],
            `${describeObject(o)}${versions} is defined twice: applied together, the second definition replaces the first (kubectl apply) or fails as already existing (kubectl create)`,
            'each group and kind, namespace and name may appear once in a cluster; rename or remove one',
          );
          this.duplicates.set(o, twice);
          firstDefinitions.set(o, first);
          continue;
        }
        this.byKey.set(key, o);
        this.firsts.add(o);
      }
      // a custom kind named like a workload (an example.com/v1 Deployment) is none: a built-in kind
      // of its group is, and a custom resource that runs pods of a template of its own (an Argo Rollout,
      // lib/model/custom-workloads.ts), whose pods Services select and whose references are checked alike
      if (workloadTemplatePath(o) === undefined) continue;
      const standIn = this.standIn?.(o);
      const template = standIn ? undefined : workloadTemplateOf(o);
      const labels = standIn ? standIn.labels : template && podLabels(o, template);
      if (labels) {
        const w: Slot = template ? { object: o, labels, workload: { object: o, template } } : { object: o, labels };
        this.workloadOf.set(o, w);
        this.pods.file(ns, w);
      }
    }
  }

  /**
   * The object of `groupKind` (`group/kind`, as `KINDS`) named `name` in namespace `ns`: '' for a
   * cluster-scoped kind (the callers know the kind they look for; the index does not guess its
   * group from its name).
   */
  get(groupKind: string, ns: string, name: string): KubeObject | undefined {
    let byNs = this.gets.get(groupKind);
    if (!byNs) this.gets.set(groupKind, (byNs = new Map()));
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    let got = byName.get(name);
    if (!got) {
      const key = `${GET}${groupKind}/${ns}/${name}`;
      byName.set(name, (got = { key, found: this.byKey.get(key) }));
    }
    // the commonest lookup is traced as its key: checked again without parsing
    this.traces.noteGet(got);
    return got.found && this.real(got.found);
  }

  /** The names of the objects of `groupKind` in `ns` ('' for a cluster-scoped kind, as `get`), sorted (once), for messages. */
  namesOf(groupKind: string, ns: string): readonly string[] {
    this.note(['names', groupKind, ns]);
    const list = this.names().get(groupKind)?.get(ns);
    if (!list) return [];
    if (!this.sorted.has(list)) {
      list.sort();
      this.sorted.add(list);
    }
    return list;
  }

  /** The workloads in `ns` whose pod template matches a LabelSelector (an empty one matches all). */
  workloadsSelected(ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>): readonly Workload[] {
    return this.selected(ns, selector).map(this.resolve);
  }

  /**
   * The workloads in `ns` whose pod template matches the selector, as `workloadsSelected` finds them,
   * each as its object's head (a cached app's stand-in: kind and name, unread) and its pods' labels.
   */
  podLabelsSelected(ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>): readonly Pick<Slot, 'object' | 'labels'>[] {
    return this.selected(ns, selector);
  }

  /** The slots of the workloads in `ns` whose pod template matches the selector, the lookup traced. */
  private selected(ns: string, selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>): readonly Slot[] {
    const found = this.pods.selected(ns, selector);
    this.note(['selected', ns, { matchLabels: selector.matchLabels, matchExpressions: selector.matchExpressions }], found);
    return found;
  }

  /** The workloads in `ns` whose pod template has every label of `labels` (which must not be empty). */
  workloadsLabelled(ns: string, labels: Readonly<Record<string, string>>): readonly Workload[] {
    const found = this.pods.labelled(ns, labels);
    this.note(['labelled', ns, labels], found);
    return found.map(this.resolve);
  }

  /** The objects with pod templates (and Pods) in `ns`. */
  workloadsIn(ns: string): readonly Workload[] {
    this.note(['in', ns]);
    return this.pods.in(ns).map(this.resolve);
  }

  /** The objects of `groupKind` (as `get`) in `ns`, or in every namespace, in order. */
  objectsOf(groupKind: string, ns?: string): readonly KubeObject[] {
    this.note(ns === undefined ? ['kind', groupKind] : ['kind', groupKind, ns]);
    const found = this.ofKind(groupKind, ns);
    // without stand-ins the index's own list, which no caller changes (asked once per workload, for the NetworkPolicies)
    return this.standIn ? found.map((o) => this.real(o)) : found;
  }

  /**
   * The apps Deployments that run cert-manager's controller (`certManagerControllerArgs`), in order,
   * with the command and args of its container: a stand-in answers from its app's summary, so a
   * cached app is not read for them, and the lookup finds something else only when one of them changes.
   */
  certManagerControllers(): readonly { readonly object: KubeObject; readonly args: readonly unknown[] }[] {
    this.note(['cert-manager']);
    return this.controllers();
  }

  /** cert-manager's controllers among the objects, found once: asked once per kubernetes.io/tls-acme Ingress (issuer-refs.ts). */
  private controllerList?: readonly { object: KubeObject; args: readonly unknown[] }[];

  private controllers(): readonly { object: KubeObject; args: readonly unknown[] }[] {
    this.controllerList ??= this.ofKind('apps/Deployment').flatMap((object) => {
      const args = certManagerControllerArgs(object);
      return args ? [{ object, args }] : [];
    });
    return this.controllerList;
  }

  /** The namespace `o` is filed under: '' at cluster scope (by its group and kind, and the CRDs' scopes), else as `namespaceOf`. */
  namespaceOf(o: KubeObject): string {
    return namespaceOf(o, this.customKinds);
  }

  /** Whether `o` is at cluster scope, by its group and kind and the CRDs' scopes (`isClusterScoped`). */
  isClusterScoped(o: KubeObject): boolean {
    return isClusterScoped(o.apiVersion, o.kind, this.customKinds);
  }

  /** `o` as a workload, if it has a pod template. */
  workload(o: KubeObject): Workload | undefined {
    const slot = this.workloadOf.get(o);
    return slot && this.resolve(slot);
  }

  /** The finding when `o` defines an object an earlier one already defined (see `isFirst`). */
  duplicate(o: KubeObject): Finding | undefined {
    return this.duplicates.get(o);
  }

  private ofKind(groupKind: string, ns?: string): readonly KubeObject[] {
    const all = this.kinds().get(groupKind) ?? [];
    if (ns === undefined) return all;
    // asked once per workload (the Services of its namespace): grouped by namespace once per kind
    let byNs = this.byKindNamespace.get(groupKind);
    if (!byNs) {
      this.byKindNamespace.set(groupKind, (byNs = new Map()));
      for (const o of all) {
        const objectNs = this.namespaceOf(o);
        const list = byNs.get(objectNs);
        if (list) list.push(o);
        else byNs.set(objectNs, [o]);
      }
    }
    return byNs.get(ns) ?? [];
  }

  /** `group/kind` -> the objects of that kind as indexed (with metadata, the second definition of an object left out), made once. */
  private kinds(): Map<string, KubeObject[]> {
    if (!this.byKind) {
      const byKind = (this.byKind = new Map<string, KubeObject[]>());
      for (const o of this.objects) {
        if (!o?.metadata || typeof o.metadata !== 'object' || this.duplicates.has(o)) continue;
        const { groupKind } = kindKeys(o);
        const ofKind = byKind.get(groupKind);
        if (ofKind) ofKind.push(o);
        else byKind.set(groupKind, [o]);
      }
    }
    return this.byKind;
  }

  /** `group/kind` -> namespace -> names of the objects indexed, made once: only messages need them. */
  private names(): Map<string, Map<string, string[]>> {
    if (!this.namesByKind) {
      const names = (this.namesByKind = new Map<string, Map<string, string[]>>());
      for (const [kind, objects] of this.kinds()) {
        const byNs = new Map<string, string[]>();
        for (const o of objects) {
          const name = o.metadata.name;
          if (typeof name !== 'string') continue;
          const ns = this.namespaceOf(o);
          const list = byNs.get(ns);
          if (list) list.push(name);
          else byNs.set(ns, [name]);
        }
        names.set(kind, byNs);
      }
    }
    return this.namesByKind;
  }

  /** The object `o` stands in for, or `o`. */
  private real(o: KubeObject): KubeObject {
    return this.standIn?.(o)?.real() ?? o;
  }

  /** A workload as checks see it: a stand-in's object read. */
  private readonly resolve = (slot: Slot): Workload => {
    if (!slot.workload) {
      const object = this.real(slot.object);
      slot.workload = { object, template: workloadTemplateOf(object) ?? {} };
    }
    return slot.workload;
  };

  /** Runs `check` on `subject`, recording each lookup it makes and what that found (`LookupTraces.traced`). */
  traced<S, T>(check: (subject: S) => T, subject: S): { result: T; traces?: Trace[] } {
    return this.traces.traced(check, subject);
  }

  /** Whether each lookup of `traces` finds in this index what it found when traced (always false without identities). */
  holds(traces: readonly Trace[]): boolean {
    return this.traces.holds(traces);
  }

  /**
   * Whether `o` is the object its group, kind, namespace and name find: not defined earlier (`duplicate`
   * is not traced: a traced object is reused only when this holds). False for a nameless object.
   */
  isFirst(o: KubeObject): boolean {
    return this.firsts.has(o);
  }

  /** Records `query` and what it finds, when lookups are traced; `found`, the workloads the caller's lookup found. */
  private note(query: Query, found?: readonly Slot[]): void {
    this.traces.note(query, found);
  }

  /** What a traced query other than a `get` finds, as text (the identities of the objects, or the names): asked by `holds`. */
  private evaluate(q: Query): string {
    switch (q[0]) {
      case 'names':
        return short(JSON.stringify(this.namesOf(q[1], q[2])));
      case 'labelled':
        return this.slotIdentities(this.pods.labelled(q[1], q[2]));
      case 'selected':
        return this.slotIdentities(this.pods.selected(q[1], q[2]));
      case 'in':
        return this.slotIdentities(this.pods.in(q[1]));
      case 'kind':
        return this.identities(this.ofKind(q[1], q[2]));
      case 'cert-manager':
        return this.identities(this.controllers().map((c) => c.object));
      default:
        throw new Error('unknown query');
    }
  }

  /** The identities of the workloads `slots` in order. */
  private slotIdentities(slots: readonly Slot[]): string {
    return this.identities(slots.map((w) => w.object));
  }

  /** The identities of `objects` in order. */
  private identities(objects: readonly KubeObject[]): string {
    return this.traces.identities(objects);
  }
}
