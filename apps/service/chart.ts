/**
 * The objects of one `service` instance, all named after the instance: the Deployment (or one per
 * color), its autoscaler, the Service over the named ports (and, blue/green behind an edge, one
 * NodePort Service per color), the PodDisruptionBudget (one per color), the Ingress, the content-hashed
 * ConfigMaps and the storage claim. Every difference between stages comes from the settings.
 */
import type { Chart } from 'cdk8s';
import {
  type AppAntiAffinity,
  type AppSpread,
  HashedConfigMap,
  HostPathVolumeClaim,
  k8s,
  LabelService,
  orUndefined,
  type PodContainer,
  preStopLifecycle,
  RESTRICTED_CONTAINER,
  TlsIngress,
  toProbe,
  toResources,
} from '../../lib/constructs/index.js';
import { appSelector, imageVersion, type StageContext } from '../../lib/stack.js';
import { allowPolicyExceptions } from '../../lib/policy.js';
import { DEFAULT_ANTI_AFFINITY_WEIGHT, DEFAULT_MAX_SKEW } from '../../lib/config/workload.js';
import { addAppDeployments, appReleases, serviceSelector } from '../demoapp/deployments.js';
import { COLORS, COLOR_LABEL, colorName } from '../../lib/release.js';
import { DEFAULTS, colorServicePort, ingressPortOf, mountsReadWriteOnce, servicePortsOf, type ServiceSettings } from './settings.js';

/** The directory the config files are mounted at: `config.mountPath`, else `/etc/<name>`. */
export const configMountOf = (name: string, s: Pick<ServiceSettings, 'config'>): string => s.config?.mountPath ?? `/etc/${name}`;

/** The names of an instance's objects besides its Deployments (`<name>`, `<name>-<color>`). */
export function serviceNames(name: string, stage: string, s: ServiceSettings) {
  return {
    claim: `${name}-data`,
    volume: `${name}-data-${stage}`,
    hostPath: s.storage?.hostPath ?? `/data/volumes/${name}-${stage}`,
    configMount: configMountOf(name, s),
  };
}

/** The container security context: restricted, less what the stage declares an exception for. */
export function securityContext(s: ServiceSettings): k8s.SecurityContext {
  const allowed = new Set(Object.keys(s.security?.exceptions ?? {}));
  const c: { -readonly [K in keyof k8s.SecurityContext]: k8s.SecurityContext[K] } = { ...RESTRICTED_CONTAINER };
  if (allowed.has('run-as-root')) {
    delete c.runAsNonRoot;
    delete c.runAsUser;
    delete c.runAsGroup;
  }
  if (allowed.has('privilege-escalation')) delete c.allowPrivilegeEscalation;
  if (allowed.has('capabilities')) delete c.capabilities;
  if (allowed.has('seccomp')) delete c.seccompProfile;
  if (s.security?.writableRootFilesystem) c.readOnlyRootFilesystem = false;
  return c;
}

const keyRefs = (refs: ServiceSettings['secrets'], ref: (object: string, key: string) => k8s.EnvVarSource): k8s.EnvVar[] =>
  Object.entries(refs ?? {}).flatMap(([object, vars]) =>
    Object.entries(vars).map(([variable, key]) => ({ name: variable, valueFrom: ref(object, key) })),
  );

/**
 * The container's environment as the stage file gives it: `env` values, then variables from keys of
 * Secrets (`secrets:`) and of ConfigMaps (`configMaps:`). The cron stack's containers take it too.
 */
export const containerEnv = (s: Pick<ServiceSettings, 'env' | 'secrets' | 'configMaps'>): k8s.EnvVar[] => [
  ...Object.entries(s.env ?? {}).map(([variable, value]) => ({ name: variable, value })),
  ...keyRefs(s.secrets, (secret, key) => ({ secretKeyRef: { name: secret, key } })),
  ...keyRefs(s.configMaps, (configMap, key) => ({ configMapKeyRef: { name: configMap, key } })),
];

/**
 * The container's environments read whole: ConfigMaps (the `config:` one named first, then
 * `envFrom.configMaps`), then `envFrom.secrets`. The cron stack's containers take them too.
 */
export const containerEnvFrom = (s: Pick<ServiceSettings, 'envFrom'>, configMaps: readonly string[] = []): k8s.EnvFromSource[] => [
  ...[...configMaps, ...(s.envFrom?.configMaps ?? [])].map((name) => ({ configMapRef: { name } })),
  ...Object.keys(s.envFrom?.secrets ?? {}).map((name) => ({ secretRef: { name } })),
];

/**
 * The sidecars as Kubernetes writes them: each with its ports (TCP unless given), its probes (an HTTP
 * or TCP check without a port on its first port), environment and resources; one with ports (a
 * proxy in front of the app) with the app's `preStop` too, so that it serves the requests in flight
 * until the endpoints stop sending any, as the app does; the pod gives each the app container's
 * mounts, security context and pull policy.
 */
export function sidecarContainers(s: Pick<ServiceSettings, 'sidecars' | 'preStop'>): PodContainer[] | undefined {
  return s.sidecars?.map((c) => {
    const ports = Object.entries(c.ports ?? {});
    const probe = (which: 'liveness' | 'readiness' | 'startup') => {
      const p = c.probes?.[which];
      return p && toProbe(p, ports[0]?.[1].port, `sidecar '${c.name}': '${which}' probe`);
    };
    return {
      name: c.name,
      image: c.image,
      command: orUndefined(c.command),
      args: orUndefined(c.args),
      ports: orUndefined(ports.map(([name, p]) => ({ name, containerPort: p.port, protocol: p.protocol ?? 'TCP' }))),
      env: orUndefined(containerEnv(c)),
      livenessProbe: probe('liveness'),
      readinessProbe: probe('readiness'),
      startupProbe: probe('startup'),
      resources: toResources(c.resources),
      lifecycle: ports.length ? preStopLifecycle(s.preStop) : undefined,
    };
  });
}

/**
 * How the settings keep the pods apart, with their defaults: `topologySpreadConstraints` (maxSkew 1)
 * and `podAntiAffinity` (weight 100). The cron stack's pods take them too.
 */
export const podSpread = (
  s: Pick<ServiceSettings, 'topologySpreadConstraints' | 'podAntiAffinity'>,
): { spread?: AppSpread[]; antiAffinity?: AppAntiAffinity } => ({
  spread: s.topologySpreadConstraints?.map((c) => ({ ...c, maxSkew: c.maxSkew ?? DEFAULT_MAX_SKEW })),
  antiAffinity: s.podAntiAffinity && {
    required: s.podAntiAffinity.required,
    preferred: s.podAntiAffinity.preferred?.map((p) => ({ ...p, weight: p.weight ?? DEFAULT_ANTI_AFFINITY_WEIGHT })),
  },
});

/**
 * The mode of the files of `secretFiles`: readable by their owner (root) and the pod's group only.
 * Kubernetes' default, 0644, lets any user of the node's container read them, and programs that
 * read a key refuse one that others may read (libpq a client key: "has group or world access").
 */
export const SECRET_FILE_MODE = 0o440;

/**
 * The volumes of `secretFiles` and where the container mounts them, read-only: each key a file of
 * mode SECRET_FILE_MODE, and the pod's group (`fsGroup`, the non-root user's) the one that may read
 * them, none without secret files. The cron stack's pods take them too.
 */
export function secretFileVolumes(s: Pick<ServiceSettings, 'secretFiles'>): {
  volumes: k8s.Volume[];
  mounts: k8s.VolumeMount[];
  fsGroup: number | undefined;
} {
  const files = Object.entries(s.secretFiles ?? {});
  return {
    // by position, not by name: a volume's name is a DNS label of at most 63 characters, a Secret's a subdomain of 253 (www.example.com-tls)
    volumes: files.map(([secret, f], i) => ({
      name: `secret-${i}`,
      secret: { secretName: secret, defaultMode: SECRET_FILE_MODE, items: f.keys.map((key) => ({ key, path: key })) },
    })),
    mounts: files.map(([, f], i) => ({ name: `secret-${i}`, mountPath: f.mountPath, readOnly: true })),
    fsGroup: files.length ? DEFAULTS.user : undefined,
  };
}

export function serviceChart(chart: Chart, name: string, s: ServiceSettings, stage: StageContext): Chart {
  const names = serviceNames(name, stage.name, s);
  const ports = Object.entries(s.ports ?? {});
  const servicePorts = servicePortsOf(s);
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  const envFrom: string[] = [];

  if (s.config?.env && Object.keys(s.config.env).length) {
    envFrom.push(new HashedConfigMap(chart, 'config-env', { baseName: `${name}-env`, data: s.config.env }).name);
  }
  if (s.config?.files && Object.keys(s.config.files).length) {
    const files = new HashedConfigMap(chart, 'config-files', { baseName: `${name}-files`, data: s.config.files });
    volumes.push({ name: 'config', configMap: { name: files.name } });
    mounts.push({ name: 'config', mountPath: names.configMount, readOnly: true });
  }
  const secretFiles = secretFileVolumes(s);
  volumes.push(...secretFiles.volumes);
  mounts.push(...secretFiles.mounts);
  if (s.storage) {
    if (s.storage.storageClass !== undefined) {
      new k8s.KubePersistentVolumeClaim(chart, 'claim', {
        metadata: { name: names.claim },
        spec: {
          accessModes: [s.storage.accessMode ?? DEFAULTS.accessMode],
          storageClassName: s.storage.storageClass,
          resources: { requests: { storage: k8s.Quantity.fromString(s.storage.size) } },
        },
      });
    } else {
      new HostPathVolumeClaim(chart, 'storage', {
        volumeName: names.volume,
        claimName: names.claim,
        hostPath: names.hostPath,
        size: s.storage.size,
      });
    }
    volumes.push({ name: 'data', persistentVolumeClaim: { claimName: names.claim } });
    mounts.push({ name: 'data', mountPath: s.storage.mountPath });
  }

  const deployments = addAppDeployments(chart, name, s, {
    replicas: s.replicas ?? DEFAULTS.replicas,
    port: ports[0]?.[1].port,
    // one pod on a ReadWriteOnce claim: the old pod lets go of the volume before the new one starts (refine refuses rollout then)
    strategy: mountsReadWriteOnce(s) ? 'Recreate' : undefined,
    ports: ports.map(([portName, p]) => ({ name: portName, containerPort: p.port, protocol: p.protocol })),
    command: s.command,
    args: s.args,
    initContainers: s.initContainers,
    sidecars: sidecarContainers(s),
    maxSurge: s.rollout?.maxSurge,
    maxUnavailable: s.rollout?.maxUnavailable,
    probes: s.probes,
    resources: toResources(s.resources),
    env: containerEnv(s),
    envFrom: containerEnvFrom(s, envFrom),
    labels: s.labels,
    annotations: s.annotations,
    imagePullPolicy: s.imagePullPolicy,
    priorityClassName: s.priorityClassName,
    podAnnotations: s.podAnnotations,
    nodeSelector: s.nodeSelector,
    tolerations: s.tolerations,
    ...podSpread(s),
    // what the spread and anti-affinity count: the Deployments keep selecting by `name`, any app's label
    ownLabels: appSelector(name, stage),
    imagePullSecrets: s.imagePullSecrets,
    serviceAccountName: s.serviceAccountName,
    automountServiceAccountToken: s.automountServiceAccountToken,
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds,
    preStop: s.preStop,
    securityContext: securityContext(s),
    volumes,
    volumeMounts: mounts,
    // a claim's files belong to the pod's group, so that the non-root user can write them (and read the secret files)
    fsGroup: s.storage ? DEFAULTS.user : secretFiles.fsGroup,
  });
  for (const d of deployments) allowPolicyExceptions(d.apiObject, s.security?.exceptions);

  if (servicePorts.length) {
    new LabelService(chart, 'service', {
      name,
      // the app's pods only: `name` alone is any app's label (a manifests app's pods labelled name: api);
      // the Deployments keep selecting by it, since a Deployment's selector cannot change
      selector: { ...serviceSelector(name, s), ...appSelector(name, stage) },
      type: s.service?.type,
      annotations: s.service?.annotations,
      ports: servicePorts.map(([portName, p]) => ({
        name: portName,
        port: p.port,
        targetPort: portName,
        protocol: p.protocol,
        nodePort: p.nodePort,
      })),
    });
  }
  // blue/green behind an edge load balancer: a Service per color, so the edge can check both and switch itself
  const colorPorts = s.service?.colorNodePorts;
  const colorPort = colorServicePort(s);
  if (s.blueGreen && colorPorts && colorPort) {
    const [portName, p] = colorPort;
    for (const color of COLORS) {
      new LabelService(chart, `service-${color}`, {
        name: colorName(name, color),
        selector: { name, [COLOR_LABEL]: color, ...appSelector(name, stage) },
        type: 'NodePort',
        ports: [{ name: portName, port: p.port, targetPort: portName, protocol: p.protocol, nodePort: colorPorts[color] }],
        // its color's release, as its Deployment's: a release staged on the idle color leaves the live color's Service alone
      }).apiObject.metadata.addLabel('app.kubernetes.io/version', imageVersion(s.blueGreen[color]));
    }
  }
  if (s.disruptionBudget) {
    const { maxUnavailable, minAvailable } = s.disruptionBudget;
    // the instance label too, as the Services: `name` alone is any app's label, which a manifests app's pods may carry
    const instance = appSelector(name, stage);
    // blue/green, one budget per color: over both, a drain could evict every live pod while the idle
    // color's stay, and a crashlooping idle color would block every eviction of the live one
    for (const r of appReleases(name, s)) {
      new k8s.KubePodDisruptionBudget(chart, `disruption-budget${r.idSuffix}`, {
        // its color's release, as its Deployment's
        metadata: { name: r.name, labels: { 'app.kubernetes.io/version': imageVersion(r.image) } },
        spec: {
          selector: { matchLabels: { ...r.selector, ...instance } },
          maxUnavailable: maxUnavailable === undefined ? undefined : k8s.IntOrString.fromNumber(maxUnavailable),
          minAvailable: minAvailable === undefined ? undefined : k8s.IntOrString.fromNumber(minAvailable),
        },
      });
    }
  }
  if (s.ingress) {
    // refine refuses an Ingress without a port that serves HTTP
    const ingressPort = ingressPortOf(s)![1];
    new TlsIngress(chart, 'ingress', {
      name,
      host: s.ingress.host,
      tlsSecretName: s.ingress.tlsSecret,
      serviceName: name,
      servicePort: ingressPort.port,
      paths: s.ingress.paths,
      className: s.ingress.className,
      annotations: s.ingress.annotations,
    });
  }
  return chart;
}
