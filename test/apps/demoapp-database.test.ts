import { describe, expect, it } from 'vitest';
import { repoStage } from '../helpers/cli.js';
import { problems, render, warnings } from '../helpers/stage.js';

const FILE = 'environments/onprem.yaml';
/** onprem's stage file (three nodes) with `node` lines after its database's storage. */
const onprem = (node = '') => repoStage('onprem').replace('      storage: 10Gi\n', `      storage: 10Gi\n${node}`);
const pinned = (objects: ReturnType<typeof render>) =>
  Object.fromEntries(
    objects
      .filter((o) => o.kind === 'PersistentVolume')
      .map((o) => [o.metadata.name, o.spec.nodeAffinity?.required.nodeSelectorTerms[0].matchExpressions[0].values]),
  );

describe("the node of demoapp's database", () => {
  it('pins the data volume and the backup volume to it, so that MySQL and the backup job run where their directories are', () => {
    expect(pinned(render(onprem('      node: node2\n'), FILE))).toEqual({
      'mysqlbackup-onprem': ['node2'],
      'mysqlvolume-onprem': ['node2'],
    });
    const affinity = render(onprem('      node: node2\n'), FILE).find((o) => o.kind === 'PersistentVolume')!.spec.nodeAffinity;
    expect(affinity).toEqual({
      required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node2'] }] }] },
    });
  });

  it('is refused when the stage names its nodes and not this one', () => {
    expect(problems(onprem('      node: node4\n'), FILE)).toEqual([
      "environments/onprem.yaml:42:13: apps.demoapp.database.node names no node of the stage (found 'node4')\n" +
        "  hint: the stage's nodes are: node1, node2, node3",
    ]);
  });

  it('is asked for on a stage of several nodes, where MySQL moved to another node would start on an empty directory', () => {
    const text = onprem();
    expect(pinned(render(text, FILE))).toEqual({ 'mysqlbackup-onprem': undefined, 'mysqlvolume-onprem': undefined });
    expect(warnings(text, FILE)).toEqual([
      "environments/onprem.yaml:40:7: warning: apps.demoapp.database has no node, and the stage has 3 (node1, node2, node3): MySQL's data and the backups are in hostPath directories of whichever node their pods land on, so MySQL moved to another node starts there on an empty directory, with a new, empty database\n" +
        '  hint: add database.node: the node that holds the data (kubectl get pods -n onprem -l name=mysql -o wide shows where MySQL runs now); its volumes are pinned to it',
    ]);
  });

  it('is not asked for on a stage that names no nodes or one', () => {
    expect(warnings(repoStage('qa'), 'environments/qa.yaml')).toEqual([]);
    expect(pinned(render(repoStage('qa'), 'environments/qa.yaml'))).toEqual({ 'mysqlbackup-qa': undefined, 'mysqlvolume-qa': undefined });
  });
});

describe("the number of demoapp's MySQL servers", () => {
  it('is refused above 1, with why and what to do instead, where a second replica is asked for', () => {
    const text = repoStage('qa').replace('      storage: 2Gi\n', '      storage: 2Gi\n      replicas: 2\n');
    expect(problems(text, 'environments/qa.yaml')).toEqual([
      'environments/qa.yaml:25:17: apps.demoapp.database.replicas must be 1 (found 2): MySQL runs as one mysqld on one data directory; a second would start on the same files, which InnoDB locks, or on another node on an empty directory, a second database behind the same Service\n' +
        '  hint: leave it at 1; for more capacity give MySQL more resources (database.resources), or run a replicated MySQL (an operator, through a manifests app) and point the app at it',
    ]);
    expect(problems(text.replace('      replicas: 2\n', '      replicas: 1\n'), 'environments/qa.yaml')).toEqual([]);
  });
});
