/**
 * The settings of the demoapp stack under `apps.<name>` in a stage file: everything that differs
 * between stages. Defaults live here, once (`DEFAULTS`, `databaseNames`).
 */
import {
  ConfigKey,
  Count,
  HOST_PATH_PATTERN,
  ImageRef,
  Mapping,
  NodeName,
  IngressHost,
  PortNumber,
  Settings,
  StringEnum,
  SecretName,
  SubdomainName,
  Type,
  type Static,
} from '../../lib/config/types.js';
import { BlueGreen, ColorNodePorts } from '../../lib/release.js';
import { Schedule, TimeZone } from '../cron/schedule.js';
import { IngressPaths } from '../service/ingress-storage-settings.js';
import { Autoscaling, ImagePullPolicy, Name, Probe, Resources, Size } from '../../lib/config/workload.js';

/** Secret key names: what `kubectl create secret` accepts. */
const SecretKey = ConfigKey('a Secret key');

export const SECRET_KEYS_NEEDED = ['username', 'password', 'database'] as const;

/**
 * The database Secret, by reference. Open to other keys only so that a value written here can be
 * rejected with a message saying where secret values go (see `refine`), instead of "unknown setting".
 */
const SecretRef = Type.Object(
  {
    name: Type.Optional(Name('Name of the Secret. @default mysqlsecret (<instance>-mysqlsecret for another instance)')),
    keys: Type.Optional(
      Type.Array(SecretKey, {
        uniqueItems: true,
        description:
          'The keys the Secret holds (never their values): username, password and database are read. @default [username, password, database]',
      }),
    ),
  },
  {
    additionalProperties: true,
    description:
      'The Secret with the database credentials, declared by name and keys. Its values never go in a stage file: `npm run secrets -- <stage>` prints it from .secrets/<stage>.env or the environment.',
  },
);

export const demoappSettings = Settings({
  image: Type.Optional(
    ImageRef({
      description:
        'The app image with its release tag, e.g. demoapp:1; the tag is the app version. Set this (rolling updates in place) or blueGreen. @default - none: then blueGreen',
    }),
  ),
  blueGreen: Type.Optional(
    BlueGreen(
      'Run the app blue/green instead of rolling in place: Deployments <name>-blue and <name>-green, each with its own image, and the Service on the live color (`npm run switch` flips it). Set this or image. @default - none: one Deployment, rolling updates',
    ),
  ),
  replicas: Type.Optional(
    Count(0, {
      description:
        "Pods the Deployment runs (each color's, blue/green). With autoscaling the autoscaler sets the number and the Deployments have no spec.replicas, so leave it out (given, it must be within minReplicas..maxReplicas). @default - none: needed unless autoscaling",
    }),
  ),
  port: Type.Optional(PortNumber({ description: 'Port the app listens on; the Service port too. @default 8080' })),
  imagePullPolicy: ImagePullPolicy('When the node pulls the app image: IfNotPresent suits release tags. @default IfNotPresent'),
  rollout: Type.Optional(
    Settings(
      {
        maxSurge: Type.Optional(Count(0, { description: 'Extra pods during a rollout. @default 1' })),
        maxUnavailable: Type.Optional(Count(0, { description: 'Pods that may be missing during a rollout. @default 0 (zero downtime)' })),
      },
      { description: 'The RollingUpdate strategy. @default - maxSurge 1, maxUnavailable 0' },
    ),
  ),
  probes: Type.Optional(
    Settings(
      {
        liveness: Probe('Restarts the app when it fails. @default - none'),
        readiness: Probe('Takes the pod out of the Service while it fails; rollouts wait for it. @default - none'),
        startup: Probe('Holds liveness back while the app starts. @default - none'),
      },
      { description: 'Health checks. @default - none' },
    ),
  ),
  resources: Resources('the app container'),
  metrics: Type.Optional(
    Settings(
      {
        scrape: Type.Optional(Type.Boolean({ description: 'Whether collectors should scrape the pods. @default true' })),
        path: Type.Optional(
          Type.String({ pattern: '^/', expected: "a path starting with '/'", description: 'Path of the metrics. @default /metrics' }),
        ),
        port: Type.Optional(PortNumber({ description: "Port of the metrics. @default - the app's port" })),
      },
      { description: 'Where a metrics collector finds the pods (prometheus.io/* annotations). @default - scrape /metrics on the app port' },
    ),
  ),
  service: Type.Optional(
    Settings(
      {
        type: Type.Optional(
          StringEnum(['ClusterIP', 'NodePort', 'LoadBalancer'], {
            description:
              'ClusterIP: inside the cluster only; NodePort or LoadBalancer: also from outside (both keep the cluster IP). @default ClusterIP',
          }),
        ),
        nodePort: Type.Optional(
          Type.Integer({
            minimum: 30000,
            maximum: 32767,
            description: 'Fixed node port (NodePort, LoadBalancer). @default - chosen by the API server',
          }),
        ),
        colorNodePorts: Type.Optional(
          ColorNodePorts(
            'Blue/green only: a NodePort Service per color (<name>-blue, <name>-green), for an edge load balancer that switches colors itself (edge: in the stage file); the Service <name> still selects the live color. @default - none',
          ),
        ),
      },
      { description: 'The Service in front of the app. @default - ClusterIP' },
    ),
  ),
  ingress: Type.Optional(
    Settings(
      {
        host: IngressHost('a host name such as demoapp.example.com', { dotted: true }, { description: 'Host name of the app.' }),
        tlsSecret: SecretName({
          description: 'The TLS Secret (certificate and key) for the host, by name; the ingress terminates TLS.',
        }),
        paths: IngressPaths('Path prefixes routed to the app. @default [/]'),
        className: Type.Optional(SubdomainName('an IngressClass name', { description: 'IngressClass. @default - the cluster default' })),
      },
      { description: 'An Ingress with TLS for the app. @default - none' },
    ),
  ),
  config: Type.Optional(
    Mapping(ConfigKey('a name'), Type.String(), {
      description:
        'Non-secret configuration, given to the app as environment variables through the ConfigMap <name>-config-<hash>. @default - only DB_HOST and DB_PORT',
    }),
  ),
  autoscaling: Autoscaling('A HorizontalPodAutoscaler on CPU. @default - none (fixed replicas)'),
  serviceAccount: Type.Optional(
    Settings(
      {
        automountToken: Type.Optional(Type.Boolean({ description: 'Give the pods an API token. @default false' })),
      },
      { description: "The app's ServiceAccount. @default - no token" },
    ),
  ),
  database: Settings(
    {
      image: Type.Optional(ImageRef({ description: 'The mysql image with its version. @default mysql:8.0' })),
      storage: Size('Size of the data volume and its claim, e.g. 2Gi.'),
      hostPath: Type.Optional(
        Type.String({
          pattern: HOST_PATH_PATTERN,
          expected: "an absolute path without '..'",
          description: 'Node directory of the data volume. @default /data/volumes/mysql-<stage>',
        }),
      ),
      replicas: Type.Optional(
        Count(1, {
          description:
            'MySQL servers: 1, the only number there is (one mysqld per data directory; a second would start on the same files, or on another node on an empty directory behind the same Service). @default 1',
        }),
      ),
      node: Type.Optional(
        NodeName({
          description:
            "The node whose directories (hostPath) hold the data and the backups: both volumes are pinned to it, and so are MySQL and the backup job. @default - none: any node, which suits a one-node cluster only (on another node MySQL finds that node's directory, empty)",
        }),
      ),
      resources: Resources('the mysql container'),
      secret: Type.Optional(SecretRef),
      names: Type.Optional(
        Settings(
          {
            controller: Type.Optional(Name('ReplicationController. @default mysql-1')),
            service: Type.Optional(Name('Service, the host name the app uses. @default mysql')),
            volume: Type.Optional(Name('PersistentVolume (cluster-wide). @default mysqlvolume-<stage>')),
            claim: Type.Optional(Name('PersistentVolumeClaim. @default mysql')),
            backupVolume: Type.Optional(Name('PersistentVolume of the backups (cluster-wide). @default mysqlbackup-<stage>')),
            backupClaim: Type.Optional(Name('PersistentVolumeClaim of the backups. @default mysql-backup')),
            backup: Type.Optional(Name('CronJob, of at most 52 characters (its Jobs add 11). @default mysql-backup')),
          },
          {
            description:
              "Names of the database objects, so several instances can share a stage. @default - the spec's names; for an instance not named demoapp, prefixed with '<instance>-'",
          },
        ),
      ),
      backup: Settings(
        {
          schedule: Schedule(
            'When mysqldump runs, as the API server reads it: five fields, e.g. "0 2 * * *", or a macro such as @daily; in timeZone.',
          ),
          timeZone: TimeZone(
            "Time zone of the schedule, of the IANA database, e.g. Europe/Berlin or Etc/UTC. @default - kube-controller-manager's",
          ),
          storage: Size('Size of the backup volume and its claim.'),
          keep: Type.Optional(
            Count(1, {
              description:
                'Dumps kept: each run removes those beyond the newest keep once its own is complete. @default - every dump is kept',
            }),
          ),
          resources: Resources('the mysqldump container'),
          hostPath: Type.Optional(
            Type.String({
              pattern: HOST_PATH_PATTERN,
              expected: "an absolute path without '..'",
              description: 'Node directory of the backups. @default /data/volumes/mysql-backup-<stage>',
            }),
          ),
        },
        { description: 'The nightly mysqldump (CronJob) and where it writes.' },
      ),
    },
    { description: 'MySQL: a ReplicationController on a PersistentVolume of the stage, its Service, and backups.' },
  ),
});

export type DemoappSettings = Static<typeof demoappSettings>;

export const DEFAULTS = {
  port: 8080,
  databaseImage: 'mysql:8.0',
  secretName: 'mysqlsecret',
  secretKeys: [...SECRET_KEYS_NEEDED] as string[],
  metricsPath: '/metrics',
};

/** The names of the database objects of an instance: the settings, else the spec's names (prefixed for other instances). */
export function databaseNames(instance: string, stack: string, stage: string, s: DemoappSettings) {
  const own = instance === stack ? '' : `${instance}-`;
  const n = s.database.names ?? {};
  return {
    controller: n.controller ?? `${own}mysql-1`,
    service: n.service ?? `${own}mysql`,
    volume: n.volume ?? `${own}mysqlvolume-${stage}`,
    claim: n.claim ?? `${own}mysql`,
    backupVolume: n.backupVolume ?? `${own}mysqlbackup-${stage}`,
    backupClaim: n.backupClaim ?? `${own}mysql-backup`,
    backup: n.backup ?? `${own}mysql-backup`,
    secret: s.database.secret?.name ?? `${own}${DEFAULTS.secretName}`,
    hostPath: s.database.hostPath ?? `/data/volumes/${own}mysql-${stage}`,
    backupHostPath: s.database.backup.hostPath ?? `/data/volumes/${own}mysql-backup-${stage}`,
  };
}
