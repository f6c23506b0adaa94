/**
 * What a PersistentVolume's node does to its data when the volume is a directory of a node
 * (`hostPath`, `local`): pinning it to one node (`nodeAffinity` on `kubernetes.io/hostname`, as
 * HostPathVolumeClaim writes it) moves its pods there, while the data stays on the node where they
 * ran. Pure: lib/immutable-fields.ts asks it for the warning of a volume pinned for the first time
 * and for the hint of one moved to another node.
 */
import { valueAt, type FieldPath } from './model/field-path.js';
import { describeObject, isRecord, kubectlTarget, type KubeObject } from './model/object.js';
import { workloadTemplateOf } from './model/pod-specs.js';
import { customSelector } from './checks/custom-workloads.js';
import { formatSelector, workloadSelector } from './checks/selectors.js';
import { chartHeads } from './synth/app-summary.js';
import type { RenderedChart } from './synth/rendered.js';
import { HOSTNAME_LABEL } from './constructs/host-path-volume-claim.js';

/** A volume pinned for the first time, as lib/immutable-fields.ts words a change the API server takes. */
export interface FirstPin {
  /** Where the node's name is in the volume. */
  readonly path: FieldPath;
  readonly why: string;
  readonly hint: () => string;
  readonly outcome: string;
}

/** The directory of a node that holds a PersistentVolume's data (a `hostPath` or `local` volume's path), when it is one. */
function nodeDirectory(pv: KubeObject): string | undefined {
  const spec = isRecord(pv.spec) ? pv.spec : {};
  const source = isRecord(spec.hostPath) ? spec.hostPath : isRecord(spec.local) ? spec.local : undefined;
  return typeof source?.path === 'string' ? source.path : undefined;
}

/** The one node a PersistentVolume is pinned to (`kubernetes.io/hostname In [node]`), and where its name is. */
function pinnedNode(pv: KubeObject): { node: string; path: FieldPath } | undefined {
  const terms: FieldPath = ['spec', 'nodeAffinity', 'required', 'nodeSelectorTerms'];
  const expressions = valueAt(pv, [...terms, 0, 'matchExpressions']);
  if ((valueAt(pv, terms) as unknown[] | undefined)?.length !== 1 || !Array.isArray(expressions) || expressions.length !== 1)
    return undefined;
  const [e] = expressions;
  if (!isRecord(e) || e.key !== HOSTNAME_LABEL || e.operator !== 'In' || !Array.isArray(e.values) || e.values.length !== 1)
    return undefined;
  return typeof e.values[0] === 'string' ? { node: e.values[0], path: [...terms, 0, 'matchExpressions', 0, 'values', 0] } : undefined;
}

/** The claim the stage binds to a PersistentVolume (by its volumeName), and the objects of the chart that makes both. */
function claimOf(pv: KubeObject, charts: readonly RenderedChart[]): { claim?: KubeObject; objects: readonly KubeObject[] } {
  const name = pv.metadata.name;
  const objects = charts.find((c) => chartHeads(c).some((o) => o.kind === 'PersistentVolume' && o.metadata?.name === name))?.objects ?? [];
  return { claim: objects.find((o) => o.kind === 'PersistentVolumeClaim' && isRecord(o.spec) && o.spec.volumeName === name), objects };
}

/**
 * How to list, with their nodes, the pods of the workload (one with a selector) that mounts a
 * PersistentVolume's claim: a built-in one or a custom one (an Argo Rollout, an OpenKruise CloneSet).
 */
function podsOf(pv: KubeObject, charts: readonly RenderedChart[]): { command: string; what: string } | undefined {
  const { claim, objects } = claimOf(pv, charts);
  for (const o of claim ? objects : []) {
    const volumes = workloadTemplateOf(o)?.spec?.volumes;
    const selector = workloadSelector(o) ?? customSelector(o);
    const mounts =
      Array.isArray(volumes) &&
      volumes.some((v) => isRecord(v) && isRecord(v.persistentVolumeClaim) && v.persistentVolumeClaim.claimName === claim!.metadata.name);
    if (mounts && selector) {
      const ns = o.metadata.namespace ? ` -n ${o.metadata.namespace}` : '';
      return { command: `kubectl get pods -o wide${ns} -l '${formatSelector(selector)}'`, what: `${describeObject(o)}'s` };
    }
  }
  return undefined;
}

/**
 * A node's directory that `now` pins to one node where `old` pinned it to none: the API server takes
 * it, but a pod running on another node today holds the data there, and the next one starts on
 * the pinned node's directory, empty. The hint lists where the pods run, when a workload's selector says.
 */
export function firstPin(old: KubeObject, now: KubeObject, charts: readonly RenderedChart[]): FirstPin | undefined {
  const directory = nodeDirectory(now);
  const pinned = pinnedNode(now);
  if (isRecord(valueAt(old, ['spec', 'nodeAffinity'])) || directory === undefined || pinned === undefined) return undefined;
  const { node, path } = pinned;
  const why = 'a PersistentVolume that had no nodeAffinity may be given one';
  return {
    path,
    why,
    hint: () => {
      const users = podsOf(now, charts);
      return users
        ? `first see which node they run on: ${users.command} (${users.what}); if it is not ${node}, name that node instead, or copy ${directory} from it to the same path on ${node} before the pod is made again`
        : `to keep what they wrote on other nodes, copy ${directory} from each node that has it to the same path on ${node}`;
    },
    outcome:
      `which the API server takes (${why}), but the data is the directory ${directory} of whichever node its pods ran on, and they now run on ${node} only: ` +
      `if they run on another node today, the next one starts on ${node}'s directory, empty, and the data stays behind`,
  };
}

/**
 * The hint for a node's directory whose volume `old` pinned to a node and `now` pins to another, or
 * to none: the data stays on the old node (deleting the volume leaves a node's directory as it
 * is), so moving it is a copy, then the claim and the volume made again. Undefined for another volume.
 */
export function movedDataHint(old: KubeObject, now: KubeObject, charts: readonly RenderedChart[]): ((keep: string) => string) | undefined {
  const directory = nodeDirectory(now);
  const from = pinnedNode(old)?.node;
  if (directory === undefined || from === undefined) return undefined;
  const to = pinnedNode(now)?.node;
  return (keep) => {
    // (the claim is looked for only when the warning is given: it reads the chart's objects)
    const { claim } = claimOf(now, charts);
    const deletes = [...(claim ? [`kubectl delete ${kubectlTarget(claim)}`] : []), `kubectl delete ${kubectlTarget(now)}`].join(', then ');
    return (
      `${keep}; or, to ${to ? 'move the data' : 'unpin it'}: stop the pods that use the volume, ` +
      (to ? `copy ${directory} from ${from} to the same path on ${to}, ` : '') +
      `delete the volume${claim ? ' and its claim' : ''} (${deletes}; the directory stays on ${from}) and apply again: ` +
      (to
        ? `without the copy, the volume made again starts on an empty directory on ${to}`
        : `its pods then start on the directory of whichever node they land on, which is empty on any node but ${from}`)
    );
  };
}
