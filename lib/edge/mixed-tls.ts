/**
 * The problem edge/mixed-tls: a published Service whose workloads speak two schemes at the port HAProxy sends to (one's HTTP
 * probe there says HTTPS, another's plain HTTP). HAProxy reaches the pods through one node port, which kube-proxy spreads over
 * all of them, so no haproxy.cfg can send each pod its own scheme: refused rather than written with one that half of them
 * refuse. Pure.
 */
import { describeObject, type KubeObject } from '../model/object.js';
import { mixedSchemes, type PortScheme, type ServicePort } from './service-ports.js';
import type { PathProblem } from '../errors.js';

/** `HTTPS as Deployment ns/a's readinessProbe of container web says`. */
const said = (scheme: string, s: PortScheme) => `${scheme} as ${describeObject(s.workload)}'s ${s.probe} of container ${s.container} says`;

/**
 * The problem edge/mixed-tls of app `app`, at apps.<app>, when the workloads Service `service` selects disagree on the scheme of
 * its port `port` (`mixedSchemes`): the port that serves (`checked` false), or the one HAProxy checks the readiness probe at
 * (`checked`, a check port). Undefined when they agree.
 */
export function mixedTlsProblem(
  app: string,
  service: KubeObject,
  objects: readonly KubeObject[],
  port: ServicePort,
  checked = false,
): PathProblem | undefined {
  const mixed = mixedSchemes(service, objects, port);
  if (!mixed) return undefined;
  const name = `Service ${service.metadata.namespace}/${service.metadata.name}`;
  // the port that serves carries the requests and the checks; a check port, the checks alone
  const [where, speaks, lost] = checked
    ? ['are checked at', 'checks with', 'the checks that land on the other pods fail (servers taken out and put back at random)']
    : ['serve', 'sends', "the requests and checks that land on the other pods fail (half the hosts' requests answered 502 or 503)"];
  return {
    code: 'edge/mixed-tls',
    path: ['apps', app],
    message:
      `${name} is published at the edge, and the pods it selects ${where} its port ${port.port} (node port ${port.nodePort}) in two schemes: ` +
      `${said('HTTPS', mixed.tls)}, ${said('plain HTTP', mixed.plain)}; HAProxy reaches every pod through that one node port, which kube-proxy spreads over all of them, ` +
      `so whichever scheme haproxy.cfg ${speaks}, ${lost}`,
    hint: `serve one scheme at that port in every workload ${name} selects (correct the probe's scheme if it is the one that is wrong), or give the others a Service of their own (a label its selector alone matches), published at a host of their own; to move an app over to TLS, run it blue/green (a Service per color, selected by a color label: each its own backend, in its own scheme) and switch`,
  };
}
