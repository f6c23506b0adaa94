/**
 * From a rendered stage to what its edge load balancer does: which backends exist (one per
 * published app, or one per color of a blue/green app), which node address and node port each
 * server is, the readiness path each backend checks, and which backend each host goes to. The
 * backends come from the Services the stage renders, not from the stage file, so the edge always
 * sends traffic where the manifests say it goes. Pure.
 */
import type { Finding } from '../checks/finding.js';
import type { KubeObject } from '../model/object.js';
import { COLORS, colorName, type Color } from '../release.js';
import type { StageContext } from '../stack.js';
import type { RenderedChart } from '../synth/rendered.js';
import {
  nodePortDeclaration,
  nodePortsOf,
  stackOf,
  stackWithoutNodePort,
  suggestNodePort,
  type AppStacks,
  type NodePortHint,
} from './node-ports.js';
import {
  appContainerGuess,
  appContainerPortsOf,
  checkPortOf,
  portsOfService,
  ingressPortsOf,
  publishedPortOf,
  readinessProbeOf,
  selectorOf,
  servesTls,
  sidecarOfPort,
  type ServicePort,
} from './service-ports.js';
import { probeValueProblem } from './probe-values.js';
import { FRONTEND_DEFAULTS, type EdgeSettings } from './settings.js';
import { mixedTlsProblem, unknownSchemeWarning } from './mixed-tls.js';
import { readinessPortWarning } from './readiness-port.js';

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
  /**
   * The Host header of that GET, which HTTP/1.1 needs: the readiness probe's own Host header, as the
   * kubelet sends it; else the first host name (in order) the edge sends to the app, which the app
   * answers for (a pod IP, the kubelet's default, is of no use from outside).
   */
  readonly host: string;
  /**
   * The readiness probe checks over HTTPS (`scheme: HTTPS`): the port it checks speaks TLS, so HAProxy checks over TLS, and,
   * checked at the port that serves (no `checkPort`), sends the traffic over TLS too. @default false
   */
  readonly https?: boolean;
  /**
   * The port that serves speaks TLS, as an HTTP probe of the pods there says (`servesTls`: a liveness or startup probe of scheme
   * HTTPS beside a readiness probe of tcpSocket or exec, or one checked at another port): HAProxy sends the traffic over TLS. @default false
   */
  readonly tls?: boolean;
  readonly servers: readonly EdgeServer[];
}

/** A server of every backend: a node, at its address. */
export interface EdgeServer {
  readonly name: string;
  readonly address: string;
  /** Sent no new connections while another server is up (edge.drainedNodes): a backup server. @default false */
  readonly drained?: boolean;
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
  /** The Strict-Transport-Security header its TLS responses carry (`edge.frontends.<name>.hsts`). @default - none */
  readonly hsts?: { readonly maxAge: number; readonly includeSubDomains: boolean };
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
  /** Warnings at a path of keys in the stage file (a readiness probe HAProxy cannot reach). */
  readonly placedWarnings: readonly EdgeProblem[];
}

/** `service: { colorNodePorts: { ... } }` for blue/green app `app`, with node ports free in `stage` (not in `used`). */
function colorNodePortsYaml(stage: string, app: string, used: ReadonlySet<number>): string {
  const blue = suggestNodePort(`${stage}/${colorName(app, 'blue')}`, used);
  const green = suggestNodePort(`${stage}/${colorName(app, 'green')}`, new Set([...used, blue]));
  return `service: { colorNodePorts: { blue: ${blue}, green: ${green} } }`;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The edge of a stage: its plan, or the problems that prevent it.
 * @param edge the stage file's `edge:` (already checked by refineEdge)
 * @param stacks the stack of each app, as the stage file says (node-ports.ts `AppStacks`)
 */
export function planEdge(
  stage: StageContext,
  source: string,
  edge: EdgeSettings,
  charts: readonly RenderedChart[],
  stacks: AppStacks,
): EdgeResult {
  const problems: EdgeProblem[] = [];
  const warnings: Finding[] = [];
  const placedWarnings: EdgeProblem[] = [];
  // a cached app whose summary is plain has no node port: its objects are not rendered again
  const all = charts.flatMap((c) => (c.summary?.plain ? [] : c.objects));
  const used = new Set(all.flatMap(nodePortsOf));
  const servers = stage.nodes
    .filter((n): n is typeof n & { address: string } => n.address !== undefined)
    .map((n): EdgeServer => ({ name: n.name, address: n.address, ...(edge.drainedNodes?.includes(n.name) ? { drained: true } : {}) }));
  // a backend's host is its probe's Host header, else (below) the first host name the edge sends to it
  const backends = new Map<string, Omit<EdgeBackend, 'host'> & { readonly host?: string }>();

  /**
   * The backend of Service `name` of app `app`, or a problem: without the Service, or without a
   * node port for the port that serves, at the setting `declare` says (below apps.<app>) with the YAML to write there.
   * @param color the color of a blue/green app's Service
   */
  const newBackend = (
    app: string,
    objects: readonly KubeObject[],
    name: string,
    declare: (service?: KubeObject, port?: ServicePort) => NodePortHint,
    color?: Color,
  ): string | undefined => {
    const known = backends.get(name);
    if (known) return known.name;
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    if (!service) {
      if (!problems.some((p) => p.code === 'edge/no-service' && p.path[1] === app)) {
        problems.push({
          code: 'edge/no-service',
          path: ['apps', app],
          message: color
            ? `app '${app}' runs blue/green and is published at the edge, so the edge needs a NodePort Service per color to switch between, and there is no Service '${name}'`
            : `app '${app}' is published at the edge, but it has no Service '${name}' to send traffic to`,
          hint: color
            ? `declare them under apps.${app} in ${source}: ${declare().yaml}`
            : 'publish an app whose stack makes a Service named after it',
        });
      }
      return undefined;
    }
    const probe = readinessProbeOf(service, objects);
    const { port: published, ambiguous } = publishedPortOf(
      service,
      probe,
      appContainerPortsOf(service, objects),
      ingressPortsOf(service, objects),
    );
    const nodePort = published?.nodePort;
    if (ambiguous) {
      problems.push({
        code: 'edge/ambiguous-port',
        path: ['apps', app, 'ports'],
        message: `Service ${service.metadata.namespace}/${name} is published at the edge and has several ports, ${ambiguous.join(', ')}, and neither its pods' readiness probe nor a port named 'http' says which one gets the traffic`,
        hint: `name the port that serves HTTP 'http', or give apps.${app} a readiness probe on it (probes: { readiness: { http: { path: /ready, port: <its port> } } })`,
      });
      return undefined;
    }
    const type = (service.spec as { type?: string } | undefined)?.type ?? 'ClusterIP';
    const sidecar = published && nodePort === undefined && !color ? sidecarOfPort(service, objects, published) : undefined;
    if (sidecar !== undefined && stackOf(stacks, app) === 'service') {
      // a proxy in front of the app: the service stack declares node ports on the app container's ports only,
      // and writing the proxy's port there too would put one port on two containers of one network
      problems.push({
        code: 'edge/node-port',
        path: ['apps', app, ...(ingressPortsOf(service, objects).length ? ['ingress', 'port'] : ['sidecars'])],
        message: `Service ${service.metadata.namespace}/${name} is published at the edge on its port '${published!.name}', the port of sidecar '${sidecar}' (the port that serves), so the edge needs a fixed nodePort there, and the service stack declares nodePorts only on the app container's ports (ports.<name>.nodePort), not on a sidecar's`,
        hint: `run apps.${app} blue/green, whose color Services expose that port at node ports you declare (blueGreen: { live: blue, blue: <image>, green: <image> }, ${colorNodePortsYaml(stage.name, app, used)}); giving the app container the sidecar's port instead would take it from the sidecar`,
      });
      return undefined;
    }
    if (nodePort === undefined || type === 'ClusterIP') {
      const { setting, yaml, hint } = declare(service, published);
      // of several ports, which one lacks it: the one that serves, which another port's nodePort does not replace
      const which = portsOfService(service).length > 1 && published ? ` on its port '${published.name}', which serves` : '';
      problems.push({
        code: 'edge/node-port',
        path: ['apps', app, ...setting],
        message: `Service ${service.metadata.namespace}/${name} is published at the edge, so it needs type NodePort and a fixed nodePort${which} (found type ${type}${nodePort === undefined ? ', no nodePort' : ''}); a port the API server picks could not be written into haproxy.cfg`,
        hint:
          hint ??
          `declare it under apps.${app} in ${source}: ${yaml} (ports free in stage ${stage.name}; written down once, they never move)`,
      });
      return undefined;
    }
    const { checkPort, unreachable, undeclared } = checkPortOf(service, published!, probe);
    const probedPort = checkPort === undefined ? undefined : portsOfService(service).find((p) => p.nodePort === checkPort);
    const mixed =
      mixedTlsProblem(app, service, objects, published!, { color }) ??
      (probedPort && mixedTlsProblem(app, service, objects, probedPort, { checked: true, color }));
    if (mixed) {
      problems.push(mixed);
      return undefined;
    }
    const unknown =
      unknownSchemeWarning(app, service, objects, published!) ??
      (probedPort && unknownSchemeWarning(app, service, objects, probedPort, { checked: true }));
    if (unknown) placedWarnings.push(unknown);
    const healthPath = unreachable ? undefined : probe?.path;
    const valueProblem = probe && probeValueProblem(app, stackOf(stacks, app), probe);
    if (probe && unreachable) {
      // once per app, at its probe: the colors of a blue/green app share their pods' probe and their Services' port (not
      // silenced by another warning of the app's, edge/unknown-scheme's)
      if (!placedWarnings.some((w) => w.code === 'edge/readiness-port' && w.path[1] === app)) {
        const free = undeclared && suggestNodePort(`${stage.name}/${name}/${undeclared.name}`, used);
        placedWarnings.push(readinessPortWarning(app, stackOf(stacks, app), service, published!, probe, { undeclared, free, color }));
      }
    } else if (valueProblem) {
      // once per app: the colors of a blue/green app share their pods' probe
      if (!problems.some((p) => p.code === 'config/invalid' && p.path[0] === 'apps' && p.path[1] === app)) problems.push(valueProblem);
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
    const guess = appContainerGuess(service, objects);
    if (guess && !warnings.some((w) => w.code === 'edge/app-container' && w.object === service)) {
      warnings.push({
        code: 'edge/app-container',
        severity: 'warning',
        object: service,
        path: [],
        message: `is published at the edge on the port of container '${guess.app}' (the one its first port reaches), taken for the app, but its pods name no default container and container '${guess.probed}' has the readiness probe: which one is the app is a guess`,
        hint: `name the app's container on the pod template: annotations: { kubectl.kubernetes.io/default-container: ${guess.app} } (or ${guess.probed})`,
      });
    }
    backends.set(name, {
      name,
      service: `Service ${service.metadata.namespace}/${name}`,
      nodePort,
      ...(healthPath ? { healthPath } : {}),
      ...(checkPort === undefined ? {} : { checkPort }),
      ...(healthPath && probe?.host !== undefined ? { host: probe.host } : {}),
      ...(healthPath && probe?.https ? { https: true } : {}),
      ...(servesTls(service, objects, published!) ? { tls: true } : {}),
      servers,
    });
    return name;
  };

  // the Services refused a backend: an app published at several hosts is refused once, not once a host
  const refused = new Set<string>();
  const backendOf: typeof newBackend = (app, objects, name, ...rest) => {
    if (refused.has(name)) return undefined;
    const backend = newBackend(app, objects, name, ...rest);
    if (backend === undefined) refused.add(name);
    return backend;
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
        const yaml = colorNodePortsYaml(stage.name, app, used);
        const [liveBackend, idleBackend] = ([live, idle] as const).map((color: Color) =>
          backendOf(app, objects, colorName(app, color), () => ({ setting: ['service', 'colorNodePorts', color], yaml }), color),
        );
        if (liveBackend && idleBackend) {
          routes.push({ host, app, backend: liveBackend, blueGreen: { live, idle, idleBackend } });
        }
        continue;
      }
      const free = suggestNodePort(`${stage.name}/${app}`, used);
      const backend = backendOf(
        app,
        objects,
        app,
        (service, port) =>
          (service && port && nodePortDeclaration(stackOf(stacks, app), service, port, free)) ??
          // a stack without a node port setting: none to name, the hint says where a node port can be written
          (service && stackWithoutNodePort(stackOf(stacks, app), app, service, port, free, stage.name)) ?? {
            setting: ['service', 'nodePort'],
            yaml: `service: { type: NodePort, nodePort: ${free} }`,
          },
      );
      if (backend) routes.push({ host, app, backend });
    }
    frontends.push({
      name,
      httpPort: f.httpPort ?? FRONTEND_DEFAULTS.httpPort,
      httpsPort: f.httpsPort ?? FRONTEND_DEFAULTS.httpsPort,
      certificates: f.certificates,
      redirectHttp: f.redirectHttp ?? FRONTEND_DEFAULTS.redirectHttp,
      ...(f.hsts
        ? { hsts: { maxAge: f.hsts.maxAge, includeSubDomains: f.hsts.includeSubDomains ?? FRONTEND_DEFAULTS.hstsIncludeSubDomains } }
        : {}),
      gzip: f.gzip ?? FRONTEND_DEFAULTS.gzip,
      routes: routes.sort((a, b) => (a.host < b.host ? -1 : 1)),
    });
  }
  if (problems.length) return { problems, warnings, placedWarnings };
  return {
    plan: {
      stage: stage.name,
      source,
      machines: Object.entries(edge.machines)
        .map(([name, m]) => ({ name, address: m.address }))
        .sort(byName),
      frontends: frontends.sort(byName),
      backends: [...backends.values()]
        .map((b) => {
          const hosts = frontends.flatMap((f) => f.routes.filter((r) => [r.backend, r.blueGreen?.idleBackend].includes(b.name)));
          return { ...b, host: b.host ?? hosts.map((r) => r.host).sort()[0]! };
        })
        .sort(byName),
    },
    problems,
    warnings,
    placedWarnings,
  };
}
