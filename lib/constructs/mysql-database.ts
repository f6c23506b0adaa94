import { Construct } from 'constructs';
import type { k8s } from '../k8s.js';
import { allowPolicyException } from '../policy.js';
import { ReplicationController } from './replication-controller.js';
import { LabelService } from './label-service.js';

export const MYSQL_PORT = 3306;
const PING = ['mysqladmin', 'ping', '-h', '127.0.0.1'];

/** The keys of the database Secret, by what they hold. */
export interface MysqlSecretKeys {
  /** @default 'username' */
  readonly username?: string;
  /** @default 'password' */
  readonly password?: string;
  /** @default 'database' */
  readonly database?: string;
}

export interface MysqlDatabaseProps {
  /** `metadata.name` of the ReplicationController (the articles' `mysql-1`). */
  readonly controllerName: string;
  /** `metadata.name` of the Service, and the host name apps use; also the pods' `name` label. */
  readonly serviceName: string;
  /** The mysql image, with its version tag. */
  readonly image: string;
  /** The claim that holds `/var/lib/mysql`. */
  readonly claimName: string;
  /** The Secret that holds the app's credentials and schema (never written by the stack). */
  readonly secretName: string;
  /** @default - the key names `username`, `password`, `database` */
  readonly secretKeys?: MysqlSecretKeys;
  /** @default - none */
  readonly resources?: k8s.ResourceRequirements;
  /**
   * A pinned version tag is never rebuilt, so the node's copy is good.
   * @default 'IfNotPresent'
   */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * The container security context mysql can start with. Its entrypoint runs as root to chown the
 * data directory and then switches to the `mysql` user (gosu), so: root, the capabilities for
 * exactly that (all others dropped), a writable root filesystem (`/var/run/mysqld`, `/tmp`), but no
 * privilege escalation and the RuntimeDefault seccomp profile. This meets Pod Security "baseline";
 * the "restricted" controls it breaks are declared as policy exceptions on the controller.
 */
export const MYSQL_CONTAINER: k8s.SecurityContext = {
  runAsNonRoot: false,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: false,
  capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Section E's database: a ReplicationController (1 replica, selector `name: <service>`) running
 * mysql on a claim, and the internal Service apps reach it by (`mysql`, which also gives their
 * pods `MYSQL_SERVICE_HOST`/`_PORT`). The credentials come from a Secret by reference: mysql
 * creates the app's user and schema from them on first start, with a random root password.
 */
export class MysqlDatabase extends Construct {
  readonly controller: ReplicationController;
  readonly service: LabelService;
  readonly serviceName: string;
  readonly selector: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: MysqlDatabaseProps) {
    super(scope, id);
    const keys = { username: 'username', password: 'password', database: 'database', ...props.secretKeys };
    const fromSecret = (envName: string, key: string): k8s.EnvVar => ({
      name: envName,
      valueFrom: { secretKeyRef: { name: props.secretName, key } },
    });
    this.serviceName = props.serviceName;
    this.selector = { name: props.serviceName };
    this.controller = new ReplicationController(this, 'Controller', {
      name: props.controllerName,
      replicas: 1, // one mysqld per data directory: a second replica would corrupt it
      selector: this.selector,
      podSpec: {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'mysql',
            image: props.image,
            imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
            ports: [{ name: 'mysql', containerPort: MYSQL_PORT, protocol: 'TCP' }],
            env: [
              // 'true', not 'yes': YAML 1.1 parsers (kubectl's) would read an unquoted yes as a boolean
              { name: 'MYSQL_RANDOM_ROOT_PASSWORD', value: 'true' },
              fromSecret('MYSQL_USER', keys.username),
              fromSecret('MYSQL_PASSWORD', keys.password),
              fromSecret('MYSQL_DATABASE', keys.database),
            ],
            // `mysqladmin ping` succeeds whenever mysqld answers over TCP, even without credentials; the
            // first start initializes the data directory with networking off, which the startup probe
            // waits out (up to 5 minutes) before liveness may restart the container
            startupProbe: { exec: { command: PING }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
            livenessProbe: { exec: { command: PING }, periodSeconds: 10, timeoutSeconds: 5 },
            readinessProbe: { exec: { command: PING }, periodSeconds: 5, timeoutSeconds: 2 },
            resources: props.resources,
            securityContext: MYSQL_CONTAINER,
            volumeMounts: [{ name: 'data', mountPath: '/var/lib/mysql' }],
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: props.claimName } }],
      },
    });
    const rc = this.controller.apiObject;
    allowPolicyException(
      rc,
      'run-as-root',
      "the mysql image's entrypoint starts as root to chown /var/lib/mysql, then runs mysqld as the mysql user",
    );
    // CHOWN, DAC_OVERRIDE, FOWNER, SETGID and SETUID (added back above) are all in the baseline's
    // allowed set, so no 'capabilities' exception: declaring one would excuse nothing
    this.service = new LabelService(this, 'Service', {
      name: props.serviceName,
      selector: this.selector,
      ports: [{ port: MYSQL_PORT, targetPort: 'mysql' }],
    });
  }
}
