/**
 * The generic `service` stack: a team's own service from the stage file alone (image, ports,
 * command, init containers and sidecars, env, config, Secret files, probes, resources, the nodes it runs on, autoscaling, a
 * disruption budget, Service, Ingress with TLS, storage, rolling or blue/green releases, a
 * restricted security context with declared exceptions).
 * Its release works with promote, diff and switch like demoapp's.
 */
import { Chart } from 'cdk8s';
import {
  type AppInstance,
  defineStack,
  imageVersion,
  type ObjectName,
  type SettingPlace,
  type SettingsProblem,
  type StageContext,
} from '../../lib/stack.js';
import { ingressRouteTo } from '../ingress.js';
import { valueAt, type FieldPath } from '../../lib/model/field-path.js';
import type { KubeObject } from '../../lib/model/object.js';
import { COLORS, blueGreenVersion, colorName } from '../../lib/release.js';
import { secretsFile } from '../../lib/secrets.js';
import { DEFAULTS, colorServicePort, ingressPortOf, serviceSettings, servicePortsOf, type ServiceSettings } from './settings.js';
import { serviceChart, serviceNames } from './chart.js';
import { NOT_SECRET_SETTING_HINT, isSecretSetting } from '../../lib/model/secret-rules.js';
import { placementProblems, probesProblems, replicasProblems, resourcesProblems } from '../../lib/config/workload.js';
import { commandProblems, containerNameProblems, envFromProblems, mountProblems, ownImageProblems } from './container-problems.js';
import { podPortProblems } from './port-probe-problems.js';
import { sidecarProblems } from './sidecar-problems.js';
import { storageProblems } from './storage-problems.js';
import { ingressPathProblems } from './ingress-storage-settings.js';
import { metadataProblems } from './metadata-problems.js';
import { containerSetting } from './container-settings.js';

/**
 * `service.colorNodePorts` as demoapp takes it: only blue/green (a Service per color), and on the
 * one port that serves HTTP (`colorServicePort`).
 */
function colorNodePortProblems(s: ServiceSettings): SettingsProblem[] {
  const path = ['service', 'colorNodePorts'];
  if (s.blueGreen === undefined) {
    return [
      {
        code: 'config/conflict',
        path,
        message: 'needs blueGreen (there is one Service per color only when the app runs blue/green)',
        hint: 'remove colorNodePorts, or run the app blue/green',
      },
    ];
  }
  const ports = Object.keys(s.ports ?? {});
  if (ports.length < 2 || colorServicePort(s)) return [];
  return [
    {
      code: 'config/conflict',
      path,
      message: `needs to know which port serves HTTP, to give each color's Service that one (found ports ${ports.join(', ')}, none named http, and no HTTP readiness check on one of them)`,
      hint: "name the HTTP port 'http', or give the app a readiness probe on it: probes: { readiness: { http: { path: /ready, port: <its port> } } }",
    },
  ];
}

function refine(s: ServiceSettings, stage: StageContext, name: string, apps: readonly AppInstance[] = []): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (path: (string | number)[], code: string, message: string, hint?: string) =>
    problems.push({ code, path, message, ...(hint ? { hint } : {}) });
  if (s.image !== undefined && s.blueGreen !== undefined) {
    add(
      ['image'],
      'config/conflict',
      'cannot be set together with blueGreen (each color has its own image)',
      'remove image: the images are blueGreen.blue and blueGreen.green',
    );
  } else if (s.image === undefined && s.blueGreen === undefined) {
    add(
      [],
      'config/missing',
      'needs image, or blueGreen with an image per color',
      'add `image: team/api:1` to roll out in place, or `blueGreen: { live: blue, blue: team/api:1, green: team/api:1 }`',
    );
  }
  const ports = Object.keys(s.ports ?? {});
  const type = s.service?.type ?? 'ClusterIP';
  for (const [portName, p] of Object.entries(s.ports ?? {})) {
    if (p.nodePort !== undefined && type === 'ClusterIP')
      add(
        ['ports', portName, 'nodePort'],
        'config/conflict',
        "needs service.type 'NodePort' or 'LoadBalancer'",
        'set service.type, or remove nodePort',
      );
  }
  problems.push(...podPortProblems(s));
  // the Service exposes the ports of every container, the sidecars' too (a proxy in front of the app)
  const podPorts = servicePortsOf(s).map(([n]) => n);
  if (s.service && podPorts.length === 0)
    add(['service'], 'config/conflict', 'needs ports (the Service exposes them)', 'add `ports: { http: { port: 8080 } }`');
  if (s.service?.colorNodePorts !== undefined) problems.push(...colorNodePortProblems(s));
  if (s.ingress) {
    problems.push(
      ...ingressPathProblems(
        s.ingress.paths,
        (i) => ({ path: ['ingress', 'paths', i] }),
        (i) => `ingress.paths[${i}]`,
      ),
    );
    if (podPorts.length === 0)
      add(
        ['ingress'],
        'config/conflict',
        'needs ports (the Ingress sends traffic to one of them)',
        'add `ports: { http: { port: 8080 } }`',
      );
    else if (s.ingress.port !== undefined && !podPorts.includes(s.ingress.port)) {
      const sidecars = podPorts.length > ports.length;
      add(
        ['ingress', 'port'],
        'config/unknown-port',
        `is not one of ports${sidecars ? " or the sidecars' ports" : ''} (${podPorts.join(', ')})`,
        `name a port under ports${sidecars ? " or a sidecar's ports" : ''}`,
      );
    } else {
      const port = ingressPortOf(s);
      if (port === undefined) {
        const own = ports.length ? ports : podPorts;
        add(
          ['ingress'],
          'config/missing',
          `needs to know which port serves HTTP, to send the Ingress's traffic to it (found ports ${own.join(', ')}, none named http${ports.length ? ', and no HTTP readiness check on one of them' : ''})`,
          `set ingress.port to one of them (ingress: { host: ..., port: ${own[0]} }), or name the HTTP port 'http'`,
        );
      } else if ((port[1].protocol ?? 'TCP') !== 'TCP') {
        add(
          s.ingress.port === undefined ? ['ingress'] : ['ingress', 'port'],
          'config/conflict',
          `sends HTTP to port '${port[0]}', which is ${port[1].protocol} (an Ingress reaches its backends over TCP)`,
          'set ingress.port to a TCP port of the app',
        );
      }
    }
  }
  problems.push(...probesProblems(s.probes, ['probes'], { names: ports, at: ['ports'] }));
  problems.push(...metadataProblems(s));
  if (s.rollout?.maxSurge === 0 && s.rollout.maxUnavailable === 0) {
    add(
      ['rollout', 'maxSurge'],
      'config/conflict',
      'and rollout.maxUnavailable cannot be both 0 (a rollout could never start)',
      'set maxSurge to 1',
    );
  }
  problems.push(
    ...placementProblems(s, stage),
    ...mountProblems(s, name),
    ...envFromProblems(s),
    ...containerNameProblems(name, s),
    ...ownImageProblems(s),
    ...sidecarProblems(s),
    ...commandProblems(s),
  );
  const budget = s.disruptionBudget;
  if (budget && (budget.maxUnavailable === undefined) === (budget.minAvailable === undefined))
    add(
      ['disruptionBudget'],
      'config/conflict',
      `needs one of maxUnavailable and minAvailable (found ${budget.maxUnavailable === undefined ? 'neither' : 'both'}): a PodDisruptionBudget takes one`,
      'e.g. disruptionBudget: { maxUnavailable: 1 }, which lets a drain evict one pod at a time',
    );
  else if (budget?.minAvailable !== undefined) {
    // the fewest pods the app runs (per color): autoscaled, the autoscaler's floor
    const [pods, what] = s.autoscaling
      ? [s.autoscaling.minReplicas, 'autoscaling.minReplicas']
      : [s.replicas ?? DEFAULTS.replicas, s.replicas === undefined ? 'the default replicas' : 'replicas'];
    // no pod (replicas: 0): a drain waits for none, and no minAvailable below 0 exists to offer
    if (pods > 0 && budget.minAvailable >= pods)
      problems.push({
        code: 'refs/pdb-blocks-drain',
        severity: 'warning',
        path: ['disruptionBudget', 'minAvailable'],
        message: `is ${budget.minAvailable}, not below ${what} (${pods}): no pod can ever be evicted, so draining a node for maintenance waits forever`,
        hint: `lower minAvailable below ${pods}, or use disruptionBudget: { maxUnavailable: 1 }`,
      });
  }
  // warnings: careless units of cpu and memory
  problems.push(
    ...resourcesProblems(s.resources, ['resources']),
    ...replicasProblems(s, s.ingress ? 'its ingress' : ingressRouteTo(name, apps)),
  );
  const a = s.autoscaling;
  if (a) {
    // the Deployment has no spec.replicas then; a replicas the stage file still says must not contradict the bounds
    if (a.minReplicas > a.maxReplicas)
      add(
        ['autoscaling', 'minReplicas'],
        'config/conflict',
        `must not be above autoscaling.maxReplicas (found ${a.minReplicas} > ${a.maxReplicas})`,
        'swap the two values',
      );
    else if (s.replicas !== undefined && (s.replicas < a.minReplicas || s.replicas > a.maxReplicas))
      add(
        ['replicas'],
        'config/conflict',
        `must be within autoscaling.minReplicas..maxReplicas (found ${s.replicas}, not in ${a.minReplicas}..${a.maxReplicas})`,
        'leave replicas out: with autoscaling, the autoscaler sets the number of pods (from minReplicas), and the Deployment has no spec.replicas',
      );
    if (s.resources?.requests?.cpu === undefined)
      add(
        ['autoscaling'],
        'config/conflict',
        'needs resources.requests.cpu (CPU utilization is measured against the request)',
        'add resources: { requests: { cpu: 250m } }',
      );
  }
  problems.push(...storageProblems(s));
  if (s.storage?.storageClass !== undefined && s.storage.hostPath !== undefined) {
    add(
      ['storage', 'hostPath'],
      'config/conflict',
      'cannot be set together with storage.storageClass (a class provisions its own volume)',
      'remove one of them',
    );
  }
  for (const [path, values] of [
    [['env'], s.env],
    [['config', 'env'], s.config?.env],
    ...(s.sidecars ?? []).map((c, i) => [['sidecars', i, 'env'], c.env] as const),
  ] as const) {
    // the screen's own rule (a name that names a secret, a value that is no reference or switch): what it
    // refuses in the output, traced back here, is refused here first, with the way to a Secret
    for (const [key] of Object.entries(values ?? {}).filter(([k, v]) => isSecretSetting(k, v))) {
      add(
        [...path, key],
        'config/secret-value',
        `looks like a secret value, and stage files are committed: secret values go in ${secretsFile(stage.name)} or environment variables, never in a stage file`,
        path[0] === 'sidecars'
          ? `give the sidecar the value in a file: secretFiles: { <secret>: { mountPath, keys } } (mounted in every container of the pod), set in .secrets/${stage.name}.env; ${NOT_SECRET_SETTING_HINT}`
          : `declare it under secrets: { <secret>: { ${key}: <key> } } and set the value in .secrets/${stage.name}.env; ${NOT_SECRET_SETTING_HINT}`,
      );
    }
  }
  return problems;
}

/**
 * The objects an instance names after itself with something added: its storage (`<name>-data`,
 * `<name>-data-<stage>`) and, blue/green, each color's Deployment, disruption budget and Service (a
 * Service has at most 63 characters).
 */
function objectNames(name: string, s: ServiceSettings, stage: string): ObjectName[] {
  const names = serviceNames(name, stage, s);
  const colors = s.blueGreen ? COLORS.map((c) => colorName(name, c)) : [];
  return [
    ...(s.storage ? [{ kind: 'PersistentVolumeClaim', name: names.claim }] : []),
    ...(s.storage && s.storage.storageClass === undefined ? [{ kind: 'PersistentVolume', name: names.volume }] : []),
    ...colors.map((n) => ({ kind: 'Deployment', name: n })),
    ...(s.disruptionBudget ? colors.map((n) => ({ kind: 'PodDisruptionBudget', name: n })) : []),
    ...(s.service?.colorNodePorts && colorServicePort(s) ? colors.map((n) => ({ kind: 'Service', name: n })) : []),
  ];
}

type EnvFrom = { configMapRef?: { name?: unknown }; secretRef?: { name?: unknown } } | undefined;

/** The setting behind an `envFrom` source: `envFrom.configMaps[i]`, or the Secret's key under `envFrom.secrets`. */
function envFromSetting(s: ServiceSettings, source: EnvFrom): SettingPlace | undefined {
  const configMap = source?.configMapRef?.name;
  const i = typeof configMap === 'string' ? (s.envFrom?.configMaps ?? []).indexOf(configMap) : -1;
  if (i >= 0) return { path: ['envFrom', 'configMaps', i] };
  const secret = source?.secretRef?.name;
  return typeof secret === 'string' && s.envFrom?.secrets?.[secret] ? { path: ['envFrom', 'secrets'], key: secret } : undefined;
}

type EnvVar = { name?: unknown; valueFrom?: { configMapKeyRef?: { name?: unknown }; secretKeyRef?: { name?: unknown } } };

/**
 * The setting behind a field of the instance's pods that names another object, so that a problem
 * with that object (one the stage lacks) is placed there: the service account at
 * `serviceAccountName`, an environment variable read from a key of a ConfigMap or Secret at
 * `configMaps.<name>.<VARIABLE>` or `secrets.<name>.<VARIABLE>`, an environment read whole at its
 * entry under `envFrom`; and an annotation of the Ingress naming a cert-manager issuer, at its entry
 * under `ingress.annotations`.
 */
function settingOf(s: ServiceSettings, object: KubeObject, path: FieldPath): SettingPlace | undefined {
  // an annotation of the Ingress (cert-manager's issuer: refs/cert-issuer) is its ingress.annotations entry
  if (object.kind === 'Ingress' && path[0] === 'metadata' && path[1] === 'annotations' && path.length === 3)
    return typeof path[2] === 'string' && s.ingress?.annotations?.[path[2]] !== undefined
      ? { path: ['ingress', 'annotations'], key: path[2] }
      : undefined;
  if (path.at(-1) === 'serviceAccountName') return s.serviceAccountName === undefined ? undefined : { path: ['serviceAccountName'] };
  const envFrom = path.indexOf('envFrom');
  if (envFrom >= 0 && typeof path[envFrom + 1] === 'number')
    return envFromSetting(s, valueAt(object, path.slice(0, envFrom + 2)) as EnvFrom);
  const env = path.indexOf('env');
  if (env < 0 || typeof path[env + 1] !== 'number') return undefined;
  const variable = valueAt(object, path.slice(0, env + 2)) as EnvVar | undefined;
  const from = variable?.valueFrom;
  const [setting, ref] = from?.configMapKeyRef
    ? (['configMaps', from.configMapKeyRef] as const)
    : from?.secretKeyRef
      ? (['secrets', from.secretKeyRef] as const)
      : [];
  const name = ref?.name;
  const v = variable?.name;
  if (!setting || typeof name !== 'string' || typeof v !== 'string' || s[setting]?.[name]?.[v] === undefined) return undefined;
  return { path: [setting, name, v] };
}

/** Where the stage file declares the policy exceptions the chart writes on each Deployment (`allowPolicyExceptions`). */
export const SECURITY_EXCEPTIONS: FieldPath = ['security', 'exceptions'];

export const service = defineStack({
  name: 'service',
  settings: serviceSettings,
  version: (s) => (s.blueGreen ? blueGreenVersion(s.blueGreen) : imageVersion(s.image!)),
  release: { image: ['image'], blueGreen: ['blueGreen'] },
  refine,
  objectNames,
  secrets: (_name, s) => [
    ...Object.entries(s.secrets ?? {}).map(([secret, vars]) => ({
      name: secret,
      keys: [...new Set(Object.values(vars))].sort(),
      path: ['secrets', secret],
    })),
    ...Object.entries(s.envFrom?.secrets ?? {}).map(([secret, keys]) => ({
      name: secret,
      keys: [...keys].sort(),
      path: ['envFrom', 'secrets', secret],
    })),
    ...Object.entries(s.secretFiles ?? {}).map(([secret, files]) => ({
      name: secret,
      keys: [...files.keys].sort(),
      path: ['secretFiles', secret],
    })),
    ...(s.ingress ? [{ name: s.ingress.tlsSecret, keys: ['tls.crt', 'tls.key'], path: ['ingress', 'tlsSecret'], external: true }] : []),
    // registry credentials come from `kubectl create secret docker-registry` (or a store), never from a stage file
    ...(s.imagePullSecrets ?? []).map((secret, i) => ({
      name: secret,
      keys: ['.dockerconfigjson'],
      path: ['imagePullSecrets', i],
      external: true,
    })),
  ],
  settingOf,
  containerSetting,
  policyExceptions: SECURITY_EXCEPTIONS,
  chart: (app, name, s, stage) => serviceChart(new Chart(app, name, { disableResourceNameHashes: true }), name, s, stage),
});
