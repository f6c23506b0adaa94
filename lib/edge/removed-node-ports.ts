/**
 * A node port that a removed stage's Services hold in their cluster, as its edge's haproxy.cfg in dist/ says (a backend per
 * published Service, at its node port, its servers at the nodes' addresses), and that a stage on the same cluster (a node of one
 * address) now declares: a stage renamed, its Services written again under the new name at the same node ports. Until the removed
 * stage's objects are deleted, the API server refuses the new stage's Service (`provided port is already allocated`), so the
 * delete comes first. Pure.
 */
import type { Problem } from '../errors.js';
import type { StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { HAPROXY_PATH } from './output-holdings.js';
import { removedEdge, type RemovedOutput } from './output-claims.js';

/** The code of the warning: said at the node port of the stage that declares it. */
export const NODE_PORT_HELD = 'edge/node-port-held';

/** A name of Kubernetes (a DNS-1123 label or subdomain), which a command printed for a shell may hold as it is. */
const KUBE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * `kubectl delete service -n <namespace> <name>` of `service` (`Service <namespace>/<name>`, as haproxy.cfg's comment names it),
 * undefined when that does not read as Kubernetes names (a haproxy.cfg edited by hand): nothing else is printed as a command.
 */
function deleteCommand(service: string): string | undefined {
  const [namespace = '', name = '', ...rest] = service.replace(/^Service /, '').split('/');
  return rest.length === 0 && KUBE_NAME.test(namespace) && KUBE_NAME.test(name)
    ? `kubectl delete service -n ${namespace} ${name}`
    : undefined;
}

/**
 * A warning at each node port that a stage of `stages` declares on the cluster of `removedOutput` (one of its nodes' addresses
 * is a server's of the removed stage's haproxy.cfg), where a Service of the removed stage's output holds it (the node port of a
 * backend, or the one it is checked at): none when the removed stage has no edge, whose haproxy.cfg says its nodes.
 */
export function removedNodePortWarnings(
  removedOutput: RemovedOutput,
  stages: readonly (readonly [string, StageClaims])[],
): [string, Problem][] {
  const config = removedOutput.output.readOutput?.(HAPROXY_PATH);
  if (config === undefined) return [];
  const { backends } = readHaproxyConfig(config);
  // the node addresses its servers are at (`server a 10.0.0.1:30200 check`), as the machines they name
  const nodes = new Set(backends.flatMap((b) => b.servers.map(canonicalAddress)));
  const held = new Map(
    backends.flatMap((b) => [b.nodePort, ...(b.checkPort === undefined ? [] : [b.checkPort])].map((p) => [p, b.service])),
  );
  const { stage } = removedOutput;
  return stages.flatMap(([other, claims]) =>
    other === stage || !claims.nodes.some((n) => nodes.has(n.value))
      ? []
      : claims.nodePorts.flatMap((port): [string, Problem][] => {
          const service = held.get(port.value);
          // the same Service (a stage renamed with its namespace kept): kubectl apply takes the object over, its node port with
          // it, and the removal line says to apply first, then delete what is left of the removed stage's
          if (service === undefined || service === port.object) return [];
          const quiet = `the hosts sent to node port ${port.value} are not served in between, so do both back to back, in a quiet moment`;
          const command = deleteCommand(service);
          return [
            [
              other,
              {
                code: NODE_PORT_HELD,
                severity: 'warning',
                location: port.at,
                message:
                  `${port.what} takes node port ${port.value}, which ${service} ${removedEdge(removedOutput)} holds on this stage's cluster (a node of one address) until it is deleted: ` +
                  `until then the API server refuses this stage's Service (provided port is already allocated)`,
                // that Service alone first: the removed stage's workloads and namespace go after the apply, as its removal line says
                hint: command
                  ? `delete ${service} first (${command}), then apply this stage; ${quiet} (stage ${stage}'s other objects go with the kubectl delete command npm run synth prints as it removes dist/${stage}/)`
                  : `delete stage ${stage}'s objects first (the kubectl delete command npm run synth prints as it removes dist/${stage}/), then apply this stage; ${quiet}`,
              },
            ],
          ];
        }),
  );
}
