import { k8s } from '../k8s.js';

/*
 * What one container of an app is, apart from the workload that runs it: its probes, resources,
 * restricted security context and preStop hook, as the stage file gives them and as Kubernetes
 * writes them. The Deployment (app-deployment.ts), the service stack's sidecars and the cron
 * stack's CronJob (apps/) write their containers with these.
 */

/** A health check: an HTTP GET or a TCP connection on a port of the app, or a command run in the container. */
export interface AppProbe {
  /** HTTP GET of `path` on `port` (a number, or a container port's name). @default - none (then `tcp` or `command`) */
  readonly http?: { readonly path: string; readonly port?: number | string };
  /** A TCP connection to `port` (a number, or a container port's name); it opens: healthy. @default - none (then `http` or `command`) */
  readonly tcp?: { readonly port?: number | string };
  /** A command; exit status 0 means healthy. @default - none (then `http` or `tcp`) */
  readonly command?: readonly string[];
  /** @default - Kubernetes' default (0) */
  readonly initialDelaySeconds?: number;
  /** @default - Kubernetes' default (10) */
  readonly periodSeconds?: number;
  /** @default - Kubernetes' default (1) */
  readonly timeoutSeconds?: number;
  /** @default - Kubernetes' default (3) */
  readonly failureThreshold?: number;
}

export interface AppProbes {
  /** Restarts the container when it fails. @default - no liveness probe */
  readonly liveness?: AppProbe;
  /** Takes the pod out of its Services while it fails; a rollout waits for it. @default - no readiness probe */
  readonly readiness?: AppProbe;
  /** Holds the other probes back until a slow start is over. @default - no startup probe */
  readonly startup?: AppProbe;
}

/** CPU, memory and local disk as a stage file gives them (`resources: { requests, limits }`). */
export interface AppQuantities {
  readonly cpu?: string;
  readonly memory?: string;
  readonly 'ephemeral-storage'?: string;
}

/** The resources of a container as a stage file gives them (`resources: { requests, limits }`). */
export interface AppResources {
  readonly requests?: AppQuantities;
  readonly limits?: AppQuantities;
}

/** The resources of a container as Kubernetes writes them, from the stage file's `{requests, limits}`. */
export function toResources(r: AppResources | undefined): k8s.ResourceRequirements | undefined {
  if (!r) return undefined;
  const q = (m?: AppQuantities) =>
    m && Object.values(m).some((v) => v !== undefined)
      ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k8s.Quantity.fromString(v)]))
      : undefined;
  return { requests: q(r.requests), limits: q(r.limits) };
}

/**
 * The container security context for an app that needs nothing from the node: the Pod Security
 * "restricted" level (non-root with a fixed UID, so the kubelet can verify it even when the image
 * names its user, no privilege escalation, no capabilities, RuntimeDefault seccomp) and a read-only
 * root filesystem, with a writable `/tmp` mounted by the construct.
 */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** A port by number or by a container port's name, as Kubernetes writes it. */
const portRef = (p: number | string): k8s.IntOrString =>
  typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p);

/**
 * A `preStop` command as a container's lifecycle: it runs before SIGTERM, while the endpoints stop
 * sending traffic to the stopping pod; none without a command.
 */
export const preStopLifecycle = (preStop: readonly string[] | undefined): k8s.Lifecycle | undefined =>
  preStop?.length ? { preStop: { exec: { command: [...preStop] } } } : undefined;

/**
 * A probe as Kubernetes writes it; `port` is the container's port, used when an HTTP or TCP probe
 * names none (a container with no port, a worker, has none to default to: such a probe throws).
 */
export function toProbe(p: AppProbe, port: number | undefined, subject = 'probe'): k8s.Probe {
  const handlers = (['http', 'tcp', 'command'] as const).filter((h) => p[h] !== undefined);
  if (handlers.length !== 1) {
    throw new Error(
      `${subject}: needs exactly one of 'http', 'tcp' and 'command' (got ${handlers.length ? handlers.map((h) => `'${h}'`).join(' and ') : 'none'})`,
    );
  }
  if (p.command?.length === 0) throw new Error(`${subject}: 'command' must not be empty`);
  const check = p.http ? 'http' : p.tcp ? 'tcp' : undefined;
  const checked = check && (p[check]?.port ?? port);
  if (check && checked === undefined)
    throw new Error(
      `${subject}: '${check}' names no port, and the container has none to default to (give the probe a port, or the container one)`,
    );
  return {
    httpGet: p.http && checked !== undefined ? { path: p.http.path, port: portRef(checked), scheme: 'HTTP' } : undefined,
    tcpSocket: p.tcp && checked !== undefined ? { port: portRef(checked) } : undefined,
    exec: p.command ? { command: [...p.command] } : undefined,
    initialDelaySeconds: p.initialDelaySeconds,
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}
