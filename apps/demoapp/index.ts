/**
 * Section E's Java web app with MySQL, as one stack deployed to the test, qa and production
 * stages (and dev): the Deployment `demoapp` (or, blue/green as in section D, `demoapp-blue` and
 * `demoapp-green`), its Service, Ingress, ConfigMap, RBAC and autoscaler; mysql as
 * ReplicationController `mysql-1` on a PersistentVolume of the stage, its Service and a nightly
 * backup. Every difference between stages comes from the stage file.
 */
import { Chart } from 'cdk8s';
import { type AppInstance, defineStack, imageVersion, type ObjectName, type SettingsProblem, type StageContext } from '../../lib/stack.js';
import { ingressRouteTo } from '../ingress.js';
import { COLORS, blueGreenVersion, colorName } from '../../lib/release.js';
import { didYouMean } from '../../lib/model/did-you-mean.js';
import { NOT_SECRET_SETTING_HINT, isSecretSetting } from '../../lib/model/secret-rules.js';
import { secretValueHint, secretsFile } from '../../lib/secrets.js';
import { DEFAULTS, SECRET_KEYS_NEEDED, databaseNames, demoappSettings, type DemoappSettings } from './settings.js';
import { probesProblems, replicasProblems, resourcesProblems } from '../../lib/config/workload.js';
import { ingressPathProblems } from '../service/ingress-storage-settings.js';
import { demoappChart } from './chart.js';
import { databaseProblems } from './database-problems.js';

export const STACK_NAME = 'demoapp';

/** Keys of `database.secret` that are settings; any other key there is a secret value written into the stage file. */
const SECRET_SETTINGS = ['name', 'keys'];

function refine(s: DemoappSettings, stage: StageContext, name: string, apps: readonly AppInstance[] = []): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  // the schema makes both optional, so that a stage can pick either; exactly one says what runs
  if (s.image !== undefined && s.blueGreen !== undefined) {
    problems.push({
      code: 'config/conflict',
      path: ['image'],
      message: 'cannot be set together with blueGreen (each color has its own image)',
      hint: 'remove image: the images are blueGreen.blue and blueGreen.green',
    });
  } else if (s.image === undefined && s.blueGreen === undefined) {
    problems.push({
      code: 'config/missing',
      path: [],
      message: 'needs image, or blueGreen with an image per color',
      hint: 'add `image: demoapp:1` to roll out in place, or `blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1 }`',
    });
  }
  const secret = (s.database.secret ?? {}) as Record<string, unknown>;
  const secretName = (secret.name as string | undefined) ?? DEFAULTS.secretName;
  for (const key of Object.keys(secret).filter((k) => !SECRET_SETTINGS.includes(k))) {
    const guess = didYouMean(key, SECRET_SETTINGS);
    problems.push(
      guess && typeof secret[key] !== 'string'
        ? { code: 'config/unknown-key', path: ['database', 'secret', key], message: `is not a known setting; did you mean '${guess}'?` }
        : {
            code: 'config/secret-value',
            path: ['database', 'secret', key],
            message: `is a secret value, and stage files are committed: secret values go in ${secretsFile(stage.name)} or environment variables, never in a stage file`,
            hint: secretValueHint(stage.name, secretName, key),
          },
    );
  }
  const declared = s.database.secret?.keys ?? DEFAULTS.secretKeys;
  const missing = SECRET_KEYS_NEEDED.filter((k) => !declared.includes(k));
  if (missing.length) {
    problems.push({
      code: 'config/secret-keys',
      path: ['database', 'secret', 'keys'],
      message: `needs ${missing.map((k) => `'${k}'`).join(', ')} (mysql and the app read username, password and database)`,
      hint: `add ${missing.join(', ')} to the list`,
    });
  }
  for (const [key] of Object.entries(s.config ?? {}).filter(([k, v]) => isSecretSetting(k, v))) {
    problems.push({
      code: 'config/secret-value',
      path: ['config', key],
      message: `looks like a secret value, and stage files are committed: secret values go in ${secretsFile(stage.name)} or environment variables, never in a stage file`,
      hint: `declare a key for it under database.secret.keys and set it in .secrets/${stage.name}.env; ${NOT_SECRET_SETTING_HINT}`,
    });
  }
  if (s.service?.nodePort !== undefined && (s.service.type ?? 'ClusterIP') === 'ClusterIP') {
    problems.push({
      code: 'config/conflict',
      path: ['service', 'nodePort'],
      message: "needs service.type 'NodePort' or 'LoadBalancer'",
      hint: 'set service.type, or remove nodePort',
    });
  }
  if (s.service?.colorNodePorts !== undefined && s.blueGreen === undefined) {
    problems.push({
      code: 'config/conflict',
      path: ['service', 'colorNodePorts'],
      message: 'needs blueGreen (there is one Service per color only when the app runs blue/green)',
      hint: 'remove colorNodePorts, or run the app blue/green',
    });
  }
  if (s.rollout?.maxSurge === 0 && s.rollout.maxUnavailable === 0) {
    problems.push({
      code: 'config/conflict',
      path: ['rollout', 'maxSurge'],
      message: 'and rollout.maxUnavailable cannot be both 0 (a rollout could never start)',
      hint: 'keep maxUnavailable 0 for zero downtime and set maxSurge to 1',
    });
  }
  // the container has one port, named http (AppDeployment's), which setting `port` gives
  problems.push(...probesProblems(s.probes, ['probes'], { names: ['http'], at: ['port'], fixed: true }));
  problems.push(
    ...ingressPathProblems(
      s.ingress?.paths,
      (i) => ({ path: ['ingress', 'paths', i] }),
      (i) => `ingress.paths[${i}]`,
    ),
  );
  problems.push(...databaseProblems(s, stage, name, STACK_NAME));
  // warnings: careless units of cpu and memory
  problems.push(
    ...resourcesProblems(s.resources, ['resources']),
    ...resourcesProblems(s.database.resources, ['database', 'resources']),
    ...resourcesProblems(s.database.backup.resources, ['database', 'backup', 'resources']),
    ...replicasProblems(s, s.ingress ? 'its ingress' : ingressRouteTo(name, apps)),
  );
  const a = s.autoscaling;
  if (!a && s.replicas === undefined) {
    problems.push({
      code: 'config/missing',
      path: [],
      message: 'needs replicas (the pods the Deployment runs), or autoscaling (then the autoscaler sets the number)',
      hint: 'add `replicas: 1`, or `autoscaling: { minReplicas: 2, maxReplicas: 4 }` with resources.requests.cpu',
    });
  }
  if (a) {
    if (a.minReplicas > a.maxReplicas) {
      problems.push({
        code: 'config/conflict',
        path: ['autoscaling', 'minReplicas'],
        message: `must not be above autoscaling.maxReplicas (found ${a.minReplicas} > ${a.maxReplicas})`,
        hint: 'swap the two values',
      });
    } else if (s.replicas !== undefined && (s.replicas < a.minReplicas || s.replicas > a.maxReplicas)) {
      // the Deployments have no spec.replicas then; a replicas the stage file still says must not contradict the bounds
      problems.push({
        code: 'config/conflict',
        path: ['replicas'],
        message: `must be within autoscaling.minReplicas..maxReplicas (found ${s.replicas}, not in ${a.minReplicas}..${a.maxReplicas})`,
        hint: 'leave replicas out: with autoscaling, the autoscaler sets the number of pods (from minReplicas), and the Deployment has no spec.replicas',
      });
    }
    if (s.resources?.requests?.cpu === undefined) {
      problems.push({
        code: 'config/conflict',
        path: ['autoscaling'],
        message: 'needs resources.requests.cpu (CPU utilization is measured against the request)',
        hint: 'add resources: { requests: { cpu: 250m } }',
      });
    }
  }
  return problems;
}

/**
 * The objects an instance names after itself with something added, or after its settings: the
 * database's (`<instance>-mysql-backup`, a CronJob of at most 52 characters; `<instance>-mysql`, a
 * Service of at most 63) and, blue/green, each color's Deployment and Service.
 */
function objectNames(name: string, s: DemoappSettings, stage: string): ObjectName[] {
  const db = databaseNames(name, STACK_NAME, stage, s);
  const given = s.database.names ?? {};
  const named = (kind: string, key: keyof typeof db & keyof typeof given, data?: readonly string[]): ObjectName => ({
    kind,
    name: db[key],
    setting: ['database', 'names', key],
    given: given[key] !== undefined,
    ...(data ? { data } : {}),
  });
  const colors = s.blueGreen ? COLORS.map((c) => colorName(name, c)) : [];
  return [
    named('ReplicationController', 'controller'),
    named('Service', 'service'),
    named('PersistentVolume', 'volume', ['database', 'hostPath']),
    named('PersistentVolumeClaim', 'claim'),
    named('PersistentVolume', 'backupVolume', ['database', 'backup', 'hostPath']),
    named('PersistentVolumeClaim', 'backupClaim'),
    named('CronJob', 'backup'),
    ...colors.map((n) => ({ kind: 'Deployment', name: n })),
    ...(s.service?.colorNodePorts ? colors.map((n) => ({ kind: 'Service', name: n })) : []),
  ];
}

export const demoapp = defineStack({
  name: STACK_NAME,
  settings: demoappSettings,
  // blue/green: the newer color's release, whichever is live, so a switch changes only the Service
  version: (s) => (s.blueGreen ? blueGreenVersion(s.blueGreen) : imageVersion(s.image!)),
  release: { image: ['image'], blueGreen: ['blueGreen'], with: [['database', 'image']] },
  refine,
  objectNames,
  secrets: (name, s, stage) => [
    {
      name: databaseNames(name, STACK_NAME, stage.name, s).secret,
      keys: s.database.secret?.keys ?? DEFAULTS.secretKeys,
      path: ['database', 'secret'],
    },
    // the certificate comes from whoever issues it (kubectl create secret tls, cert-manager)
    ...(s.ingress ? [{ name: s.ingress.tlsSecret, keys: ['tls.crt', 'tls.key'], path: ['ingress', 'tlsSecret'], external: true }] : []),
  ],
  chart: (app, name, s, stage) => demoappChart(new Chart(app, name, { disableResourceNameHashes: true }), name, STACK_NAME, s, stage),
});
