/**
 * From a rendered stage to what its edge load balancer does: which backends exist (one per
 * published app, or one per color of a blue/green app), which node address and node port each
 * server is, the readiness path each backend checks, and which backend each host goes to. The
 * backends come from the Services the stage renders, not from the stage file, so the edge always
 * sends traffic where the manifests say it goes. Pure.
 */
import type { Finding } from '../checks/finding.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { podTemplateOf } from '../model/pod-specs.js';
import { COLORS, colorName, type Color } from '../release.js';
import type { StageContext } from '../stack.js';
import type { RenderedChart } from '../synth/render.js';
import { describeValue, shorten } from '../model/limits.js';
import { nodePortsOf, suggestNodePort } from './node-ports.js';
import { httpPathProblem, percentEncodePath } from './refine.js';
import { FRONTEND_DEFAULTS, type EdgeSettings } from './settings.js';

/** One HAProxy backend: the Service's node port on every node. */
export interface EdgeBackend {
  /** The backend's name in haproxy.cfg: the Service's name. */
  readonly name: string;
  /** `Service <namespace>/<name>`, for the comment beside it. */
  readonly service: string;
  readonly nodePort: number;
  /** The path HAProxy checks with an HTTP GET; without one it checks that the port accepts connections. */
  readonly healthPath?: string;
  /** The node port HAProxy sends that GET to when it is not `nodePort`: the one that reaches the port the readiness probe checks. @default - nodePort */
  readonly checkPort?: number;
  readonly servers: readonly { readonly name: string; readonly address: string }[];
}

/** A host and the backend it is sent to; for a blue/green app, also the color's backends. */
export interface EdgeRoute {
  readonly host: string;
  readonly app: string;
  readonly backend: string;
  /** Set for a blue/green app: the live color (whose backend is `backend`) and the idle one. */
  readonly blueGreen?: { readonly live: Color; readonly idle: Color; readonly idleBackend: string };
}

export interface EdgeFrontend {
  readonly name: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly certificates: readonly string[];
  readonly redirectHttp: boolean;
  readonly gzip: boolean;
  /** Sorted by host. */
  readonly routes: readonly EdgeRoute[];
}

/** Everything haproxy.cfg says, resolved. */
export interface EdgePlan {
  readonly stage: string;
  /** The stage file, as named in messages. */
  readonly source: string;
  readonly machines: readonly { readonly name: string; readonly address: string }[];
  /** Sorted by name. */
  readonly frontends: readonly EdgeFrontend[];
  /** Sorted by name. */
  readonly backends: readonly EdgeBackend[];
}

/** A problem of the edge, at a path of keys in the stage file (the compiler finds its line). */
export interface EdgeProblem {
  readonly code: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint?: string;
}

export interface EdgeResult {
  /** Undefined when there are problems. */
  readonly plan?: EdgePlan;
  readonly problems: readonly EdgeProblem[];
  /** Warnings about the published Services (e.g. no readiness path to check). */
  readonly warnings: readonly Finding[];
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function selectorOf(service: KubeObject): Record<string, string> {
  return (service.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
}

/** A container port as a pod spec declares it. */
interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
}

/** An HTTP readiness probe of a Service's pods: its path and port, and the workload and container that declare it. */
interface ReadinessProbe {
  readonly path: string;
  /** httpGet.port: a container port's number or name. */
  readonly port?: number | string;
  readonly ports: readonly ContainerPort[];
  readonly workload: KubeObject;
  readonly container: string;
}

/** The first HTTP readiness probe of the pods a Service selects. */
function readinessProbeOf(service: KubeObject, objects: readonly KubeObject[]): ReadinessProbe | undefined {
  const selector = Object.entries(selectorOf(service));
  for (const o of objects) {
    const template = podTemplateOf(o);
    const labels = template?.metadata?.labels ?? {};
    if (!template || selector.length === 0 || !selector.every(([k, v]) => labels[k] === v)) continue;
    const containers = (template.spec?.containers ?? []) as {
      name?: string;
      ports?: ContainerPort[];
      readinessProbe?: { httpGet?: { path?: string; port?: number | string } };
    }[];
    const container = containers.find((c) => c.readinessProbe?.httpGet?.path !== undefined);
    if (!container) continue;
    const { path, port } = container.readinessProbe!.httpGet!;
    return { path: String(path), port, ports: container.ports ?? [], workload: o, container: container.name ?? '' };
  }
  return undefined;
}

/** A port of a Service as its spec declares it. */
interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly nodePort?: number;
}

/** Whether Service port `p` sends traffic to the container port `probePort` (a number or a name) of a container with `ports`. */
function reaches(p: ServicePort, probePort: number | string, ports: readonly ContainerPort[]): boolean {
  const target = p.targetPort ?? p.port;
  if (target === probePort) return true;
  // one side by name, the other by number: the container's port of that name says which number
  const byName = (name: string) => ports.find((c) => c.name === name)?.containerPort;
  if (typeof target === 'string' && typeof probePort === 'number') return byName(target) === probePort;
  if (typeof target === 'number' && typeof probePort === 'string') return byName(probePort) === target;
  return false;
}

/** Of `ports`, the one that reaches the port the readiness probe checks, if any. */
function probedPortOf(ports: readonly ServicePort[], probe: ReadinessProbe | undefined): ServicePort | undefined {
  return probe?.port === undefined ? undefined : ports.find((p) => reaches(p, probe.port!, probe.ports));
}

/** The ports of a Service that have a node port. */
const nodePortsOfService = (service: KubeObject): ServicePort[] =>
  ((service.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []).filter((p) => typeof p.nodePort === 'number');

/**
 * The node port the edge sends a Service's traffic to: its only one; of several, the port named
 * `http`, else the one that reaches the port the readiness probe checks (what is ready is what gets
 * traffic); else which one is meant is not known, and the names of the ports are returned. A port
 * named `http` wins over the probed one: a probe on an admin or metrics port says where the app
 * reports its readiness, not where it serves (the check goes there, `checkPortOf`).
 */
function publishedPortOf(service: KubeObject, probe: ReadinessProbe | undefined): { port?: ServicePort; ambiguous?: string[] } {
  const ports = nodePortsOfService(service);
  if (ports.length <= 1) return { port: ports[0] };
  const chosen = ports.find((p) => p.name === 'http') ?? probedPortOf(ports, probe);
  if (chosen) return { port: chosen };
  return { ambiguous: ports.map((p) => `${p.name ?? '(no name)'} (port ${p.port}, nodePort ${p.nodePort})`) };
}

/**
 * Where HAProxy sends the readiness GET: the published node port when it reaches the port the
 * probe checks (`{}`), another node port of the Service that does (`checkPort`), or none, when no
 * node port reaches it (`unreachable`): a GET of the readiness path on the port that serves would
 * ask another server, which may answer 404 and take every server out.
 */
function checkPortOf(
  service: KubeObject,
  published: ServicePort,
  probe: ReadinessProbe | undefined,
): { checkPort?: number; unreachable?: boolean } {
  if (probe?.port === undefined || reaches(published, probe.port, probe.ports)) return {};
  const probed = probedPortOf(nodePortsOfService(service), probe);
  return probed ? { checkPort: probed.nodePort } : { unreachable: true };
}

/**
 * Where the stacks that write an HTTP readiness probe take its path from, below apps.<app>, by
 * stack (the label `app.kubernetes.io/name` of the workload). A problem with the path is placed
 * there; for another stack (e.g. `manifests`, whose probes are in the files it includes), or when
 * the stage file does not write it, at the closest setting written (apps.<app>).
 */
const READINESS_SETTING: Readonly<Record<string, readonly string[]>> = {
  nginx: ['readinessPath'],
  service: ['probes', 'readiness', 'http', 'path'],
  demoapp: ['probes', 'readiness', 'http', 'path'],
};

/**
 * The edge of a stage: its plan, or the problems that prevent it.
 * @param edge the stage file's `edge:` (already checked by refineEdge)
 */
export function planEdge(stage: StageContext, source: string, edge: EdgeSettings, charts: readonly RenderedChart[]): EdgeResult {
  const problems: EdgeProblem[] = [];
  const warnings: Finding[] = [];
  // a cached app whose summary is plain has no node port: its objects are not rendered again
  const all = charts.flatMap((c) => (c.summary?.plain ? [] : c.objects));
  const used = new Set(all.flatMap(nodePortsOf));
  const servers = stage.nodes
    .filter((n): n is typeof n & { address: string } => n.address !== undefined)
    .map((n) => ({ name: n.name, address: n.address }));
  const backends = new Map<string, EdgeBackend>();

  /** The backend of Service `name` of app `app`, or a problem (at `settingPath` below apps.<app>). */
  const backendOf = (
    app: string,
    objects: readonly KubeObject[],
    name: string,
    settingPath: readonly string[],
    declare: string,
  ): string | undefined => {
    const known = backends.get(name);
    if (known) return known.name;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    const path = ['apps', app, ...settingPath];
    if (!service) {
      const color = settingPath.includes('colorNodePorts');
      if (!problems.some((p) => p.code === 'edge/no-service' && p.path[1] === app)) {
        problems.push({
          code: 'edge/no-service',
          path: ['apps', app],
          message: color
            ? `app '${app}' runs blue/green and is published at the edge, so the edge needs a NodePort Service per color to switch between, and there is no Service '${name}'`
            : `app '${app}' is published at the edge, but it has no Service '${name}' to send traffic to`,
          hint: color
            ? `declare them under apps.${app} in ${source}: ${declare}`
            : 'publish an app whose stack makes a Service named after it',
        });
      }
      return undefined;
    }
    const probe = readinessProbeOf(service, objects);
    const { port: published, ambiguous } = publishedPortOf(service, probe);
    const nodePort = published?.nodePort;
    if (ambiguous) {
      problems.push({
        code: 'edge/ambiguous-port',
        path: ['apps', app, 'ports'],
        message: `Service ${service.metadata.namespace}/${name} is published at the edge and has several node ports, ${ambiguous.join(', ')}, and neither its pods' readiness probe nor a port named 'http' says which one gets the traffic`,
        hint: `name the port that serves HTTP 'http', or give apps.${app} a readiness probe on it (probes: { readiness: { http: { path: /ready, port: <its port> } } })`,
      });
      return undefined;
    }
    const type = (service.spec as { type?: string } | undefined)?.type ?? 'ClusterIP';
    if (nodePort === undefined || type === 'ClusterIP') {
      problems.push({
        code: 'edge/node-port',
        path,
        message: `Service ${service.metadata.namespace}/${name} is published at the edge, so it needs type NodePort and a fixed nodePort (found type ${type}${nodePort === undefined ? ', no nodePort' : ''}); a port the API server picks could not be written into haproxy.cfg`,
        hint: `declare it under apps.${app} in ${source}: ${declare} (ports free in stage ${stage.name}; written down once, they never move)`,
      });
      return undefined;
    }
    const { checkPort, unreachable } = checkPortOf(service, published!, probe);
    const healthPath = unreachable ? undefined : probe?.path;
    const pathProblem = probe && httpPathProblem(probe.path);
    if (probe && unreachable) {
      const byName = typeof probe.port === 'string' ? probe.ports.find((c) => c.name === probe.port)?.containerPort : undefined;
      const probed = typeof probe.port === 'string' ? `'${probe.port}'${byName === undefined ? '' : ` (${byName})`}` : `${probe.port}`;
      warnings.push({
        code: 'edge/readiness-port',
        severity: 'warning',
        object: service,
        path: [],
        message: `is published at the edge at node port ${nodePort} (port ${published!.port}), but its pods' readiness probe checks port ${probed}, which no node port of it reaches, so HAProxy can only check that node port ${nodePort} accepts connections: a GET of ${probe.path} there would ask the app's serving port, not its readiness`,
        hint: `give the port the probe checks a nodePort too (HAProxy then checks ${probe.path} there), or point the readiness probe at the port that serves (apps.${app} in ${source})`,
      });
    } else if (probe && pathProblem) {
      // once per app: the colors of a blue/green app share their pods' probe
      if (!problems.some((p) => p.code === 'config/invalid' && p.path[0] === 'apps' && p.path[1] === app)) {
        const stack = probe.workload.metadata.labels?.['app.kubernetes.io/name'] ?? '';
        const where = `${describeObject(probe.workload)}, container ${probe.container}`;
        problems.push({
          code: 'config/invalid',
          path: ['apps', app, ...(Object.hasOwn(READINESS_SETTING, stack) ? READINESS_SETTING[stack]! : [])],
          message:
            `app '${app}' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path (${where}), ` +
            `${describeValue(probe.path)}, which haproxy.cfg cannot hold as it is: ${pathProblem}`,
          hint: `write the path from '/', percent-encoding what a URL path cannot hold as written (a space is %20, '#' %23, '"' %22, "'" %27, '\\' %5C): ${shorten(percentEncodePath(probe.path.startsWith('/') ? probe.path : `/${probe.path}`))}`,
        });
      }
    } else if (healthPath === undefined) {
      warnings.push({
        code: 'edge/no-readiness',
        severity: 'warning',
        object: service,
        path: [],
        message: `is published at the edge, but its pods have no HTTP readiness probe, so HAProxy can only check that node port ${nodePort} accepts connections, not that the app is ready`,
        hint: `give the app a readiness probe with an HTTP path (apps.${app} in ${source})`,
      });
    }
    backends.set(name, {
      name,
      service: `Service ${service.metadata.namespace}/${name}`,
      nodePort,
      ...(healthPath ? { healthPath } : {}),
      ...(checkPort === undefined ? {} : { checkPort }),
      servers,
    });
    return name;
  };

  const frontends: EdgeFrontend[] = [];
  for (const [name, f] of Object.entries(edge.frontends)) {
    const routes: EdgeRoute[] = [];
    for (const [host, app] of Object.entries(f.hosts)) {
      const objects = charts.find((c) => c.name === app)?.objects ?? [];
      const main = objects.find((o) => o.kind === 'Service' && o.metadata.name === app);
      const live = main ? selectorOf(main).color : undefined;
      if (live === 'blue' || live === 'green') {
        // blue/green: one backend per color; the host goes to the color the app's Service selects
        const idle: Color = COLORS.find((c) => c !== live)!;
        const blue = suggestNodePort(`${stage.name}/${colorName(app, 'blue')}`, used);
        const green = suggestNodePort(`${stage.name}/${colorName(app, 'green')}`, new Set([...used, blue]));
        const declare = `service: { colorNodePorts: { blue: ${blue}, green: ${green} } }`;
        const [liveBackend, idleBackend] = ([live, idle] as const).map((color: Color) =>
          backendOf(app, objects, colorName(app, color), ['service', 'colorNodePorts', color], declare),
        );
        if (liveBackend && idleBackend) {
          routes.push({ host, app, backend: liveBackend, blueGreen: { live, idle, idleBackend } });
        }
        continue;
      }
      const declare = `service: { type: NodePort, nodePort: ${suggestNodePort(`${stage.name}/${app}`, used)} }`;
      const backend = backendOf(app, objects, app, ['service', 'nodePort'], declare);
      if (backend) routes.push({ host, app, backend });
    }
    frontends.push({
      name,
      httpPort: f.httpPort ?? FRONTEND_DEFAULTS.httpPort,
      httpsPort: f.httpsPort ?? FRONTEND_DEFAULTS.httpsPort,
      certificates: f.certificates,
      redirectHttp: f.redirectHttp ?? FRONTEND_DEFAULTS.redirectHttp,
      gzip: f.gzip ?? FRONTEND_DEFAULTS.gzip,
      routes: routes.sort((a, b) => (a.host < b.host ? -1 : 1)),
    });
  }
  if (problems.length) return { problems, warnings };
  return {
    plan: {
      stage: stage.name,
      source,
      machines: Object.entries(edge.machines)
        .map(([name, m]) => ({ name, address: m.address }))
        .sort(byName),
      frontends: frontends.sort(byName),
      backends: [...backends.values()].sort(byName),
    },
    problems,
    warnings,
  };
}
