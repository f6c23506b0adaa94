/**
 * The warning edge/readiness-port: a published app whose readiness probe HAProxy cannot GET where the probe checks it (the port
 * that reaches it has no declared nodePort, or a color's Service does not expose it), and where the stacks take that probe's
 * path and port from in the stage file (`READINESS_SETTING`). Pure.
 */
import type { KubeObject } from '../model/object.js';
import type { Color } from '../release.js';
import type { PathProblem } from '../errors.js';
import { nodePortDeclaration } from './node-ports.js';
import type { ReadinessProbe, ServicePort } from './service-ports.js';

/**
 * Where the stacks that write an HTTP readiness probe take its path from, below apps.<app>, by
 * stack (the app's stack as the stage file says: `stackOf` in node-ports.ts, not a label of the workload). A problem with the path is placed
 * there; for another stack (e.g. `manifests`, whose probes are in the files it includes), or when
 * the stage file does not write it, at the closest setting written (apps.<app>).
 */
export const READINESS_SETTING: Readonly<Record<string, readonly string[]>> = {
  nginx: ['readinessPath'],
  service: ['probes', 'readiness', 'http', 'path'],
  demoapp: ['probes', 'readiness', 'http', 'path'],
};

/** Where a stack takes its HTTP readiness probe's port from, below apps.<app>: beside its path (`READINESS_SETTING`), or apps.<app>. */
function readinessPortSetting(stack: string): readonly string[] {
  const path = Object.hasOwn(READINESS_SETTING, stack) ? READINESS_SETTING[stack]! : [];
  return path.at(-1) === 'path' ? [...path.slice(0, -1), 'port'] : [];
}

/**
 * The warning edge/readiness-port of app `app` (of stack `stack`), at the probe's port in the stage file: HAProxy cannot GET the
 * readiness path where the probe checks it, since the port that reaches it has no declared nodePort
 * (`undeclared`, with a `free` node port to suggest), or a color's Service does not expose it.
 */
export function readinessPortWarning(
  app: string,
  stack: string,
  service: KubeObject,
  published: ServicePort,
  probe: ReadinessProbe,
  { undeclared, free, color }: { undeclared?: ServicePort; free?: number; color?: Color },
): PathProblem {
  const byName = typeof probe.port === 'string' ? probe.ports.find((c) => c.name === probe.port)?.containerPort : undefined;
  const probed = typeof probe.port === 'string' ? `'${probe.port}'${byName === undefined ? '' : ` (${byName})`}` : `${probe.port}`;
  const why = undeclared
    ? `which its port '${undeclared.name}' reaches, with no declared nodePort (Kubernetes opens one of its choosing, which haproxy.cfg cannot name)`
    : color
      ? `which it does not expose (each color's Service has the port that serves alone)`
      : 'which no port of it reaches';
  const declare = undeclared && free !== undefined ? nodePortDeclaration(stack, service, undeclared, free)?.yaml : undefined;
  const give = undeclared ? `declare its nodePort (${declare ?? 'a fixed one'}; HAProxy then checks ${probe.path} there), or ` : '';
  const { nodePort } = published;
  return {
    code: 'edge/readiness-port',
    path: ['apps', app, ...readinessPortSetting(stack)],
    message: `Service ${service.metadata.namespace}/${service.metadata.name} is published at the edge at node port ${nodePort} (port ${published.port}), but its pods' readiness probe checks port ${probed}, ${why}, so HAProxy can only check that node port ${nodePort} accepts connections: a GET of ${probe.path} there would ask the app's serving port, not its readiness`,
    hint: `${give}point the readiness probe at the port that serves${published.name ? ` ('${published.name}')` : ''}`,
  };
}
