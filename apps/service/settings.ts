/**
 * The settings of the generic `service` stack under `apps.<name>` in a stage file: a team's own
 * service described in YAML alone. Defaults live here, once (`DEFAULTS`).
 */
import { Count, ImageRef, Mapping, QualifiedKey, Settings, StringEnum, SecretName, Type, type Static } from '../../lib/config/types.js';
import {
  Autoscaling,
  ImagePullPolicy,
  LabelValue,
  Name,
  NodeSelector,
  PodAntiAffinity,
  PortName,
  PriorityClassName,
  Probe,
  Resources,
  Tolerations,
  TopologySpread,
} from '../../lib/config/workload.js';
import type { TOptional, TString } from '@sinclair/typebox';
import { EnvFrom, EnvName, KeyName, KeyRefs } from './environment-settings.js';
import { PORT_DESCRIPTION, PORT_PROPERTIES } from './port-probe-settings.js';
import { Sidecars } from './sidecar-settings.js';
import { AbsolutePath, Annotations, IngressSettings, StorageSettings } from './ingress-storage-settings.js';
import { POLICY_CONTROLS, type PolicyControl } from '../../lib/policy.js';
import { BlueGreen, ColorNodePorts, servingPort } from '../../lib/release.js';

export const serviceSettings = Settings({
  image: Type.Optional(
    ImageRef({
      description:
        'The image with its release tag, e.g. team/api:1.4; the tag is the version. Set this (rolling updates in place) or blueGreen. @default - none: then blueGreen',
    }),
  ),
  blueGreen: Type.Optional(
    BlueGreen(
      'Run blue/green instead of rolling in place: Deployments <name>-blue and <name>-green, the Service on the live color (`npm run switch` flips it). Set this or image. @default - none',
    ),
  ),
  replicas: Type.Optional(
    Count(0, {
      description:
        "Pods the Deployment runs (each color's). With autoscaling the autoscaler sets the number and the Deployment has no spec.replicas, so leave it out (given, it must be within minReplicas..maxReplicas). @default 1",
    }),
  ),
  ports: Type.Optional(
    Mapping(
      PortName,
      Settings(
        {
          ...PORT_PROPERTIES,
          nodePort: Type.Optional(
            Type.Integer({
              minimum: 30000,
              maximum: 32767,
              description: 'Fixed node port (service.type NodePort or LoadBalancer). @default - chosen by the API server',
            }),
          ),
        },
        { description: PORT_DESCRIPTION },
      ),
      { description: 'The container ports by name, each exposed by the Service. @default - none: no Service' },
    ),
  ),
  command: Type.Optional(
    Type.Array(Type.String(), { minItems: 1, description: "Replaces the image's entrypoint. @default - the image's" }),
  ),
  args: Type.Optional(Type.Array(Type.String(), { description: "Arguments. @default - the image's" })),
  initContainers: Type.Optional(
    Type.Array(
      Settings({
        name: Name('Name of the step, unlike the app container (named as the app) and the other steps.'),
        image: Type.Optional(
          ImageRef({
            description:
              "The image the step runs. @default - the app's own image (each blue/green color's), so the step is released with the app; another image is not copied by npm run promote",
          }),
        ),
        command: Type.Array(Type.String(), { minItems: 1, description: 'The command the step runs, e.g. [./manage, migrate].' }),
        args: Type.Optional(Type.Array(Type.String(), { description: 'Its arguments. @default - none' })),
      }),
      {
        minItems: 1,
        description:
          "Steps run in order, each to completion, before the app container starts (a database migration), with the app container's environment, resources, mounts and security context. @default - none",
      },
    ),
  ),
  sidecars: Sidecars,
  env: Type.Optional(
    Mapping(EnvName, Type.String(), { description: 'Environment variables with their (non-secret) values. @default - none' }),
  ),
  secrets: KeyRefs('Secret'),
  configMaps: KeyRefs('ConfigMap'),
  envFrom: EnvFrom,
  secretFiles: Type.Optional(
    Mapping(
      SecretName({ description: 'Name of the Secret.' }),
      Settings(
        {
          mountPath: AbsolutePath(
            "Directory the keys are mounted at, read-only, each as a file named after its key, of mode 0440 (root and the pod's group, the container user's).",
          ),
          keys: Type.Array(KeyName, { minItems: 1, uniqueItems: true, description: 'The keys mounted, each a file (key.json, tls.crt).' }),
        },
        { description: 'Where the Secret is mounted and which keys, e.g. { mountPath: /var/run/gcp, keys: [key.json] }.' },
      ),
      {
        description:
          'Keys of Secrets mounted as files (a credentials file, a client certificate), by Secret name: { <secret>: { mountPath, keys } }; declared by name and keys as secrets: are, printed by npm run secrets. @default - none',
      },
    ),
  ),
  config: Type.Optional(
    Settings(
      {
        env: Type.Optional(
          Mapping(KeyName, Type.String(), {
            description: 'Entries given to the container as environment variables, through ConfigMap <name>-env-<hash>. @default - none',
          }),
        ),
        files: Type.Optional(
          Mapping(KeyName, Type.String(), {
            description: 'Files by name and content, mounted read-only from ConfigMap <name>-files-<hash>. @default - none',
          }),
        ),
        mountPath: Type.Optional(AbsolutePath('Directory the files are mounted at. @default /etc/<name>')),
      },
      { description: 'Configuration in content-hashed ConfigMaps: a change rolls the pods. @default - none' },
    ),
  ),
  probes: Type.Optional(
    Settings(
      {
        liveness: Probe('Restarts the container when it fails. @default - none'),
        readiness: Probe('Takes the pod out of the Service while it fails. @default - none'),
        startup: Probe('Holds liveness back while the container starts. @default - none'),
      },
      {
        description:
          'Health checks, each by http, tcp or command; an HTTP or TCP check without a port uses the first port. @default - none',
      },
    ),
  ),
  resources: Resources('the container'),
  imagePullPolicy: ImagePullPolicy(
    'When the node pulls the image: IfNotPresent suits release tags, which are never rebuilt; Always a tag that moves. @default IfNotPresent',
  ),
  imagePullSecrets: Type.Optional(
    Type.Array(
      SecretName({
        description: 'A Secret of type kubernetes.io/dockerconfigjson (kubectl create secret docker-registry), by name.',
      }),
      {
        minItems: 1,
        uniqueItems: true,
        description:
          'Secrets with the credentials of private registries, by name (made outside stagecraft; the Namespace lists them as required). @default - none',
      },
    ),
  ),
  labels: Type.Optional(
    Mapping(QualifiedKey('a label key such as team.example.com/owner'), LabelValue('The value of the label.'), {
      description:
        "Labels of the Deployment itself (each color's), e.g. { team.example.com/owner: payments }, for the tools that select Deployments by label; not of its pods, and none of the labels stagecraft writes. @default - none",
    }),
  ),
  annotations: Annotations(
    "the Deployment itself (each color's)",
    'configmap.reloader.stakater.com/reload: api-settings (a controller that watches Deployments reads them)',
  ),
  podAnnotations: Annotations('the pods', 'prometheus.io/scrape: "true"'),
  nodeSelector: NodeSelector('the pods'),
  tolerations: Tolerations('the pods'),
  priorityClassName: PriorityClassName('the pods'),
  topologySpreadConstraints: TopologySpread('the pods'),
  podAntiAffinity: PodAntiAffinity('the pods'),
  serviceAccountName: Type.Optional(
    Name(
      "The ServiceAccount the pods run as: one the stage has (another app's, or a manifests app's), or one made outside stagecraft that the stage declares under serviceAccounts.external. @default - the namespace's default",
    ),
  ),
  automountServiceAccountToken: Type.Optional(
    Type.Boolean({ description: 'Give the pods an API token (only an app that calls the Kubernetes API needs one). @default false' }),
  ),
  terminationGracePeriodSeconds: Type.Optional(
    Count(0, {
      description:
        'Seconds a stopping pod has, preStop included, between SIGTERM and SIGKILL to finish its requests. @default 30 (Kubernetes)',
    }),
  ),
  preStop: Type.Optional(
    Type.Array(Type.String(), {
      minItems: 1,
      description:
        'A command run in the container before it gets SIGTERM, e.g. [sleep, "5"] so that endpoints stop sending traffic first; counts against terminationGracePeriodSeconds. @default - none',
    }),
  ),
  rollout: Type.Optional(
    Settings(
      {
        maxSurge: Type.Optional(Count(0, { description: 'Extra pods during a rollout. @default 1' })),
        maxUnavailable: Type.Optional(Count(0, { description: 'Pods that may be missing during a rollout. @default 0' })),
      },
      { description: 'The RollingUpdate strategy. @default - maxSurge 1, maxUnavailable 0' },
    ),
  ),
  autoscaling: Autoscaling('A HorizontalPodAutoscaler on CPU (needs resources.requests.cpu). @default - none'),
  disruptionBudget: Type.Optional(
    Settings(
      {
        maxUnavailable: Type.Optional(
          // 0 lets no drain evict a pod, ever: a node is then never drained for maintenance
          Count(1, { description: 'Pods a drain may stop at once (at least 1). @default - none: then minAvailable' }),
        ),
        minAvailable: Type.Optional(
          Count(0, {
            description: 'Pods that must keep running during a drain, fewer than the replicas. @default - none: then maxUnavailable',
          }),
        ),
      },
      {
        description:
          "A PodDisruptionBudget <name> over the app's pods (blue/green, one per color, <name>-blue and <name>-green, each over its color's pods): a node drain (kubectl drain, a cluster upgrade) evicts them only within it; one of maxUnavailable and minAvailable. @default - none",
      },
    ),
  ),
  service: Type.Optional(
    Settings(
      {
        type: Type.Optional(StringEnum(['ClusterIP', 'NodePort', 'LoadBalancer'], { description: '@default ClusterIP' })),
        annotations: Annotations(
          'the Service',
          'service.beta.kubernetes.io/aws-load-balancer-scheme: internal (a cloud load balancer reads them)',
        ),
        colorNodePorts: Type.Optional(
          ColorNodePorts(
            "Blue/green only: a NodePort Service per color (<name>-blue, <name>-green) on the HTTP port (ingress.port when given, a sidecar's too; else of the app's ports the only one, else the one named http, else the one the readiness probe's HTTP check reaches), for an edge load balancer that switches colors itself (edge: in the stage file); the Service <name> still selects the live color. @default - none",
          ),
        ),
      },
      { description: 'The Service in front of the ports. @default - ClusterIP' },
    ),
  ),
  ingress: IngressSettings,
  storage: StorageSettings,
  security: Type.Optional(
    Settings(
      {
        writableRootFilesystem: Type.Optional(Type.Boolean({ description: 'Let the container write its root filesystem. @default false' })),
        exceptions: Type.Optional(
          Settings(
            Object.fromEntries(
              POLICY_CONTROLS.map((c) => [
                c,
                Type.Optional(Type.String({ minLength: 1, description: `Why the container needs the ${c} exception.` })),
              ]),
            ) as Record<PolicyControl, TOptional<TString>>,
            {
              description:
                "Declared exceptions to the restricted defaults, control -> reason (policy.stagecraft.dev/<control> on the Deployment): run-as-root drops runAsNonRoot and the fixed user, privilege-escalation allows it, capabilities keeps the image's, seccomp drops the profile. @default - none",
            },
          ),
        ),
      },
      {
        description:
          'The container runs restricted (non-root user 10001, no privilege escalation, no capabilities, RuntimeDefault seccomp, read-only root) unless declared here. @default - restricted',
      },
    ),
  ),
});

export type ServiceSettings = Static<typeof serviceSettings>;

export const DEFAULTS = {
  replicas: 1,
  user: 10001,
  accessMode: 'ReadWriteOnce',
} as const;

/**
 * Whether the app's pods mount a ReadWriteOnce claim: one node at a time can mount it, so the app
 * runs one pod, and a new release replaces it with strategy Recreate (refine and chart agree on it here).
 */
export const mountsReadWriteOnce = (s: ServiceSettings): boolean =>
  s.storage !== undefined && (s.storage.accessMode ?? DEFAULTS.accessMode) === 'ReadWriteOnce';

/** A port of a container of the pod as the stage file declares it: its number, protocol and (the app container's) nodePort. */
type PortSettings = { readonly port: number; readonly protocol?: 'TCP' | 'UDP'; readonly nodePort?: number };

/**
 * The ports of the pod's containers with the settings that declare them, in order: the app
 * container's (`ports.<name>`), then each sidecar's (`sidecars[i].ports.<name>`).
 */
export function podPortsOf(
  s: Pick<ServiceSettings, 'ports' | 'sidecars'>,
): { path: (string | number)[]; name: string; port: PortSettings }[] {
  const of = (ports: Readonly<Record<string, PortSettings>> | undefined, at: (string | number)[]) =>
    Object.entries(ports ?? {}).map(([name, port]) => ({ path: [...at, name], name, port }));
  return [of(s.ports, ['ports']), ...(s.sidecars ?? []).map((c, i) => of(c.ports, ['sidecars', i, 'ports']))].flat();
}

/**
 * The ports the Service exposes, by name: the app container's (`ports`), then each sidecar's
 * (`sidecars[i].ports`), so that an Ingress may send traffic to a sidecar (a proxy in front of the app).
 */
export const servicePortsOf = (s: Pick<ServiceSettings, 'ports' | 'sidecars'>): [string, PortSettings][] =>
  podPortsOf(s).map((p) => [p.name, p.port]);

/** A port of the instance by name, as the stage file declares it. */
export type ServicePort = readonly [name: string, port: NonNullable<ServiceSettings['ports']>[string]];

/**
 * The port a color's Service (`service.colorNodePorts`) exposes: the one an edge load balancer
 * sends HTTP to, chosen as the edge chooses it (`servingPort`): `ingress.port` when given, among
 * the ports of every container (a sidecar proxy in front of the app, which the edge must not go
 * round); else, of the app container's ports, the only one; of several, the one named `http`, else
 * the one the readiness probe's HTTP check reaches, its port or the first port as the probe
 * defaults to (a sidecar's port, an exporter's, is not guessed to serve); else undefined,
 * since which one is meant is not known. A color's Service has that port only: a NodePort Service
 * opens a node port for every port it has, and the other ports' would be picked by the API server,
 * on every node, unused (a probe on another port is then checked by connecting only, with the
 * warning edge/readiness-port).
 */
export function colorServicePort(s: ServiceSettings): ServicePort | undefined {
  const ports = s.ingress?.port === undefined ? Object.entries(s.ports ?? {}) : servicePortsOf(s);
  const http = s.probes?.readiness?.http;
  // the number the probe's GET goes to (its port by number or by name, or the first port as the
  // probe defaults to), over TCP: of a number open over TCP and UDP (HTTP/3), the TCP port
  const number =
    http === undefined
      ? undefined
      : typeof http.port === 'number'
        ? http.port
        : (http.port === undefined ? ports[0] : ports.find(([portName]) => portName === http.port))?.[1].port;
  const probed = ([, p]: ServicePort) => number !== undefined && p.port === number && (p.protocol ?? 'TCP') === 'TCP';
  return servingPort(
    ports,
    ([portName]) => portName,
    probed,
    ([portName]) => portName === s.ingress?.port,
  );
}

/**
 * The port the Ingress (`ingress`) sends its traffic to: `ingress.port`, among the ports of every
 * container; else the one that serves HTTP as the edge and a color's Service choose it
 * (`colorServicePort`): of the app container's ports, the only one; of several, the one named
 * `http`, else the one the readiness probe's HTTP check reaches; of a sidecar's when the app has
 * none (a proxy in front of it), the only one, or the one named `http`. Else undefined, which
 * refine refuses: the first port listed is no guess (`metrics` listed before `http`).
 */
export function ingressPortOf(s: ServiceSettings): ServicePort | undefined {
  const all = servicePortsOf(s);
  if (s.ingress?.port !== undefined) return all.find(([portName]) => portName === s.ingress?.port);
  if (Object.keys(s.ports ?? {}).length) return colorServicePort(s);
  return servingPort(
    all,
    ([portName]) => portName,
    () => false,
  );
}
