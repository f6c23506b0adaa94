/**
 * A check over a stage's chart objects: on the ARM stages (the article's Raspberry Pi cluster, whose
 * flannel network is a CNI network), a container's `hostPort` is only honoured when the CNI chain
 * on the node has the portmap plugin, which the compiler cannot see; the article found it
 * silently ignored. A pod that needs a port on the node must use `hostNetwork: true` (then the
 * container port is the node's port, and `hostPort` must equal it).
 */
import type { StageContext } from '../stack.js';
import type { Problem } from '../errors.js';
import { describeObject, isRecord, type KubeObject } from '../model/object.js';
import { placedContainers, workloadTemplate, containerNamed } from '../model/pod-specs.js';

export interface HostPortOptions {
  readonly architecture: StageContext['architecture'];
  /** The stage's name, for messages. */
  readonly stageName: string;
}

/** Every container port with a hostPort in a pod without hostNetwork (ARM stages only). */
export function hostPortProblems(objects: readonly KubeObject[], { architecture, stageName }: HostPortOptions): Problem[] {
  if (architecture === 'amd64') return [];
  return objects.flatMap((o) => {
    // a built-in workload's pods or a custom one's (an Argo Rollout's): the same CNI network runs them
    const { path, template } = workloadTemplate(o) ?? {};
    const spec = template?.spec;
    if (!path || !spec || spec.hostNetwork === true) return [];
    const at = [...path, 'spec'].join('.');
    // placedContainers: entries that are no mappings (a null, a list) are the schema check's, never read here
    return placedContainers(spec).flatMap(({ container: c, list, index: i }) =>
      (Array.isArray(c.ports) ? (c.ports as unknown[]) : []).flatMap((p, j) =>
        !isRecord(p) || p.hostPort === undefined
          ? []
          : [
              {
                code: 'network/host-port-without-host-network',
                subject: describeObject(o),
                message:
                  `${at}.${list}[${i}].ports[${j}].hostPort: ${containerNamed(c)} asks for hostPort ${String(p.hostPort)} without hostNetwork; ` +
                  `on stage '${stageName}' (${architecture}, a CNI pod network) the port would silently not be opened on the node`,
                hint: `set hostNetwork: true on the pod (and hostPort equal to containerPort ${String(p.containerPort)}), or reach the pod through a Service`,
              },
            ],
      ),
    );
  });
}
