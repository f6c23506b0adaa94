/**
 * The ports of a published Service: which one serves (the edge sends its traffic there), and where
 * HAProxy checks the readiness probe of the pods it selects (at that port's node port, another
 * port's, or nowhere, with the warning edge/readiness-port). Read from the rendered objects. Pure.
 */
import type { KubeObject } from '../model/object.js';
import { workloadTemplateOf } from '../model/pod-specs.js';
import { servingPort } from '../release.js';

export function selectorOf(service: KubeObject): Record<string, string> {
  return (service.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
}

/** A container port as a pod spec declares it. */
interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
}

/** An HTTP readiness probe of a Service's pods: its path, port and Host header, and the workload and container that declare it. */
export interface ReadinessProbe {
  readonly path: string;
  /** The value of its Host header (httpHeaders), which the kubelet sends instead of the pod's IP. @default - none */
  readonly host?: string;
  /** httpGet.port: a container port's number or name. */
  readonly port?: number | string;
  /** httpGet.scheme is HTTPS: the port it checks speaks TLS (the kubelet then checks it without verifying the certificate). @default false */
  readonly https?: boolean;
  readonly ports: readonly ContainerPort[];
  readonly workload: KubeObject;
  readonly container: string;
}

/** A container of a pod template, as far as the edge reads it. */
interface Container {
  readonly name?: string;
  readonly ports?: ContainerPort[];
  readonly readinessProbe?: { readonly httpGet?: HttpGet };
  readonly livenessProbe?: { readonly httpGet?: HttpGet };
  readonly startupProbe?: { readonly httpGet?: HttpGet };
}

/** The httpGet of a probe, as far as the edge reads it (its other headers stay with the kubelet: one may carry a credential). */
interface HttpGet {
  readonly path?: string;
  readonly port?: number | string;
  /** `HTTP` or `HTTPS`, as the API server takes it (in capitals). @default HTTP */
  readonly scheme?: string;
  readonly httpHeaders?: readonly { readonly name?: string; readonly value?: unknown }[];
}

/**
 * The Host header a probe sends, as the kubelet reads it: the value of the first header named
 * `Host` in any case, none when that is empty (the kubelet then sends the pod's IP).
 */
function hostHeaderOf(get: HttpGet): string | undefined {
  const value = get.httpHeaders?.find((h) => h.name?.toLowerCase() === 'host')?.value;
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** The probes of a container, in the order their scheme is read: the readiness probe's, then the liveness and startup probes'. */
const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

/** The annotation of a pod that names its main container (kubectl logs and exec go there without -c). */
const DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';

/** Whether Service port `port` sends traffic to a port of container `c`. */
const listensTo = (port: ServicePort) => (c: Container) =>
  (c.ports ?? []).some((p) => p.containerPort !== undefined && reaches(port, p.containerPort, c.ports ?? []));

/**
 * Whether an HTTP probe of container `c` (readiness, liveness or startup) checks the port Service port `port` reaches: the
 * pod listens there, its ports declared or not (a container's ports are informational; the kubelet probes the pod's).
 */
const probesAt = (port: ServicePort) => (c: Container) =>
  PROBES.some((probe) => {
    const get = c[probe]?.httpGet;
    return get?.port !== undefined && reaches(port, get.port, c.ports ?? []);
  });

/** Whether some port of `service` sends traffic to a port of container `c`. */
const reachedBy = (service: KubeObject) => (c: Container) => portsOfService(service).some((p) => listensTo(p)(c));

/** The container that the first port of `service` reaching one of `containers` targets, in the Service's order of ports. */
function firstTargeted(service: KubeObject, containers: readonly Container[]): Container | undefined {
  for (const port of portsOfService(service)) {
    const target = containers.find(listensTo(port));
    if (target) return target;
  }
  return undefined;
}

/**
 * The app's container among `containers` when the pod names no default, by three signs, each
 * pointing at a container the Service targets: the pod's first (kubectl's default), the only one
 * with a readiness probe, and the one the Service's first port reaches. The container most of them
 * point at; on a tie, the Service's first port's. No one sign is enough: a log shipper listed first,
 * an exporter probed on /metrics, a Service listing its metrics port first each mislead one of them.
 */
function appContainer(service: KubeObject, containers: readonly Container[]): Container | undefined {
  const byPort = firstTargeted(service, containers);
  if (!byPort) return containers[0];
  const targeted = containers.filter(reachedBy(service));
  const probed = targeted.filter((c) => c.readinessProbe);
  const signs = [targeted.includes(containers[0]!) ? containers[0] : undefined, probed.length === 1 ? probed[0] : undefined];
  const votes = (c: Container) => signs.filter((s) => s === c).length + (c === byPort ? 1 : 0);
  return targeted.reduce((best, c) => (votes(c) > votes(best) ? c : best), byPort);
}

/** A workload scaled to zero (`spec.replicas: 0`, an old one kept while another takes over): it runs no pod a Service could reach. */
const scaledToZero = (workload: KubeObject) => (workload.spec as { replicas?: unknown } | undefined)?.replicas === 0;

/**
 * The workloads among `objects` whose pods a Service selects (built-in ones, or custom ones that run pods: an Argo Rollout,
 * `workloadTemplate`), with their containers: of its namespace alone, as Kubernetes selects them (an app's files may hold the
 * same workload in two namespaces, each with a Service of its own); those scaled to zero last, whose pods it reaches none of.
 */
function selectedPods(
  service: KubeObject,
  objects: readonly KubeObject[],
): { workload: KubeObject; containers: Container[]; named: boolean }[] {
  const selector = Object.entries(selectorOf(service));
  if (selector.length === 0) return [];
  const { namespace } = service.metadata;
  const running = objects.filter((o) => !scaledToZero(o));
  return [...running, ...objects.filter(scaledToZero)].flatMap((o) => {
    const template = workloadTemplateOf(o);
    const labels = template?.metadata?.labels ?? {};
    if (!template || !selector.every(([k, v]) => labels[k] === v)) return [];
    if (namespace !== undefined && o.metadata.namespace !== undefined && o.metadata.namespace !== namespace) return [];
    const containers = (template.spec?.containers ?? []) as Container[];
    // the app's container first: the one the pod names its default; else the one most signs point at
    // (`appContainer`). The others are sidecars (an exporter, a log shipper, a proxy), whose ports serve
    // only when an Ingress says so
    const named = template.metadata?.annotations?.[DEFAULT_CONTAINER];
    const annotated = containers.find((c) => c.name === named);
    const main = annotated ?? appContainer(service, containers);
    return [{ workload: o, containers: main ? [main, ...containers.filter((c) => c !== main)] : [], named: annotated !== undefined }];
  });
}

/**
 * The ports of the app's container in the pods a Service selects (the one the pod's annotation
 * kubectl.kubernetes.io/default-container names, else the one most signs point at: `appContainer`),
 * not a sidecar's.
 */
export const appContainerPortsOf = (service: KubeObject, objects: readonly KubeObject[]): readonly ContainerPort[] =>
  selectedPods(service, objects)[0]?.containers[0]?.ports ?? [];

/**
 * When the app's container is a guess the readiness probes contradict: the pod names no default
 * container, and the one taken for the app (`app`, its port the Service's first) has no readiness
 * probe while another container the Service targets (`probed`) has one, such as an exporter probed
 * on /metrics, or the app itself behind a sidecar whose port the Service lists first.
 */
export function appContainerGuess(service: KubeObject, objects: readonly KubeObject[]): { app: string; probed: string } | undefined {
  const pod = selectedPods(service, objects)[0];
  const [main, ...others] = pod?.containers ?? [];
  if (!pod || !main || pod.named || main.readinessProbe) return undefined;
  const probed = others.find((c) => c.readinessProbe && reachedBy(service)(c));
  return probed && { app: main.name ?? '', probed: probed.name ?? '' };
}

/**
 * The sidecar whose port Service port `port` reaches (a container of the pods other than the app's,
 * by name), such as a proxy an Ingress sends the traffic to; undefined for the app container's port.
 */
export function sidecarOfPort(service: KubeObject, objects: readonly KubeObject[], port: ServicePort): string | undefined {
  const [, ...sidecars] = selectedPods(service, objects)[0]?.containers ?? [];
  return sidecars.find(listensTo(port))?.name;
}

/** The first HTTP readiness probe of the pods a Service selects, the app container's before a sidecar's. */
export function readinessProbeOf(service: KubeObject, objects: readonly KubeObject[]): ReadinessProbe | undefined {
  for (const { workload, containers } of selectedPods(service, objects)) {
    const container = containers.find((c) => c.readinessProbe?.httpGet?.path !== undefined);
    if (!container) continue;
    const get = container.readinessProbe!.httpGet!;
    const host = hostHeaderOf(get);
    return {
      path: String(get.path),
      port: get.port,
      ...(host === undefined ? {} : { host }),
      ...(get.scheme === 'HTTPS' ? { https: true } : {}),
      ports: container.ports ?? [],
      workload,
      container: container.name ?? '',
    };
  }
  return undefined;
}

/** The scheme one workload's pods speak at a port of their Service, as an HTTP probe there says: which workload, container and probe says it. */
export interface PortScheme {
  readonly workload: KubeObject;
  readonly container: string;
  readonly probe: (typeof PROBES)[number];
  /** The probe's scheme is HTTPS: the port speaks TLS alone. */
  readonly https: boolean;
  /** The workload is scaled to zero (`spec.replicas: 0`): no pod of it answers there now. @default false */
  readonly idle?: boolean;
}

/**
 * The scheme each workload the Service selects speaks at the port Service port `port` reaches, as the first HTTP probe of its
 * pods there says (a container's readiness probe, then its liveness and startup probes; the app's container first). Not the
 * readiness probe alone: one of tcpSocket or exec, or one checked at another port, says nothing of that port, where an HTTPS
 * liveness probe says the pods answer TLS alone; read of a container that declares that port, or probes it without declaring
 * it (`probesAt`). A workload with no HTTP probe there is left out: its scheme is not known. Those scaled to zero come last, `idle`.
 */
export function schemesAt(service: KubeObject, objects: readonly KubeObject[], port: ServicePort): PortScheme[] {
  return selectedPods(service, objects).flatMap(({ workload, containers }) => {
    for (const c of containers.filter((c) => listensTo(port)(c) || probesAt(port)(c)))
      for (const probe of PROBES) {
        const get = c[probe]?.httpGet;
        if (get?.port !== undefined && reaches(port, get.port, c.ports ?? [])) {
          return [
            { workload, container: c.name ?? '', probe, https: get.scheme === 'HTTPS', ...(scaledToZero(workload) ? { idle: true } : {}) },
          ];
        }
      }
    return [];
  });
}

/** A Job's or CronJob's: its pods run a task to its end, no server a Service is meant to send requests to. */
const runsToEnd = (workload: KubeObject) =>
  ['Job', 'CronJob'].includes(workload.kind) && typeof workload.apiVersion === 'string' && workload.apiVersion.startsWith('batch/');

/** A probe a container has, and how it checks: `tcpSocket`, `exec`, `grpc`, `httpGet at port 8080`. */
export interface ProbeShape {
  readonly probe: (typeof PROBES)[number];
  readonly how: string;
}

/** A workload whose scheme at a port no HTTP probe says (`unprobedAt`), with the probes its container there has, which say none. */
export interface UnprobedWorkload {
  readonly workload: KubeObject;
  readonly probes: readonly ProbeShape[];
}

/** The probes container `c` has, each with how it checks. */
function probeShapes(c: Container): ProbeShape[] {
  return PROBES.flatMap((probe) => {
    const handler = c[probe] && ['httpGet', 'tcpSocket', 'exec', 'grpc'].find((h) => Object.hasOwn(c[probe]!, h));
    if (!c[probe]) return [];
    return [{ probe, how: handler === 'httpGet' ? `httpGet at port ${c[probe]!.httpGet!.port}` : (handler ?? 'no handler') }];
  });
}

/**
 * The workloads running pods that Service `service` selects, that serve the port Service port `port` reaches (a container
 * declares it: one that declares no port there and has no probe there, a worker sharing the app's labels, is taken to serve
 * none, and of a named targetPort Kubernetes sends it nothing), and that no HTTP probe says the scheme of there (`schemesAt`
 * leaves them out): sent whatever scheme the others say; with the probes of that container, which say none. Not a Job's or
 * CronJob's, whose pods run a task, not a server.
 */
export function unprobedAt(service: KubeObject, objects: readonly KubeObject[], port: ServicePort): UnprobedWorkload[] {
  const said = new Set(schemesAt(service, objects, port).map((s) => s.workload));
  return selectedPods(service, objects).flatMap(({ workload, containers }) => {
    const serving = containers.find(listensTo(port));
    if (!serving || scaledToZero(workload) || runsToEnd(workload) || said.has(workload)) return [];
    return [{ workload, probes: probeShapes(serving) }];
  });
}

/**
 * Whether the port a published Service port (`published`) reaches speaks TLS, as the first workload's HTTP probe there says, one
 * that runs pods before one scaled to zero (`schemesAt`; when workloads disagree, `mixedSchemes` says so). No HTTP probe there:
 * not known, taken as plain HTTP (sent plain HTTP, pods that answer TLS alone fail each request while a check that only
 * connects keeps every server up).
 */
export const servesTls = (service: KubeObject, objects: readonly KubeObject[], published: ServicePort): boolean =>
  schemesAt(service, objects, published)[0]?.https ?? false;

/**
 * The first workload that says HTTPS at the port Service port `port` reaches, and the first that says plain HTTP, when the
 * workloads a Service selects disagree (`schemesAt`): kube-proxy spreads one node port's connections over all their pods, so
 * no one scheme HAProxy speaks there reaches them all. Undefined when they agree, or when those that disagree run no pods
 * (scaled to zero: an old workload kept while another, in the other scheme, takes over).
 */
export function mixedSchemes(
  service: KubeObject,
  objects: readonly KubeObject[],
  port: ServicePort,
): { tls: PortScheme; plain: PortScheme } | undefined {
  const schemes = schemesAt(service, objects, port).filter((s) => !s.idle);
  const tls = schemes.find((s) => s.https);
  const plain = schemes.find((s) => !s.https);
  return tls && plain ? { tls, plain } : undefined;
}

/** A port of a Service as its spec declares it. */
export interface ServicePort {
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

/** Whether Service port `p` reaches the port the readiness probe checks. */
const isProbed = (p: ServicePort, probe: ReadinessProbe | undefined): boolean =>
  probe?.port !== undefined && reaches(p, probe.port, probe.ports);

/** The ports of a Service, as its spec declares them. */
export const portsOfService = (service: KubeObject): ServicePort[] => (service.spec as { ports?: ServicePort[] } | undefined)?.ports ?? [];

/** A backend of an Ingress rule, as its spec declares it. */
interface IngressBackend {
  readonly service?: { readonly name?: string; readonly port?: { readonly number?: number; readonly name?: string } };
}

/**
 * The ports of Service `service` that an Ingress among `objects` sends traffic to (by number or
 * name): where the app declares its traffic goes, such as a sidecar proxy in front of the app.
 */
export function ingressPortsOf(service: KubeObject, objects: readonly KubeObject[]): (number | string)[] {
  return objects.flatMap((o) => {
    if (o.kind !== 'Ingress' || o.metadata.namespace !== service.metadata.namespace) return [];
    const rules = (o.spec as { rules?: { http?: { paths?: { backend?: IngressBackend }[] } }[] } | undefined)?.rules ?? [];
    return rules
      .flatMap((r) => r.http?.paths ?? [])
      .flatMap(({ backend }) => {
        const to = backend?.service;
        const port = to?.name === service.metadata.name ? (to?.port?.number ?? to?.port?.name) : undefined;
        return port === undefined ? [] : [port];
      });
  });
}

/**
 * The port of a Service the edge sends its traffic to, of all its ports (`servingPort`: the one an
 * Ingress of the app sends its traffic to, `ingress`; else, among those that reach the app's
 * container (`appPorts`, not a sidecar's: an exporter's port named `http` is no guess, probe or
 * not), its only one; of several, the one named `http`, else the one that reaches the port the
 * readiness probe checks); else which one is meant is not known, and the ports are returned.
 * Chosen among all the ports, not those with a declared nodePort: the port that serves needs one,
 * and is not passed over for another port that has one (the caller refuses it without one).
 */
export function publishedPortOf(
  service: KubeObject,
  probe: ReadinessProbe | undefined,
  appPorts: readonly ContainerPort[],
  ingress: readonly (number | string)[] = [],
): { port?: ServicePort; ambiguous?: string[] } {
  const all = portsOfService(service);
  const own = all.filter((p) => appPorts.some((c) => c.containerPort !== undefined && reaches(p, c.containerPort, appPorts)));
  const ports = ingress.length === 0 && own.length > 0 ? own : all;
  const port = servingPort(
    ports,
    (p) => p.name,
    (p) => isProbed(p, probe),
    (p) => ingress.some((i) => i === p.port || i === p.name),
  );
  if (port || ports.length <= 1) return { port };
  const nodePort = (p: ServicePort) => (p.nodePort === undefined ? '' : `, nodePort ${p.nodePort}`);
  return { ambiguous: ports.map((p) => `${p.name ?? '(no name)'} (port ${p.port}${nodePort(p)})`) };
}

/**
 * Where HAProxy sends the readiness GET: the published node port when it reaches the port the
 * probe checks (`{}`), the node port of another port of the Service that does (`checkPort`), or
 * none (`unreachable`): when no port of the Service reaches it (a color's Service exposes the port
 * that serves alone), or the port that does has no declared nodePort (`undeclared`, the port),
 * since Kubernetes opens one of its choosing, which haproxy.cfg cannot name. A GET of the readiness
 * path on the port that serves would ask another server, which may answer 404 and take every server out.
 */
export function checkPortOf(
  service: KubeObject,
  published: ServicePort,
  probe: ReadinessProbe | undefined,
): { checkPort?: number; unreachable?: boolean; undeclared?: ServicePort } {
  if (probe?.port === undefined || reaches(published, probe.port, probe.ports)) return {};
  const probed = portsOfService(service).find((p) => isProbed(p, probe));
  if (probed?.nodePort === undefined) return { unreachable: true, ...(probed ? { undeclared: probed } : {}) };
  return { checkPort: probed.nodePort };
}
