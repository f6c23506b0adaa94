/**
 * The refine step's problems of demoapp's `database:` settings that the schema cannot say: one
 * MySQL server, a backup schedule the API server reads, directories apart, and a node to hold them
 * on a stage of several nodes. Pure.
 */
import type { SettingsProblem, StageContext } from '../../lib/stack.js';
import { scheduleProblems } from '../cron/schedule.js';
import { databaseNames, type DemoappSettings } from './settings.js';

/** The database's problems, for instance `name` of `stack` (whose names `databaseNames` gives). */
export function databaseProblems(s: DemoappSettings, stage: StageContext, name: string, stack: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (s.database.replicas !== undefined && s.database.replicas > 1) {
    problems.push({
      code: 'config/conflict',
      path: ['database', 'replicas'],
      message: `must be 1 (found ${s.database.replicas}): MySQL runs as one mysqld on one data directory; a second would start on the same files, which InnoDB locks, or on another node on an empty directory, a second database behind the same Service`,
      hint: 'leave it at 1; for more capacity give MySQL more resources (database.resources), or run a replicated MySQL (an operator, through a manifests app) and point the app at it',
    });
  }
  problems.push(
    ...scheduleProblems(s.database.backup, ['database', 'backup']),
    ...sharedDirectoryProblems(s, stage, name, stack),
    ...databaseNodeProblems(s, stage, name, stack),
  );
  return problems;
}

/** A directory as written in a hostPath, without repeated or trailing `/`. */
const directory = (path: string) => path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
/** Whether directory `a` is `b` or holds it. */
const holds = (a: string, b: string) => a === b || b.startsWith(a === '/' ? a : `${a}/`);

/**
 * The backups in MySQL's data directory, or the data in the backups' (the same node directory, or
 * one inside the other): mysqld takes every directory in its data directory for a database and will
 * not initialize one that holds files. Kubernetes takes it, since it never looks inside a hostPath.
 * Said at the hostPath the stage file gives (the backups' when it gives both).
 */
function sharedDirectoryProblems(s: DemoappSettings, stage: StageContext, name: string, stack: string): SettingsProblem[] {
  const db = databaseNames(name, stack, stage.name, s);
  const data = { dir: directory(db.hostPath), what: "MySQL's data directory", setting: ['database', 'hostPath'] };
  const backups = { dir: directory(db.backupHostPath), what: "the backups' directory", setting: ['database', 'backup', 'hostPath'] };
  const [self, other] = s.database.backup.hostPath === undefined ? [data, backups] : [backups, data];
  if (!holds(self.dir, other.dir) && !holds(other.dir, self.dir)) return [];
  const same = self.dir === other.dir;
  const where = same ? '' : holds(other.dir, self.dir) ? ' inside' : ' which holds';
  return [
    {
      code: 'config/conflict',
      path: self.setting,
      message: `is ${self.dir},${where} ${other.what}${same ? '' : ` ${other.dir}`} (${other.setting.join('.')}): mysqld takes every directory in its data directory for a database, and will not initialize one that holds files`,
      hint: 'give database.hostPath and database.backup.hostPath directories apart, neither inside the other (by default /data/volumes/mysql-<stage> and /data/volumes/mysql-backup-<stage>)',
    },
  ];
}

/**
 * The node of the database's directories: one the stage names, when it names its nodes; and, on a
 * stage of several nodes, one at all, since a hostPath is a directory of whichever node the pod
 * lands on: MySQL moved to another node starts on that node's directory, empty, with a new database.
 */
function databaseNodeProblems(s: DemoappSettings, stage: StageContext, name: string, stack: string): SettingsProblem[] {
  const nodes = stage.nodes.map((n) => n.name);
  if (s.database.node !== undefined) {
    return nodes.length === 0 || nodes.includes(s.database.node)
      ? []
      : [
          {
            code: 'config/unknown-node',
            path: ['database', 'node'],
            message: `names no node of the stage (found '${s.database.node}')`,
            hint: `the stage's nodes are: ${nodes.join(', ')}`,
          },
        ];
  }
  if (nodes.length < 2) return [];
  return [
    {
      code: 'config/missing',
      severity: 'warning',
      path: ['database'],
      message: `has no node, and the stage has ${nodes.length} (${nodes.join(', ')}): MySQL's data and the backups are in hostPath directories of whichever node their pods land on, so MySQL moved to another node starts there on an empty directory, with a new, empty database`,
      hint: `add database.node: the node that holds the data (kubectl get pods -n ${stage.namespace} -l name=${databaseNames(name, stack, stage.name, s).service} -o wide shows where MySQL runs now); its volumes are pinned to it`,
    },
  ];
}
