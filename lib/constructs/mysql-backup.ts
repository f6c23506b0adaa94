import { Construct } from 'constructs';
import { k8s } from '../k8s.js';
import { cronScheduleProblem, timeZoneProblem } from '../model/cron.js';
import { allowPolicyException } from '../policy.js';
import type { MysqlSecretKeys } from './mysql-database.js';

export interface MysqlBackupProps {
  /** `metadata.name` of the CronJob. */
  readonly name: string;
  /** When to run, in cron syntax as the API server reads it (lib/model/cron.ts), in `timeZone`. */
  readonly schedule: string;
  /**
   * Time zone of the schedule, of the IANA database (`spec.timeZone`).
   * @default - kube-controller-manager's
   */
  readonly timeZone?: string;
  /** An image with `mysqldump`: the database's own image, so client and server versions agree. */
  readonly image: string;
  /** Host name of the database (its Service). */
  readonly host: string;
  /** The Secret with the credentials, the same the database and the app use. */
  readonly secretName: string;
  /** @default - the key names `username`, `password`, `database` */
  readonly secretKeys?: MysqlSecretKeys;
  /** The claim the dumps are written to. */
  readonly claimName: string;
  /**
   * Finished jobs kept, successful and failed each.
   * @default 3
   */
  readonly historyLimit?: number;
  /**
   * Dumps kept: older ones are removed after each complete dump.
   * @default - every dump is kept
   */
  readonly keep?: number;
  /** Requests and limits of the mysqldump container. @default - none */
  readonly resources?: k8s.ResourceRequirements;
  /** @default 'IfNotPresent' */
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

/**
 * The time in a dump's name, `date -u +%Y%m%dT%H%M%SZ` (20261205T020000Z), as a POSIX sh glob: `keep`
 * matches it exactly, since `<database>-*` would also match the dumps of another database whose name
 * starts with `<database>-` (shop-eu-<time>.sql for shop), which sort after this one's and would be
 * kept in their place, this one's newest removed.
 */
const DUMP_TIME_GLOB = `${'[0-9]'.repeat(8)}T${'[0-9]'.repeat(6)}Z`;

/**
 * The dump: to a temporary file first, renamed when mysqldump succeeded, so a failed run never
 * leaves a truncated dump that looks complete. The password reaches mysqldump through MYSQL_PWD,
 * not the command line (which `ps` shows to every process on the node). With `keep`, the dumps
 * beyond the newest `keep` are removed once the new one is complete (their names sort by time).
 */
function dumpScript(keep: number | undefined): string {
  return [
    'set -eu',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, expanded by sh in the container
    'out="/backup/${MYSQL_DATABASE}-$(date -u +%Y%m%dT%H%M%SZ).sql"',
    'mysqldump --host="$MYSQL_HOST" --user="$MYSQL_USER" --single-transaction --no-tablespaces "$MYSQL_DATABASE" > "$out.partial"',
    'mv "$out.partial" "$out"',
    'echo "wrote $out"',
    ...(keep === undefined
      ? []
      : [
          `ls -1 "/backup/$MYSQL_DATABASE"-${DUMP_TIME_GLOB}.sql | sort -r | tail -n +${keep + 1} | while IFS= read -r old; do rm -f -- "$old"; echo "removed $old"; done`,
        ]),
  ].join('\n');
}

/**
 * A CronJob that dumps one MySQL schema into a claim with `mysqldump`, with the credentials from
 * the database's Secret. Runs never overlap (`Forbid`). Runs as root without any capability: the
 * directory behind a hostPath volume belongs to root, and fsGroup does not apply to hostPath.
 */
export class MysqlBackup extends Construct {
  readonly apiObject: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: MysqlBackupProps) {
    super(scope, id);
    const scheduleProblem = cronScheduleProblem(props.schedule);
    if (scheduleProblem !== undefined) {
      throw new Error(
        `CronJob '${props.name}': 'schedule' '${props.schedule}' is not a schedule the API server reads (${scheduleProblem}): write 5 fields (minute hour day month weekday), e.g. '0 2 * * *', or a macro such as @daily`,
      );
    }
    const zoneProblem = props.timeZone === undefined ? undefined : timeZoneProblem(props.timeZone);
    if (zoneProblem !== undefined) throw new Error(`CronJob '${props.name}': 'timeZone' '${props.timeZone}' ${zoneProblem}`);
    const keys = { username: 'username', password: 'password', database: 'database', ...props.secretKeys };
    const fromSecret = (name: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: props.secretName, key } } });
    if (props.keep !== undefined && !(Number.isInteger(props.keep) && props.keep >= 1))
      throw new Error(`CronJob '${props.name}': 'keep' must be an integer of at least 1 (got ${props.keep})`);
    const limit = props.historyLimit ?? 3;
    this.apiObject = new k8s.KubeCronJob(this, 'Resource', {
      metadata: { name: props.name },
      spec: {
        schedule: props.schedule,
        timeZone: props.timeZone,
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: limit,
        failedJobsHistoryLimit: limit,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              spec: {
                restartPolicy: 'OnFailure',
                automountServiceAccountToken: false,
                containers: [
                  {
                    name: 'mysqldump',
                    image: props.image,
                    imagePullPolicy: props.imagePullPolicy ?? 'IfNotPresent',
                    command: ['/bin/sh', '-c', dumpScript(props.keep)],
                    env: [
                      { name: 'MYSQL_HOST', value: props.host },
                      fromSecret('MYSQL_USER', keys.username),
                      fromSecret('MYSQL_PWD', keys.password),
                      fromSecret('MYSQL_DATABASE', keys.database),
                    ],
                    resources: props.resources,
                    securityContext: {
                      runAsUser: 0,
                      runAsNonRoot: false,
                      allowPrivilegeEscalation: false,
                      readOnlyRootFilesystem: true,
                      capabilities: { drop: ['ALL'] },
                      seccompProfile: { type: 'RuntimeDefault' },
                    },
                    volumeMounts: [{ name: 'backup', mountPath: '/backup' }],
                  },
                ],
                volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: props.claimName } }],
              },
            },
          },
        },
      },
    });
    allowPolicyException(
      this.apiObject,
      'run-as-root',
      'writes dumps into a hostPath-backed claim, whose directory belongs to root (fsGroup does not apply to hostPath)',
    );
  }
}
