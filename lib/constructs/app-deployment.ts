import { Construct } from 'constructs';
import { k8s } from '../k8s.js';
import * as container from './app-container.js';
import { type AppProbe, type AppProbes, RESTRICTED_CONTAINER as RESTRICTED, preStopLifecycle, toProbe } from './app-container.js';
import { type OneContainerPodProps, type PodContainer, oneContainerPod, orUndefined } from './one-container-pod.js';

/*
 * Where a stack written before they moved to app-container.ts imports them from: kept so that its
 * import still compiles, each its own declaration so that an editor marks that import deprecated
 * (a `@deprecated` on an `export { ... } from` marks nothing); lib/constructs/index.ts exports
 * app-container.ts's, the same values.
 */
/** @deprecated import it from lib/constructs/index.ts, as every construct (it lives in app-container.ts). */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = container.RESTRICTED_CONTAINER;
/** @deprecated import it from lib/constructs/index.ts, as every construct (it lives in app-container.ts). */
export const toResources: typeof container.toResources = container.toResources;

/** What the Deployment's pod takes as the cron stack's pod does (lib/constructs/one-container-pod.ts), its security context and spread aside. */
type PodProps = Omit<
  OneContainerPodProps,
  'container' | 'initContainers' | 'securityContext' | 'restartPolicy' | 'topologySpreadConstraints' | 'affinity'
>;

/** A step run to completion before the app starts (a migration), with the app container's environment, resources and mounts. */
export interface AppInitContainer {
  /** Its name: a DNS-1123 label, unlike the app container's and the other steps'. */
  readonly name: string;
  /** @default - the app's image (its release, each blue/green color's own) */
  readonly image?: string;
  readonly command: readonly string[];
  /** @default - none */
  readonly args?: readonly string[];
}

/** How the Deployment's pods spread over the domains (zones, nodes) of a node label. */
export interface AppSpread {
  /** The node label whose values are the domains, e.g. `topology.kubernetes.io/zone`. */
  readonly topologyKey: string;
  /** Most pods one domain may have above the domain with fewest. */
  readonly maxSkew: number;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
}

export interface AppDeploymentProps extends PodProps {
  /** `metadata.name` of the Deployment. */
  readonly name: string;
  /**
   * Name of the container: what `kubectl set image deployment/<name> <container>=<image>` names.
   * @default - the Deployment's name
   */
  readonly containerName?: string;
  /** Container image, with its tag: a release is a new tag. */
  readonly image: string;
  /** The release, written as `app.kubernetes.io/version` on the Deployment and its pods (the image tag). */
  readonly version: string;
  /**
   * Labels that select the pods (a Service selects them too); the pod template carries them. They
   * must be the app's own: `appSelector(name, stage)` (lib/stack.ts), its instance label, unique in
   * the cluster; a label of the app's name alone is any app's (a `manifests` app's pods). The
   * selector of a Deployment cannot change.
   */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * Labels that make the pods the app's own when `selector` alone does not (a stack that keeps
   * selecting by `{ name }`, any app's label, since its Deployment's selector cannot change):
   * `appSelector(name, stage)`. The pods carry them, and `spread` and `antiAffinity` count only the
   * pods that carry them and the selector's, never a `manifests` app's pods labelled `name: <app>`.
   * @default - none: `selector` is the app's own
   */
  readonly ownLabels?: Readonly<Record<string, string>>;
  /** @default 1 (none when `autoscaled`) */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler sets the number of pods: `spec.replicas` is left out, since every
   * `kubectl apply` of a Deployment that has it scales the Deployment back to that number, in the
   * middle of a load peak too (Kubernetes docs, "Migrating Deployments and StatefulSets to
   * horizontal autoscaling"). A new Deployment starts with one pod, and the autoscaler scales it to
   * its minReplicas within a sync period.
   * @default false
   */
  readonly autoscaled?: boolean;
  /**
   * Port the app listens on (named `http`), which an HTTP or TCP probe checks unless it names its own
   * (with no `port`, the first of `ports`).
   * @default - none: a worker that serves nothing (a queue consumer), unless `ports` names some
   */
  readonly port?: number;
  /**
   * How a new release replaces the pods: `RollingUpdate` (new pods first, by `maxSurge` and
   * `maxUnavailable`), or `Recreate` (every old pod stops before a new one starts), which a pod
   * that mounts a ReadWriteOnce claim needs: a rolling update's new pod, scheduled on another
   * node, would wait forever for the volume the old pod holds (Multi-Attach error).
   * @default 'RollingUpdate'
   */
  readonly strategy?: 'RollingUpdate' | 'Recreate';
  /**
   * Extra pods a rollout may start above `replicas` (RollingUpdate only).
   * @default 1
   */
  readonly maxSurge?: number;
  /**
   * Pods a rollout may stop before their replacements are ready (RollingUpdate only).
   * @default 0 - zero downtime: old pods stop only when new ones serve
   */
  readonly maxUnavailable?: number;
  /** As a stage file's `Probe(...)` settings give them (`s.probes`). @default - no probes */
  readonly probes?: AppProbes;
  /**
   * As Kubernetes writes them: a stage file's `Resources(...)` setting is `toResources(s.resources)`.
   * @default - none (the namespace's LimitRange, if any, decides)
   */
  readonly resources?: k8s.ResourceRequirements;
  /** Environment of the container. @default - none */
  readonly env?: readonly k8s.EnvVar[];
  /** ConfigMaps and Secrets whose entries become environment variables. @default - none */
  readonly envFrom?: readonly k8s.EnvFromSource[];
  /** Labels of the Deployment itself (its pods carry the selector's and the version's). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the Deployment itself. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Pod annotations, e.g. where a metrics collector scrapes. @default - none */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** A command run in the container before it is sent SIGTERM (graceful shutdown). @default - none */
  readonly preStop?: readonly string[];
  /** @default RESTRICTED_CONTAINER */
  readonly securityContext?: k8s.SecurityContext;
  /**
   * The container's ports, by name (a Service targets them by name).
   * @default - one port named `http`: `port`
   */
  readonly ports?: readonly AppPort[];
  /** Replaces the image's entrypoint. @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** Arguments of the entrypoint. @default - the image's CMD */
  readonly args?: readonly string[];
  /**
   * How the pods spread over nodes or zones; each constraint counts the pods `selector` and
   * `ownLabels` select, the Deployment's own (a blue/green color's own: the other color's pods are
   * another rollout).
   * @default - none
   */
  readonly spread?: readonly AppSpread[];
  /** Steps run in order, each to completion, before the app container starts. @default - none */
  readonly initContainers?: readonly AppInitContainer[];
  /**
   * Containers that run beside the app container, with its mounts and security context; one without
   * an image runs the app's (each color's: it is released with the app, such as a worker of the app's code).
   * @default - none
   */
  readonly sidecars?: readonly PodContainer[];
  /** The domains the pods keep apart on, each term selecting the Deployment's own pods, as `spread` does. @default - none */
  readonly antiAffinity?: AppAntiAffinity;
}

/** The domains (nodes, zones) the Deployment's pods keep apart on, by node label. */
export interface AppAntiAffinity {
  /** Node labels on whose values no two pods share: the scheduler never breaks it. */
  readonly required?: readonly string[];
  /** Node labels on whose values the scheduler prefers the pods apart, with the preference's weight (1-100). */
  readonly preferred?: readonly { readonly topologyKey: string; readonly weight: number }[];
}

/** A named container port. */
export interface AppPort {
  /** An IANA_SVC_NAME: at most 15 lowercase letters, digits and '-'. */
  readonly name: string;
  readonly containerPort: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * The Deployment of a stateless app (section E's `demoapp`): one container, rolling updates that
 * by default never drop below the wanted number of ready pods, probes, resources and the
 * restricted security context. Takes its name, container name and release as props, so a stack
 * can run two releases side by side (blue/green) with two of these whose containers keep one name.
 */
export class AppDeployment extends Construct {
  readonly apiObject: k8s.KubeDeployment;
  readonly name: string;
  readonly port: number | undefined;

  constructor(scope: Construct, id: string, props: AppDeploymentProps) {
    super(scope, id);
    if (props.autoscaled && props.replicas !== undefined) {
      throw new Error(
        `Deployment '${props.name}': 'replicas' (${props.replicas}) and 'autoscaled' cannot be both set (the autoscaler sets the number of pods)`,
      );
    }
    const recreate = props.strategy === 'Recreate';
    if (recreate && (props.maxSurge !== undefined || props.maxUnavailable !== undefined)) {
      throw new Error(
        `Deployment '${props.name}': 'maxSurge' and 'maxUnavailable' apply to strategy 'RollingUpdate' only (got strategy 'Recreate' with ${[
          props.maxSurge === undefined ? '' : `maxSurge ${props.maxSurge}`,
          props.maxUnavailable === undefined ? '' : `maxUnavailable ${props.maxUnavailable}`,
        ]
          .filter(Boolean)
          .join(', ')})`,
      );
    }
    const maxSurge = props.maxSurge ?? 1;
    const maxUnavailable = props.maxUnavailable ?? 0;
    if (maxSurge === 0 && maxUnavailable === 0) {
      throw new Error(`Deployment '${props.name}': 'maxSurge' and 'maxUnavailable' cannot be both zero (a rollout could never start)`);
    }
    if (Object.keys(props.selector).length === 0) {
      throw new Error(`Deployment '${props.name}': 'selector' must have at least one label`);
    }
    const portNames = (props.ports ?? []).map((p) => p.name);
    const twice = portNames.filter((n, i) => portNames.indexOf(n) !== i);
    if (twice.length) throw new Error(`Deployment '${props.name}': 'ports' names ${twice.map((n) => `'${n}'`).join(', ')} more than once`);
    this.name = props.name;
    this.port = props.port;
    // with no `port`, a probe that names none checks the first of `ports` (the container's port, as the service stack's)
    const probedPort = props.port ?? props.ports?.[0]?.containerPort;
    const probe = (p: AppProbe | undefined, which: string): k8s.Probe | undefined =>
      p && toProbe(p, probedPort, `Deployment '${props.name}': '${which}' probe`);
    const versionLabel = { 'app.kubernetes.io/version': props.version };
    /** The Deployment's own pods, which its spread and anti-affinity count. */
    const ownPods = (): k8s.LabelSelector => ({ matchLabels: { ...props.selector, ...props.ownLabels } });
    this.apiObject = new k8s.KubeDeployment(this, 'Resource', {
      metadata: {
        name: props.name,
        // the version is the release's own: a label of the same key the stage gives does not hide it
        labels: { ...props.labels, ...versionLabel },
        annotations: props.annotations && Object.keys(props.annotations).length ? { ...props.annotations } : undefined,
      },
      spec: {
        replicas: props.autoscaled ? undefined : (props.replicas ?? 1),
        selector: { matchLabels: { ...props.selector } },
        strategy: recreate
          ? { type: 'Recreate' }
          : {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(maxSurge), maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable) },
            },
        template: {
          metadata: {
            labels: { ...props.selector, ...props.ownLabels, ...versionLabel },
            annotations: props.podAnnotations && Object.keys(props.podAnnotations).length ? { ...props.podAnnotations } : undefined,
          },
          spec: oneContainerPod({
            initContainers: appSteps(props.initContainers, {
              image: props.image,
              env: orUndefined(props.env),
              envFrom: orUndefined(props.envFrom),
              resources: props.resources,
            }),
            container: {
              name: props.containerName ?? props.name,
              image: props.image,
              command: orUndefined(props.command),
              args: orUndefined(props.args),
              ports: orUndefined(
                (props.ports ?? (props.port === undefined ? [] : [{ name: 'http', containerPort: props.port }])).map((p) => ({
                  name: p.name,
                  containerPort: p.containerPort,
                  protocol: p.protocol ?? 'TCP',
                })),
              ),
              env: orUndefined(props.env),
              envFrom: orUndefined(props.envFrom),
              livenessProbe: probe(props.probes?.liveness, 'liveness'),
              readinessProbe: probe(props.probes?.readiness, 'readiness'),
              startupProbe: probe(props.probes?.startup, 'startup'),
              lifecycle: preStopLifecycle(props.preStop),
              resources: props.resources,
            },
            sidecars: props.sidecars?.map((c) => ({ ...c, image: c.image ?? props.image })),
            imagePullPolicy: props.imagePullPolicy,
            securityContext: props.securityContext ?? RESTRICTED,
            volumes: props.volumes,
            volumeMounts: props.volumeMounts,
            serviceAccountName: props.serviceAccountName,
            automountServiceAccountToken: props.automountServiceAccountToken,
            imagePullSecrets: props.imagePullSecrets,
            fsGroup: props.fsGroup,
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
            nodeSelector: props.nodeSelector,
            tolerations: props.tolerations,
            priorityClassName: props.priorityClassName,
            ...keptApart(ownPods, props.spread, props.antiAffinity),
          }),
        },
      },
    });
  }
}

/**
 * The steps run before the app container (`AppInitContainer`), as Kubernetes writes them: each in
 * the app's image unless it names its own, with what the app container sees, its environment and
 * resources (the pod gives each container its mounts and security context). A CronJob's pods run
 * them too (apps/cron).
 */
export function appSteps(
  steps: readonly AppInitContainer[] | undefined,
  app: Pick<k8s.Container, 'env' | 'envFrom' | 'resources'> & { readonly image: string },
): PodContainer[] | undefined {
  return steps?.map((i) => ({ ...app, name: i.name, image: i.image ?? app.image, command: [...i.command], args: orUndefined(i.args) }));
}

/**
 * The spread constraints and pod anti-affinity of a workload's pods, each counting the pods
 * `ownPods` selects (the workload's own); neither field when none is given. A CronJob's pods take
 * them too (apps/cron), over its Jobs' pods.
 */
export function keptApart(
  ownPods: () => k8s.LabelSelector,
  spread: readonly AppSpread[] | undefined,
  antiAffinity: AppAntiAffinity | undefined,
): Pick<OneContainerPodProps, 'topologySpreadConstraints' | 'affinity'> {
  return {
    topologySpreadConstraints: spread?.map((c) => ({ ...c, labelSelector: ownPods() })),
    affinity: antiAffinity && toAntiAffinity(antiAffinity, ownPods),
  };
}

/** An anti-affinity as Kubernetes writes it, each term over the pods `ownPods` selects; undefined when it has no term. */
function toAntiAffinity(a: AppAntiAffinity, ownPods: () => k8s.LabelSelector): k8s.Affinity | undefined {
  const required = orUndefined(a.required?.map((topologyKey) => ({ labelSelector: ownPods(), topologyKey })));
  const preferred = orUndefined(
    a.preferred?.map(({ topologyKey, weight }) => ({ weight, podAffinityTerm: { labelSelector: ownPods(), topologyKey } })),
  );
  return required || preferred
    ? {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: required,
          preferredDuringSchedulingIgnoredDuringExecution: preferred,
        },
      }
    : undefined;
}
