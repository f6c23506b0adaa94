/**
 * The objects of one demoapp instance. Main objects are named after the instance (`name`), the
 * database objects after `databaseNames`; nothing here looks at the stage's name except to
 * name the cluster-scoped volumes. The Deployments (one, or one per color) are in deployments.ts.
 */
import type { Chart } from 'cdk8s';
import {
  ConfigReaderAccount,
  HashedConfigMap,
  HostPathVolumeClaim,
  type k8s,
  LabelService,
  MYSQL_PORT,
  MysqlBackup,
  MysqlDatabase,
  TlsIngress,
  toResources,
} from '../../lib/constructs/index.js';
import { imageVersion, type StageContext } from '../../lib/stack.js';
import { DEFAULTS, databaseNames, type DemoappSettings } from './settings.js';
import { addAppDeployments, serviceSelector } from './deployments.js';
import { COLORS, COLOR_LABEL, colorName } from '../../lib/release.js';

/** The metrics-collector annotations of the app's pods (the prometheus.io convention most collectors read). */
export function metricsAnnotations(s: DemoappSettings, port: number): Record<string, string> {
  const m = s.metrics ?? {};
  if (m.scrape === false) return { 'prometheus.io/scrape': 'false' };
  return {
    'prometheus.io/scrape': 'true',
    'prometheus.io/path': m.path ?? DEFAULTS.metricsPath,
    'prometheus.io/port': String(m.port ?? port),
  };
}

export function demoappChart(chart: Chart, name: string, stack: string, s: DemoappSettings, stage: StageContext): Chart {
  const port = s.port ?? DEFAULTS.port;
  const db = databaseNames(name, stack, stage.name, s);
  const dbImage = s.database.image ?? DEFAULTS.databaseImage;

  const data = new HostPathVolumeClaim(chart, 'mysql-storage', {
    volumeName: db.volume,
    claimName: db.claim,
    hostPath: db.hostPath,
    size: s.database.storage,
    node: s.database.node,
  });
  const mysql = new MysqlDatabase(chart, 'mysql', {
    controllerName: db.controller,
    serviceName: db.service,
    image: dbImage,
    claimName: data.claimName,
    secretName: db.secret,
    resources: toResources(s.database.resources),
  });
  const backups = new HostPathVolumeClaim(chart, 'backup-storage', {
    volumeName: db.backupVolume,
    claimName: db.backupClaim,
    hostPath: db.backupHostPath,
    size: s.database.backup.storage,
    node: s.database.node,
  });
  new MysqlBackup(chart, 'backup', {
    name: db.backup,
    schedule: s.database.backup.schedule,
    timeZone: s.database.backup.timeZone,
    image: dbImage,
    host: mysql.serviceName,
    secretName: db.secret,
    claimName: backups.claimName,
    keep: s.database.backup.keep,
    resources: toResources(s.database.backup.resources),
  });

  // non-secret settings only: the refine step rejects credentials here
  const config = new HashedConfigMap(chart, 'config', {
    baseName: `${name}-config`,
    data: { DB_HOST: mysql.serviceName, DB_PORT: String(MYSQL_PORT), ...s.config },
  });
  const account = new ConfigReaderAccount(chart, 'account', {
    name,
    namespace: stage.namespace,
    configMaps: [config.configMap],
    automountToken: s.serviceAccount?.automountToken,
  });
  const fromSecret = (envName: string, key: string): k8s.EnvVar => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: db.secret, key } },
  });
  addAppDeployments(chart, name, s, {
    replicas: s.replicas,
    port,
    maxSurge: s.rollout?.maxSurge,
    maxUnavailable: s.rollout?.maxUnavailable,
    probes: s.probes,
    resources: toResources(s.resources),
    env: [fromSecret('DB_USER', 'username'), fromSecret('DB_PASSWORD', 'password'), fromSecret('DB_SCHEMA', 'database')],
    envFrom: [{ configMapRef: { name: config.name } }],
    podAnnotations: metricsAnnotations(s, port),
    serviceAccountName: account.name,
    automountServiceAccountToken: s.serviceAccount?.automountToken,
    imagePullPolicy: s.imagePullPolicy,
  });
  new LabelService(chart, 'service', {
    name,
    selector: serviceSelector(name, s),
    type: s.service?.type,
    ports: [{ port, targetPort: 'http', nodePort: s.service?.nodePort }],
  });
  // blue/green behind an edge load balancer: a Service per color, so the edge can check both and switch itself
  const colorPorts = s.service?.colorNodePorts;
  if (s.blueGreen && colorPorts) {
    for (const color of COLORS) {
      new LabelService(chart, `service-${color}`, {
        name: colorName(name, color),
        selector: { name, [COLOR_LABEL]: color },
        type: 'NodePort',
        ports: [{ port, targetPort: 'http', nodePort: colorPorts[color] }],
        // its color's release, as its Deployment's: a release staged on the idle color leaves the live color's Service alone
      }).apiObject.metadata.addLabel('app.kubernetes.io/version', imageVersion(s.blueGreen[color]));
    }
  }
  if (s.ingress) {
    new TlsIngress(chart, 'ingress', {
      name,
      host: s.ingress.host,
      tlsSecretName: s.ingress.tlsSecret,
      serviceName: name,
      servicePort: port,
      paths: s.ingress.paths,
      className: s.ingress.className,
    });
  }
  return chart;
}
