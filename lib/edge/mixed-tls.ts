/**
 * The problem edge/mixed-tls: a published Service whose workloads speak two schemes at the port HAProxy sends to (one's HTTP
 * probe there says HTTPS, another's plain HTTP). HAProxy reaches the pods through one node port, which kube-proxy spreads over
 * all of them, so no haproxy.cfg can send each pod its own scheme: refused rather than written with one that half of them
 * refuse. And the warning edge/unknown-scheme: one says HTTPS and another says nothing there (no HTTP probe), sent TLS too
 * unwarned otherwise; a warning, not refused, since a canary without probes is common and may well serve TLS. Pure.
 */
import { describeObject, type KubeObject } from '../model/object.js';
import { colorName, type Color } from '../release.js';
import { mixedSchemes, schemesAt, unprobedAt, type PortScheme, type ServicePort } from './service-ports.js';
import type { PathProblem } from '../errors.js';

/** `HTTPS as Deployment ns/a's readinessProbe of container web says`. */
const said = (scheme: string, s: PortScheme) => `${scheme} as ${describeObject(s.workload)}'s ${s.probe} of container ${s.container} says`;

/**
 * The way through for an app not yet blue/green, as the edge reads one from an app's own files (publish.ts): Service `app`
 * selecting the live color, and a Service per color, each its own backend. Neither a Service of another name nor `npm run switch`
 * (which sets a stack's blueGreen.live) makes one of an app's own files.
 */
const blueGreenWay = (app: string, namespace: string | undefined) => {
  const [blue, green] = (['blue', 'green'] as const).map((c) => colorName(app, c));
  return (
    `; to move app '${app}' over to TLS, run it blue/green, each color its own backend in its own scheme: Services ${blue} and ${green}${namespace ? ` (namespace ${namespace})` : ''}, ` +
    `each selecting its color's pods (a color label) at a fixed nodePort, and Service ${app} selecting the live color (color: blue, say), whose selector the edge follows; ` +
    `switch by setting that selector to the other color, then npm run synth`
  );
};

/**
 * The problem edge/mixed-tls of app `app`, at apps.<app>, when the workloads Service `service` selects disagree on the scheme of
 * its port `port` (`mixedSchemes`): the port that serves (`checked` false), or the one HAProxy checks the readiness probe at
 * (`checked`, a check port); of a blue/green app's `color`, whose Service is one color's already. Undefined when they agree.
 */
export function mixedTlsProblem(
  app: string,
  service: KubeObject,
  objects: readonly KubeObject[],
  port: ServicePort,
  { checked = false, color }: { checked?: boolean; color?: Color } = {},
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
    // a host names an app, whose backend is the Service named after it: the others' Service is published as an app of its own
    hint:
      `serve one scheme at that port in every workload ${name} selects (correct the probe's scheme if it is the one that is wrong), ` +
      `or move the others to an app of their own (apps.<name>, including their files, with a Service named after it that selects them alone), published at a host of their own` +
      (color ? '' : blueGreenWay(app, service.metadata.namespace)),
  };
}

/**
 * The warning edge/unknown-scheme of app `app`, at apps.<app>, when a workload Service `service` selects says HTTPS at its port
 * `port` (the one that serves, or with `checked` the one HAProxy checks at) and another that runs pods has no HTTP probe there:
 * haproxy.cfg speaks TLS to every pod behind that one node port, and whether the others answer it is not known. The first such
 * workload is named, with the probe that states its scheme. Undefined when haproxy.cfg speaks plain HTTP there, or every one says a scheme.
 */
export function unknownSchemeWarning(
  app: string,
  service: KubeObject,
  objects: readonly KubeObject[],
  port: ServicePort,
  { checked = false }: { checked?: boolean } = {},
): PathProblem | undefined {
  // the scheme haproxy.cfg speaks there (servesTls): the first workload's that says one, one that runs pods before one scaled to zero
  const [tls] = schemesAt(service, objects, port);
  const [unknown, ...more] = unprobedAt(service, objects, port);
  if (!tls?.https || !unknown) return undefined;
  const name = describeObject(unknown.workload);
  const others = more.length ? ` (and ${more.length} more: ${more.map((u) => describeObject(u.workload)).join(', ')})` : '';
  // its probes that say nothing of the scheme there (a TCP check, a command, one at another port): the hint's probe is one it
  // does not have, so that following it keeps them (a startup probe before a liveness probe, which restarts pods it fails)
  const has = unknown.probes.map((p) => `its ${p.probe} (${p.how})`);
  const saying = has.length ? ` (${has.join(', ')} ${has.length === 1 ? 'says' : 'say'} nothing of the scheme there)` : '';
  const free = (['readinessProbe', 'startupProbe', 'livenessProbe'] as const).find((p) => !unknown.probes.some((q) => q.probe === p));
  const probe = `httpGet: { path: <its path>, port: ${port.targetPort ?? port.port}, scheme: HTTPS }`;
  const [sends, sent, fails] = checked
    ? ['checks its port', 'checked over TLS too', 'every check that lands on them fails (servers taken out and put back at random)']
    : ['sends its port', 'sent TLS too', 'every request kube-proxy sends them fails (502)'];
  return {
    code: 'edge/unknown-scheme',
    path: ['apps', app],
    message:
      `Service ${service.metadata.namespace}/${service.metadata.name} is published at the edge, and haproxy.cfg ${sends} ${port.port} (node port ${port.nodePort}) over TLS, ` +
      `as ${describeObject(tls.workload)}${tls.idle ? ' (scaled to zero)' : ''}'s ${tls.probe} of container ${tls.container} says, but ${name}${others}, whose pods it selects too, has no HTTP probe there${saying}, so their scheme is not known: ` +
      `they are ${sent}, and if they serve plain HTTP, ${fails}`,
    hint:
      `state the scheme of ${name} at that port with an HTTP probe there (${free ? `${free}: { ${probe} }` : `one of its probes made { ${probe} }`}, ` +
      'or scheme: HTTP if it serves plain HTTP, which the edge then refuses as edge/mixed-tls with the way through)',
  };
}
