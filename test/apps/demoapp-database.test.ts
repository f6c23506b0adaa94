import { describe, expect, it } from 'vitest';
import { compileStage } from '../../lib/compile-stage.js';
import { formatProblem } from '../../lib/errors.js';
import { textTree } from '../../lib/synth/file-content.js';
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

/** The warnings about the output (output/*) that compiling `after` as onprem gives over the output of `before`, as the CLI prints them. */
function overOutput(before: string, after: string): string[] {
  const first = compileStage({ stage: 'onprem', file: FILE, text: before }, {});
  expect(first.problems).toEqual([]);
  const dist = textTree(first.files!);
  const next = compileStage({ stage: 'onprem', file: FILE, text: after, readOutput: (f) => dist.get(f) }, {});
  expect(next.problems).toEqual([]);
  return (next.notices ?? []).filter((p) => p.code.startsWith('output/')).map(formatProblem);
}

describe("a node given to or changed in demoapp's database", () => {
  it("warns, at database.node, when the volumes are first pinned: MySQL's next pod starts on that node, whose directory is empty unless MySQL runs there", () => {
    const warned = overOutput(onprem(), onprem('      node: node2\n'));
    expect(warned).toHaveLength(2);
    expect(warned[1]).toBe(
      'environments/onprem.yaml:42:13: warning: PersistentVolume mysqlvolume-onprem: spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0] changes from (none) to node2, ' +
        'which the API server takes (a PersistentVolume that had no nodeAffinity may be given one), but the data is the directory /data/volumes/mysql-onprem of whichever node its pods ran on, and they now run on node2 only: ' +
        "if they run on another node today, the next one starts on node2's directory, empty, and the data stays behind\n" +
        "  hint: first see which node they run on: kubectl get pods -o wide -n onprem -l 'name=mysql' (ReplicationController onprem/mysql-1's); " +
        'if it is not node2, name that node instead, or copy /data/volumes/mysql-onprem from it to the same path on node2 before the pod is made again',
    );
    // the backups: those written on other nodes stay there
    expect(warned[0]).toContain('PersistentVolume mysqlbackup-onprem: spec.nodeAffinity');
    expect(warned[0]).toContain(
      'the data is the directory /data/volumes/mysql-backup-onprem of whichever node its pods ran on, and they now run on node2 only',
    );
    // pinned already: nothing more to say
    expect(overOutput(onprem('      node: node2\n'), onprem('      node: node2\n'))).toEqual([]);
  });

  it("says, for a node changed, that the data stays on the old node's directory and to copy it to the new one's, not that it goes with the volume", () => {
    const warned = overOutput(onprem('      node: node2\n'), onprem('      node: node1\n'));
    expect(warned).toHaveLength(2);
    expect(warned[1]).toBe(
      'environments/onprem.yaml:42:13: warning: PersistentVolume mysqlvolume-onprem: spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0] changes from node2 to node1, ' +
        "which the API server refuses (a PersistentVolume's nodeAffinity cannot change once it is set): kubectl apply fails on it\n" +
        '  hint: set apps.demoapp.database.node back to node2; or, to move the data: stop the pods that use the volume, copy /data/volumes/mysql-onprem from node2 to the same path on node1, ' +
        'delete the volume and its claim (kubectl delete persistentvolumeclaim mysql -n onprem, then kubectl delete persistentvolume mysqlvolume-onprem; the directory stays on node2) and apply again: ' +
        'without the copy, the volume made again starts on an empty directory on node1',
    );
    expect(warned.join('\n')).not.toContain('its data goes with it');
    // unpinned: refused alike, the data still on node2
    const unpinned = overOutput(onprem('      node: node2\n'), onprem());
    expect(unpinned[1]).toContain(
      '  hint: keep the old value; or, to unpin it: stop the pods that use the volume, delete the volume and its claim (kubectl delete persistentvolumeclaim mysql -n onprem, then kubectl delete persistentvolume mysqlvolume-onprem; the directory stays on node2) and apply again: ' +
        'its pods then start on the directory of whichever node they land on, which is empty on any node but node2',
    );
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
