/**
 * A node port that a removed stage's Services hold in their cluster, as its output in dist/ and the stage file it was written from
 * say (or its edge's haproxy.cfg: a backend per published Service, at its node port, its servers at the nodes' addresses), and that a
 * stage on the same cluster now declares: a stage renamed, its Services written again under the new name at the same node ports.
 * Until the removed stage's objects are deleted, the API server refuses the new stage's Service (`provided port is already
 * allocated`), so the delete comes first. Pure.
 */
import type { Problem } from '../errors.js';
import type { StageClaims } from './claims.js';
import { canonicalAddress } from './address.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { HAPROXY_PATH } from './output-holdings.js';
import type { RemovedOutput } from './output-claims.js';
import { sharedCluster } from './shared-cluster.js';

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

/** How the warning names a removed stage's output in dist/, which holds its Services (`RemovedOutput`). */
const removedServices = ({ stage, file, neverCommitted }: RemovedOutput) =>
  `of removed stage ${stage}'s output in dist/${stage}/ (there is no ${file}${neverCommitted ? `; its output was never committed, so no cluster should have it, but one it was applied to from the working tree all the same does` : ''})`;

/**
 * A warning at each node port that a stage of `stages` declares on the cluster of `removedOutput`, where a Service of the removed
 * stage's output holds it. Its cluster and Services are what its stage file as last committed and its output say (`claims`: its
 * nodes' addresses and `delivery.cluster`, compared as two stages' are, `sharedCluster`, with `defaultCluster` the project file's),
 * else what its edge's haproxy.cfg says (its servers at its nodes' addresses, a backend per published Service at its node port and
 * the one it is checked at); none when neither is known: no cluster is guessed.
 */
export function removedNodePortWarnings(
  removedOutput: RemovedOutput,
  stages: readonly (readonly [string, StageClaims])[],
  defaultCluster: string | undefined,
): [string, Problem][] {
  const { stage, claims } = removedOutput;
  const config = removedOutput.output.readOutput?.(HAPROXY_PATH);
  const backends = config === undefined ? [] : readHaproxyConfig(config).backends;
  // the node addresses its servers are at (`server a 10.0.0.1:30200 check`), as the machines they name
  const servers = backends.flatMap((b) => b.servers.map((s) => ({ value: canonicalAddress(s) })));
  const cluster = { delivered: claims?.delivered ?? false, cluster: claims?.cluster, nodes: [...(claims?.nodes ?? []), ...servers] };
  // its Services' node ports as its output has them, else as its haproxy.cfg's comments name them
  const held = new Map([
    ...backends.flatMap((b) => [b.nodePort, ...(b.checkPort === undefined ? [] : [b.checkPort])].map((p) => [p, b.service] as const)),
    ...(claims?.nodePorts ?? []).flatMap((p) => (p.object === undefined ? [] : [[p.value, p.object] as const])),
  ]);
  if (held.size === 0) return [];
  return stages.flatMap(([other, otherClaims]) => {
    const why = other === stage ? undefined : sharedCluster(otherClaims, cluster, defaultCluster);
    return why === undefined
      ? []
      : otherClaims.nodePorts.flatMap((port): [string, Problem][] => {
          const service = held.get(port.value);
          // the same Service (a stage renamed with its namespace kept): kubectl apply takes the object over, its node port with
          // it, and the removal line says to apply first, then delete what is left of the removed stage's
          if (service === undefined || service === port.object) return [];
          const quiet = `what is sent to node port ${port.value} is not served in between, so do both back to back, in a quiet moment`;
          const command = deleteCommand(service);
          return [
            [
              other,
              {
                code: NODE_PORT_HELD,
                severity: 'warning',
                location: port.at,
                message:
                  `${port.what} takes node port ${port.value}, which ${service} ${removedServices(removedOutput)} holds on this stage's cluster (${why}) until it is deleted: ` +
                  `until then the API server refuses this stage's Service (provided port is already allocated)`,
                // that Service alone first: the removed stage's workloads and namespace go after the apply, as its removal line says
                hint: command
                  ? `delete ${service} first (${command}), then apply this stage; ${quiet} (stage ${stage}'s other objects go with the kubectl delete command npm run synth prints as it removes dist/${stage}/)`
                  : `delete stage ${stage}'s objects first (the kubectl delete command npm run synth prints as it removes dist/${stage}/), then apply this stage; ${quiet}`,
              },
            ],
          ];
        });
  });
}
