import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../lib/synth/inventory.js';
import { chartFileName } from '../../lib/synth/output.js';
import { NAMESPACE_CHART } from '../../lib/synth/rendered.js';
import { REPO, fixtureProject, repoStage, runCli, tempProject } from '../helpers/cli.js';
import { removedDeletion } from '../../lib/cli/removed-stage.js';

/** The kinds of an inventory's objects as `kubectl delete` takes them (`daemonset.apps`, `namespace`). */
/** Gives the fixture's mink8s stage a manifests app making ingress-nginx's Namespace and a ConfigMap in `namespace`; returns the stage file. */
function withIngressApp(dir: string, namespace: string): string {
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(
    join(dir, 'manifests', 'ingress.yaml'),
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ingress-nginx\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: controller\n  namespace: ${namespace}\ndata:\n  a: b\n`,
  );
  const stage = join(dir, 'environments', 'mink8s.yaml');
  writeFileSync(
    stage,
    readFileSync(stage, 'utf8').replace(
      /^apps:\n/m,
      'apps:\n  edge-controller:\n    stack: manifests\n    include: [manifests/ingress.yaml]\n',
    ),
  );
  return stage;
}

function resources(inventory: string): string[] {
  return [...parseInventory(inventory).keys()].map((k) => {
    const [apiVersion, kind] = k.split(' ');
    return apiVersion.includes('/') ? `${kind.toLowerCase()}.${apiVersion.split('/')[0]}` : kind.toLowerCase();
  });
}

describe('a stage whose file is removed', () => {
  it("leaves its objects in its cluster: synth's removal line and diff -- <stage> give the command that deletes them, and diff shows each leaving", () => {
    const dir = fixtureProject(['lab', 'dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const inventory = readFileSync(join(dir, 'dist', 'lab', 'inventory.txt'), 'utf8');
    const objects = [...parseInventory(inventory).keys()];
    rmSync(join(dir, 'environments', 'lab.yaml'));

    const diff = runCli('diff', ['lab'], dir);
    expect(diff).toMatchObject({ code: 0, stderr: '' });
    const lines = diff.stdout.trimEnd().split('\n');
    const leaving = lines.filter((l) => l.startsWith('only in dist/lab: '));
    expect(leaving).toHaveLength(objects.length);
    expect(leaving).toContain('only in dist/lab: DaemonSet kube-system/kube-flannel-ds');
    expect(leaving).toContain('only in dist/lab: ClusterRole flannel');
    const command = /its objects stay in its cluster until deleted: (kubectl delete .*)$/m.exec(diff.stdout)?.[1];
    expect(command).toBeDefined();
    // the kinds it held in its namespace, and its Namespace last, selected by the stage's labels there
    const own = objects.filter((k) => k.includes(' lab/') || k === 'v1 Namespace lab');
    const [, kinds, ...rest] = command!.split(' ').slice(1);
    expect(new Set(kinds.split(','))).toEqual(
      new Set(
        resources(
          own
            .map((k) => `sha256:0 ${k}`)
            .join('\n')
            .replace(/^/, 'objects: 3\n'),
        ),
      ),
    );
    expect(kinds.split(',').at(-1)).toBe('namespace');
    expect(rest).toEqual(['-n', 'lab', '-l', 'stagecraft.dev/stage=lab,app.kubernetes.io/managed-by=stagecraft']);
    // not the cluster's network (flannel in kube-system) nor its ClusterRoles: named under it, with their own commands
    const selector = '-l stagecraft.dev/stage=lab,app.kubernetes.io/managed-by=stagecraft';
    const outside =
      "it leaves out what the stage holds outside namespace lab, which the rest of the cluster may run on (other stages' objects, the cluster's own): " +
      'DaemonSet kube-system/kube-flannel-ds (on every node, as a network plugin or a node agent runs: pods of every namespace may need it), ClusterRole flannel, ClusterRoleBinding flannel, ConfigMap kube-system/kube-flannel-cfg and ServiceAccount kube-system/flannel; ' +
      `once nothing uses them, delete them with: kubectl delete daemonset.apps,configmap,serviceaccount -n kube-system ${selector} && kubectl delete clusterrolebinding.rbac.authorization.k8s.io,clusterrole.rbac.authorization.k8s.io ${selector}`;
    expect(lines.filter((l) => l.startsWith('it leaves out'))).toEqual([outside]);
    expect(readFileSync(join(dir, 'dist', 'lab', 'inventory.txt'), 'utf8')).toBe(inventory);
    // synth of that stage alone cannot remove it: it says what does
    const one = runCli('synth', ['lab'], dir);
    expect(one.code).toBe(2);
    expect(one.stderr.split('\n').slice(0, 2)).toEqual([
      "error: there is no stage 'lab' (no environments/lab.yaml)",
      '  hint: dist/lab/ is what is left of it: npm run diff -- lab shows its objects leaving and the command that deletes them from its cluster; npm run synth removes dist/lab/ (the stages are: dev)',
    ]);

    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain(
      `lab: removed dist/lab/ (there is no environments/lab.yaml)\n  its objects stay in its cluster; delete them with: ${command}\n  ${outside}\n`,
    );
    // gone from dist/: nothing to say any more
    expect(runCli('diff', ['lab'], dir)).toMatchObject({ code: 2 });
  });

  it('named with another stage (diff -- lab qa) or alone to synth, is said removed, not guessed another stage misspelt', () => {
    const dir = fixtureProject(['lab', 'dev', 'qa', 'test']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    for (const [command, args] of [
      ['diff', ['lab', 'qa']],
      ['synth', ['lab']],
    ] as const) {
      const r = runCli(command, args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').slice(0, 2)).toEqual([
        "error: there is no stage 'lab' (no environments/lab.yaml)",
        '  hint: dist/lab/ is what is left of it: npm run diff -- lab shows its objects leaving and the command that deletes them from its cluster; npm run synth removes dist/lab/ (the stages are: dev, qa, test)',
      ]);
    }
    // a name that never was a stage still gets its guess
    expect(runCli('diff', ['qb'], dir).stderr).toContain("there is no stage 'qb' (no environments/qb.yaml); did you mean 'qa'?");
  });

  it('holding claims and volumes: the line under the command says that it deletes their data, and the namespace with what dist/ never held', () => {
    const dir = tempProject({ data: readFileSync(join(REPO, 'test/fixtures/stages/data-volumes.yaml'), 'utf8') });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'data.yaml'));
      const data =
        'that deletes data too: the claims data/mysql, data/mysql-backup (their volumes are released, or deleted with their data, as their reclaim policy says); ' +
        'the PersistentVolumes mysqlbackup-data, mysqlvolume-data; with namespace data, everything in it, also the Secrets demoapp-tls, mysqlsecret (values in no commit); ' +
        'copy what is to be kept first (a stage renamed starts on new, empty claims)\n';
      const diff = runCli('diff', ['data'], dir).stdout.split('\n');
      expect(diff.at(-3)).toMatch(/^npm run synth removes dist\/data\/; its objects stay in its cluster until deleted: kubectl delete /);
      expect(`${diff.at(-2)}\n`).toBe(data);
      const synth = runCli('synth', [], dir);
      expect(synth.code).toBe(0);
      const lines = synth.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith('  its objects stay in its cluster; delete them with: kubectl delete '));
      expect(`${lines[at + 1]}\n`).toBe(`  ${data}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the data line of a hand-edited inventory.txt as text: a claim named with ESC and CR there is escaped', () => {
    const dir = tempProject({ data: readFileSync(join(REPO, 'test/fixtures/stages/data-volumes.yaml'), 'utf8') });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      const inventory = join(dir, 'dist', 'data', 'inventory.txt');
      writeFileSync(
        inventory,
        readFileSync(inventory, 'utf8').replace(
          'PersistentVolumeClaim data/mysql-backup\n',
          'PersistentVolumeClaim data/mysql\x1b[2J\rbackup\n',
        ),
      );
      rmSync(join(dir, 'environments', 'data.yaml'));
      const out = runCli('synth', [], dir).stdout;
      expect(out).toContain('that deletes data too: the claims data/mysql, data/mysql\\x1b[2J\\rbackup (their volumes');
      expect(out).not.toContain('\x1b');
      expect(out).not.toContain('\r');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding no claim but a namespace with required Secrets and StatefulSets' claims: the line names them, read from its output before it goes", () => {
    const objects = readFileSync(join(REPO, 'test/fixtures/manifests/immutable/objects.yaml'), 'utf8')
      .split('\n---\n')
      .filter((d) => /^kind: (StatefulSet|Service)$/m.test(d))
      .join('\n---\n')
      .replace(
        '          readinessProbe: { tcpSocket: { port: 5432 } }\n',
        '          readinessProbe: { tcpSocket: { port: 5432 } }\n' +
          '          volumeMounts: [{ name: data, mountPath: /var/lib/postgresql/data }]\n' +
          '  volumeClaimTemplates: [{ metadata: { name: data }, spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } } }]\n',
      );
    const stage = `${readFileSync(join(REPO, 'test/fixtures/stages/day-two.yaml'), 'utf8')}  db:\n    stack: manifests\n    include: [objects/db.yaml]\n`;
    const dir = tempProject({ team: stage });
    try {
      mkdirSync(join(dir, 'objects'));
      writeFileSync(join(dir, 'objects', 'db.yaml'), objects);
      expect(runCli('synth', [], dir).code).toBe(0);
      const kinds = [...parseInventory(readFileSync(join(dir, 'dist', 'team', 'inventory.txt'), 'utf8')).keys()].map(
        (k) => k.split(' ')[1],
      );
      expect(kinds).toContain('Namespace');
      expect(kinds).not.toContain('PersistentVolumeClaim');
      rmSync(join(dir, 'environments', 'team.yaml'));
      const data =
        'that deletes data too: with namespace team, everything in it, also the Secret api-db (values in no commit) and the claims its StatefulSets made (data-db-*); ' +
        'copy what is to be kept first (a stage renamed starts on new, empty claims)';
      expect(runCli('diff', ['team'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(data);
      expect(runCli('synth', [], dir).stdout).toMatch(
        new RegExp(`delete them with: kubectl delete .*\n  ${data.replace(/[()*]/g, '\\$&')}\n`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge: diff's and synth's lines say what the edge machines go on doing and what to do there before the delete", () => {
    const dir = fixtureProject(['lab', 'dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    const edge =
      'its edge stays: the edge machines haproxy1 (192.168.122.140), haproxy2 (192.168.122.141) keep running its haproxy.cfg, ' +
      "which sends nginx.traininglab.com to its Services' node ports, and keepalived keeps 192.168.122.150/24 there; " +
      'once its objects are deleted, that host answers 503: first point its DNS elsewhere, then on each edge machine: sudo systemctl disable --now keepalived haproxy';
    const diff = runCli('diff', ['lab'], dir).stdout.trimEnd().split('\n');
    expect(diff.at(-3)).toMatch(/^npm run synth removes dist\/lab\/; its objects stay in its cluster until deleted: kubectl delete /);
    expect(diff.at(-2)).toMatch(/^it leaves out what the stage holds outside namespace lab, /);
    expect(diff.at(-1)).toBe(edge);
    // its edge files are shown leaving, as any edge change is
    expect(diff).toContain('dist/lab/edge/haproxy.cfg: removed');
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toMatch(
      new RegExp(
        `\n  its objects stay in its cluster; delete them with: kubectl delete .*\n  it leaves out .*\n  ${edge.replace(/[().*/]/g, '\\$&')}\n`,
      ),
    );
  });

  it("holding an edge whose machines another stage's edge now uses (renamed): the line says to install that stage's edge files there, not to stop haproxy", () => {
    const dir = fixtureProject(['onprem']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'onprem.yaml'));
      writeFileSync(join(dir, 'environments', 'bare-metal.yaml'), repoStage('onprem'));
      const edge =
        "its edge stays: the edge machine edge1 (10.0.0.5) keeps running its haproxy.cfg, which sends demoapp.onprem.example.com to its Services' node ports; " +
        'once its objects are deleted, that host answers 503: first install the edge files of dist/bare-metal/edge/ there (that stage now uses those machines) and reload haproxy (README, "The edge")';
      expect(runCli('diff', ['onprem'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(edge);
      expect(runCli('synth', [], dir).stdout).toContain(`\n  ${edge}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge whose machine another stage names in another form of its address (IPv6 written out, in capitals): the line says to install that stage's edge files there", () => {
    const dir = fixtureProject(['onprem']);
    try {
      const onprem = join(dir, 'environments', 'onprem.yaml');
      writeFileSync(onprem, repoStage('onprem').replace('edge1: { address: 10.0.0.5 }', "edge1: { address: 'fd00::5' }"));
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(onprem);
      // the same machine, as another stage file writes its address
      writeFileSync(
        join(dir, 'environments', 'bare-metal.yaml'),
        repoStage('onprem').replace('edge1: { address: 10.0.0.5 }', "edge1: { address: 'FD00:0:0:0:0:0:0:5' }"),
      );
      const line = runCli('diff', ['onprem'], dir).stdout.trimEnd().split('\n').at(-1);
      expect(line).toMatch(/^its edge stays: the edge machine edge1 \(fd00::5\) keeps running its haproxy\.cfg/);
      expect(line).toContain('first install the edge files of dist/bare-metal/edge/ there (that stage now uses those machines)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without an edge: no line about one', () => {
    const dir = fixtureProject(['lab', 'dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'dev.yaml'));
    expect(runCli('diff', ['dev'], dir).stdout).not.toContain('edge');
    expect(runCli('synth', [], dir).stdout).not.toContain('its edge');
  });

  it('without claims or volumes: no line about data', () => {
    const dir = fixtureProject(['lab', 'dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'lab.yaml'));
    expect(runCli('synth', [], dir).stdout).not.toContain('that deletes data too');
  });

  it('renamed with its namespace kept: the delete command is told to wait until the new stage, which uses the namespace, is applied', () => {
    const dir = fixtureProject(['lab', 'dev']);
    expect(runCli('synth', [], dir).code).toBe(0);
    const text = readFileSync(join(dir, 'environments', 'lab.yaml'), 'utf8');
    rmSync(join(dir, 'environments', 'lab.yaml'));
    writeFileSync(join(dir, 'environments', 'staging.yaml'), /^namespace: /m.test(text) ? text : `namespace: lab\n${text}`);
    const first =
      "staging uses its namespace, whose objects carry lab's labels until applied again: first kubectl apply -k dist/staging, then ";
    // said before the new stage's output is written too
    expect(runCli('diff', ['lab'], dir).stdout).toContain(`its objects stay in its cluster until deleted: ${first}kubectl delete `);
    const synth = runCli('synth', [], dir);
    expect(synth.code).toBe(0);
    expect(synth.stdout).toContain(
      `lab: removed dist/lab/ (there is no environments/lab.yaml)\n  its objects stay in its cluster; ${first}delete them with: kubectl delete `,
    );
  });

  it('renamed with its namespace kept: the line about data leaves out the namespace and the claims the new stage makes, and says nothing of new, empty claims', () => {
    const text = readFileSync(join(REPO, 'test/fixtures/stages/data-volumes.yaml'), 'utf8');
    const dir = tempProject({ data: text });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'data.yaml'));
      writeFileSync(join(dir, 'environments', 'staging.yaml'), `namespace: data\n${text}`);
      // its PersistentVolumes are named after the stage: those go; its claims and namespace stay, staging's
      const data = 'that deletes data too: the PersistentVolumes mysqlbackup-data, mysqlvolume-data; copy what is to be kept first';
      expect(runCli('diff', ['data'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(data);
      const synth = runCli('synth', [], dir);
      expect(synth.code).toBe(0);
      expect(synth.stdout).toContain('first kubectl apply -k dist/staging, then delete them with: ');
      expect(synth.stdout).toContain(`\n  ${data}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sharing only cluster-scoped and kube-system objects with another stage (flannel on two clusters): no wait is asked', () => {
    const dir = fixtureProject(['lab', 'raspberry']);
    expect(runCli('synth', [], dir).code).toBe(0);
    rmSync(join(dir, 'environments', 'raspberry.yaml'));
    const synth = runCli('synth', [], dir);
    expect(synth.stdout).toMatch(/^ {2}its objects stay in its cluster; delete them with: kubectl delete /m);
    expect(synth.stdout).not.toContain('uses its namespace');
  });

  it('a stage that drops its secretStore: says how to delete the ExternalSecrets, which its new prune command no longer names', () => {
    // promoted from no stage: a project of its own
    const text = repoStage('production').replace(/^promotion: .*\n/m, '');
    const dir = tempProject({ production: text });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'environments', 'production.yaml');
    const store = /^secretStore: .*\n/m.exec(text);
    expect(store).not.toBeNull();
    writeFileSync(file, text.replace(store![0], ''));
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        '  removed: ExternalSecret production/mysqlsecret',
        '  the prune command no longer names ExternalSecret, so it will not delete the removed ones; delete them with:',
        '    kubectl delete externalsecret.external-secrets.io -n production mysqlsecret',
        '',
      ].join('\n'),
    );
    expect(readFileSync(join(dir, 'dist', 'production', 'inventory.txt'), 'utf8')).not.toContain('ExternalSecret');
  });

  it('holding more outside its namespace (raspberry: flannel, a registry in kube-system with its claim): names the first six, says the claim holds data, and leaves it out of the line about the data the command deletes', () => {
    const dir = fixtureProject(['raspberry', 'dev']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'raspberry.yaml'));
      const lines = runCli('diff', ['raspberry'], dir).stdout.trimEnd().split('\n');
      const command = lines.find((l) => l.startsWith('npm run synth removes dist/raspberry/'));
      expect(command).toMatch(/ -n raspberry -l stagecraft\.dev\/stage=raspberry,/);
      expect(command).not.toMatch(/--all-namespaces|daemonset/);
      const outside = lines.find((l) => l.startsWith('it leaves out what the stage holds outside namespace raspberry'));
      expect(outside).toContain('PersistentVolumeClaim kube-system/kube-registry-pvc (its volume holds data)');
      expect(outside).toMatch(
        / and 3 more; once nothing uses them, delete them with: kubectl delete \S+ -n kube-system -l \S+ && kubectl delete \S+ -l \S+$/,
      );
      expect(lines.filter((l) => l.startsWith('that deletes data too')).join('')).not.toContain('kube-registry-pvc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge whose machine another stage's edge names by an address of the other family (10.0.0.5, now fd00::5): stopping it is said to be for another machine only, else that stage's files go there", () => {
    const dir = fixtureProject(['onprem']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'onprem.yaml'));
      // the stage renamed, its edge machine now named by its IPv6 address: the same dual-stack machine or another, which no file says
      writeFileSync(
        join(dir, 'environments', 'bare-metal.yaml'),
        repoStage('onprem').replace('edge1: { address: 10.0.0.5 }', "edge1: { address: 'fd00::5' }"),
      );
      const edge =
        "its edge stays: the edge machine edge1 (10.0.0.5) keeps running its haproxy.cfg, which sends demoapp.onprem.example.com to its Services' node ports; " +
        'once its objects are deleted, that host answers 503: first point its DNS elsewhere, then on each edge machine: sudo systemctl disable --now haproxy; ' +
        "but stage bare-metal's edge machine edge1 is at fd00::5, which may be the IPv6 address of the same dual-stack machine (a machine is known by its address, so stagecraft cannot tell): " +
        'if it is, stop nothing on edge1 (stopped, haproxy would stop serving stage bare-metal too): install the edge files of dist/bare-metal/edge/ there and reload haproxy instead (README, "The edge")';
      expect(runCli('diff', ['onprem'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(edge);
      expect(runCli('synth', [], dir).stdout).toContain(`\n  ${edge}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge one of whose machines another stage's edge now uses, without a floating IP: stop the other machine, and on that one keepalived first, then install that stage's files", () => {
    const dir = fixtureProject(['lab', 'onprem']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'lab.yaml'));
      const onprem = join(dir, 'environments', 'onprem.yaml');
      writeFileSync(
        onprem,
        readFileSync(onprem, 'utf8').replace(
          'edge1: { address: 10.0.0.5 }',
          'edge1: { address: 10.0.0.5 }\n    haproxy2: { address: 192.168.122.141 }',
        ),
      );
      const edge =
        'its edge stays: the edge machines haproxy1 (192.168.122.140), haproxy2 (192.168.122.141) keep running its haproxy.cfg, ' +
        "which sends nginx.traininglab.com to its Services' node ports, and keepalived keeps 192.168.122.150/24 there; once its objects are deleted, that host answers 503: " +
        'first point its DNS elsewhere, then on haproxy1: sudo systemctl disable --now keepalived haproxy; ' +
        'on haproxy2: sudo systemctl disable --now keepalived (stage onprem has no floating IP: left running, keepalived keeps 192.168.122.150/24); ' +
        'then install the edge files of dist/onprem/edge/ there (stage onprem now uses it) and reload haproxy (README, "The edge")';
      expect(runCli('diff', ['lab'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(edge);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge with a floating IP whose machine another stage's edge without one names by an address of the other family: if it is that machine, only its keepalived is stopped, not nothing", () => {
    const dir = fixtureProject(['lab', 'onprem']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'lab.yaml'));
      const onprem = join(dir, 'environments', 'onprem.yaml');
      writeFileSync(
        onprem,
        readFileSync(onprem, 'utf8').replace(
          'edge1: { address: 10.0.0.5 }',
          "edge1: { address: 10.0.0.5 }\n    haproxy2: { address: 'fd00::141' }",
        ),
      );
      const line = runCli('diff', ['lab'], dir).stdout.trimEnd().split('\n').at(-1);
      expect(line).toContain(
        "but stage onprem's edge machine haproxy2 is at fd00::141, which may be the IPv6 address of the same dual-stack machine (a machine is known by its address, so stagecraft cannot tell): " +
          'if it is, stop only keepalived on haproxy2 (stopped, haproxy would stop serving stage onprem too): on haproxy2: sudo systemctl disable --now keepalived (stage onprem has no floating IP: left running, keepalived keeps 192.168.122.150/24); ' +
          'then install the edge files of dist/onprem/edge/ there and reload haproxy instead (README, "The edge")',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding an edge without a floating IP whose machine another stage's edge with one now uses: install that stage's keepalived.conf there and start keepalived, not haproxy alone", () => {
    const dir = fixtureProject(['lab', 'onprem']);
    try {
      const onprem = join(dir, 'environments', 'onprem.yaml');
      // onprem's machine in the lab's network, where lab's floating IP may go
      writeFileSync(onprem, readFileSync(onprem, 'utf8').replace('edge1: { address: 10.0.0.5 }', 'edge1: { address: 192.168.122.142 }'));
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(onprem);
      const lab = join(dir, 'environments', 'lab.yaml');
      writeFileSync(
        lab,
        readFileSync(lab, 'utf8').replace(
          'haproxy2: { address: 192.168.122.141 }',
          'haproxy2: { address: 192.168.122.141 }\n    edge3: { address: 192.168.122.142 }',
        ),
      );
      const edge =
        "its edge stays: the edge machine edge1 (192.168.122.142) keeps running its haproxy.cfg, which sends demoapp.onprem.example.com to its Services' node ports; " +
        'once its objects are deleted, that host answers 503: first install the edge files of dist/lab/edge/ there (that stage now uses those machines), ' +
        'dist/lab/edge/keepalived-edge3.conf on edge1 as /etc/keepalived/keepalived.conf, and reload haproxy, then keepalived (sudo systemctl enable keepalived && sudo systemctl reload-or-restart keepalived) (README, "The edge")';
      expect(runCli('diff', ['onprem'], dir).stdout.trimEnd().split('\n').at(-1)).toBe(edge);
      expect(runCli('synth', [], dir).stdout).toContain(`\n  ${edge}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with a namespace or a kind in its inventory.txt that a shell reads otherwise (a hand edit): the printed commands, pasted, give kubectl that word and run nothing else', () => {
    const dir = fixtureProject(['raspberry', 'dev']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'raspberry.yaml'));
      const inventory = join(dir, 'dist', 'raspberry', 'inventory.txt');
      const [namespace, kind] = ['kube-system$(touch$IFS"pwned")', 'Service;>pwned2;true'];
      writeFileSync(
        inventory,
        readFileSync(inventory, 'utf8')
          .replace('v1 ConfigMap kube-system/', `v1 ConfigMap ${namespace}/`)
          .replace('v1 Service raspberry/nginx', `v1 ${kind} raspberry/nginx`),
      );
      const lines = runCli('diff', ['raspberry'], dir).stdout.split('\n');
      const command = lines.find((l) => l.startsWith('npm run synth removes'))!.replace(/^.*until deleted: /, '');
      const outside = lines.find((l) => l.startsWith('it leaves out'))!.replace(/^.*delete them with: /, '');
      // pasted into a shell, kubectl (here a function printing its arguments) run by each
      const pasted = spawnSync('bash', ['-c', `kubectl() { printf '%s\\n' "$*"; }; ${command}; ${outside}`], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect([existsSync(join(dir, 'pwned')), existsSync(join(dir, 'pwned2'))]).toEqual([false, false]);
      // neither line reads as stagecraft writes one: in no command, named on the line under it
      expect(pasted.stdout).not.toContain('pwned');
      expect(pasted.stdout).toContain(
        'delete ingress.networking.k8s.io,deployment.apps,replicationcontroller,service,namespace -n raspberry -l ',
      );
      expect(lines.find((l) => l.startsWith('it leaves out'))).toContain(
        `and 2 lines of its inventory.txt that do not read as stagecraft writes one (edited by hand? git log -p dist/raspberry/inventory.txt shows how it was written): 'v1 ConfigMap ${namespace}/kube-flannel-cfg' and 'v1 ${kind} raspberry/nginx', in no command; once`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("holding another Namespace (ingress-nginx's, from a manifests app): the command deletes its own Namespace by name, not every Namespace with its labels, and leaves the other out", () => {
    const dir = fixtureProject(['mink8s', 'dev']);
    try {
      const stage = withIngressApp(dir, 'ingress-nginx');
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(stage);
      const lines = runCli('diff', ['mink8s'], dir).stdout.split('\n');
      const selector = '-l stagecraft.dev/stage=mink8s,app.kubernetes.io/managed-by=stagecraft';
      // `-n mink8s` keeps no label selector from Namespaces, which are cluster-scoped: ingress-nginx's went too, with all it holds
      expect(lines.find((l) => l.startsWith('npm run synth removes'))?.replace(/^.*until deleted: /, '')).toBe(
        `kubectl delete pod,service,serviceaccount -n mink8s ${selector} && kubectl delete namespace ${selector} --field-selector metadata.name=mink8s`,
      );
      expect(lines.find((l) => l.startsWith('it leaves out'))).toContain('ConfigMap ingress-nginx/controller, Namespace ingress-nginx');
      // its Namespace's name as a hand edit of its output wrote it, which a shell reads otherwise: in no command
      const name = 'x$(touch$IFS"pwned")';
      for (const file of ['inventory.txt', chartFileName(NAMESPACE_CHART)]) {
        const path = join(dir, 'dist', 'mink8s', file);
        writeFileSync(path, readFileSync(path, 'utf8').replace(/(Namespace |name: )mink8s$/m, `$1${name}`));
      }
      const command = runCli('diff', ['mink8s'], dir)
        .stdout.split('\n')
        .find((l) => l.startsWith('npm run synth removes'))!
        .replace(/^.*until deleted: /, '');
      const pasted = spawnSync('bash', ['-c', `kubectl() { printf '%s\\n' "$*"; }; ${command}`], { cwd: dir, encoding: 'utf8' });
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
      expect(pasted.stdout).toBe(`delete pod,service,serviceaccount -n mink8s ${selector}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['a kind that is two in its inventory.txt', 'v1 Service mink8s/nginx', 'v1 Service,namespace mink8s/nginx'],
    ['a group that holds a second kind in its inventory.txt', 'v1 Service mink8s/nginx', 'x,namespace/v1 Service mink8s/nginx'],
    ['a Namespace in a namespace in its inventory.txt', 'v1 Service mink8s/nginx', 'v1 Namespace mink8s/nginx'],
    [
      'a ClusterRole in a namespace in its inventory.txt',
      'v1 Service mink8s/nginx',
      'rbac.authorization.k8s.io/v1 ClusterRole mink8s/admin',
    ],
    ['its own Namespace taken out in its inventory.txt', 'v1 Namespace mink8s\n', ''],
    // its Namespace file, not its inventory, edited: the Namespace that inventory lists, named as the stage, is its own
    ['its 00-namespace.yaml made to make kube-system', 'name: mink8s\n', 'name: kube-system\n', chartFileName(NAMESPACE_CHART)],
  ])(
    'with %s (a hand edit): the command deletes nothing outside its namespace, and the line under it names what it leaves out',
    (_, line, edited, file = 'inventory.txt') => {
      const dir = fixtureProject(['mink8s', 'dev']);
      try {
        const stage = withIngressApp(dir, 'kube-system');
        expect(runCli('synth', [], dir).code).toBe(0);
        rmSync(stage);
        const path = join(dir, 'dist', 'mink8s', file);
        const text = readFileSync(path, 'utf8');
        expect(text).toContain(line);
        writeFileSync(path, text.replace(line, edited));
        const lines = runCli('diff', ['mink8s'], dir).stdout.split('\n');
        const command = lines.find((l) => l.startsWith('npm run synth removes'))!.replace(/^.*until deleted: /, '');
        const outside = lines.find((l) => l.startsWith('it leaves out'))!;
        // pasted: kubectl given no kind beyond the stage's namespaced ones, in namespace mink8s; the Namespace by name
        const pasted = spawnSync('bash', ['-c', `kubectl() { printf '%s\\n' "$*"; }; ${command}`], { encoding: 'utf8' }).stdout;
        for (const call of pasted.trimEnd().split('\n')) {
          const [, kinds, ...rest] = call.split(' ');
          expect(rest.join(' ')).toMatch(/^-n mink8s -l |^-l \S+ --field-selector metadata\.name=mink8s$/);
          if (rest[0] === '-n') expect(kinds!.split(',')).not.toContain('namespace');
          expect(kinds!.split(',')).not.toContain('clusterrole.rbac.authorization.k8s.io');
        }
        expect(command).not.toContain('--all-namespaces');
        expect(outside).toContain('ConfigMap kube-system/controller');
        expect(outside).toContain('Namespace ingress-nginx');
        if (edited && file === 'inventory.txt')
          expect(outside).toContain(`was written): '${edited}', in no command; once nothing uses them`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('with a control character in a name of its inventory.txt (a hand edit): diff prints its lines as text, as synth does', () => {
    const dir = fixtureProject(['raspberry', 'dev']);
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      rmSync(join(dir, 'environments', 'raspberry.yaml'));
      const inventory = join(dir, 'dist', 'raspberry', 'inventory.txt');
      // a terminal's clear-screen sequence in a namespace that the line under the command names
      writeFileSync(inventory, readFileSync(inventory, 'utf8').replace('v1 ConfigMap kube-system/', 'v1 ConfigMap kube-\x1b[2Jsystem/'));
      const diff = runCli('diff', ['raspberry'], dir);
      expect(diff.stdout).toContain('it leaves out what the stage holds outside namespace raspberry');
      expect(diff.stdout).not.toContain('\x1b');
      expect(runCli('synth', [], dir).stdout).not.toContain('\x1b');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a removed stage's inventory lines, read as stagecraft writes them or not", () => {
  /** `removedDeletion` of stage shop (namespace shop) whose inventory holds its Namespace and `line`. */
  const deletion = (line: string) =>
    removedDeletion(undefined, 'shop', `objects: 2\nsha256:0000000000000000 v1 Namespace shop\nsha256:0000000000000001 ${line}\n`)!;

  it.each([
    // a custom resource's version need not be kube-like, nor its kind capitalised: the API server takes a DNS-1035 label for both
    ['example.com/v1beta Widget shop/a', 'widget.example.com'],
    ['example.com/stable Widget shop/a', 'widget.example.com'],
    ['example.com/v1 widget shop/a', 'widget.example.com'],
    ['example.com/v1 My-Widget shop/a', 'my-widget.example.com'],
    ['stable.example.com/v2alpha1 CronTab shop/a', 'crontab.stable.example.com'],
    ['apps/v1 Deployment shop/web', 'deployment.apps'],
    ['v1 Service shop/web', 'service'],
  ])("%s is stagecraft's: deleted by the command (%s)", (line, resource) => {
    const d = deletion(line);
    expect(d.unread).toEqual([]);
    expect(d.command).toMatch(new RegExp(`^kubectl delete (\\S+,)?${resource.replaceAll('.', '\\.')},namespace -n shop -l `));
  });

  it.each([
    ['v2 Service shop/web', 'the core group serves v1 only'],
    ['v1beta1 Service shop/web', 'the core group serves v1 only'],
    ['apps..x/v1 Deployment shop/web', 'an empty label in the group'],
    ['apps.-x/v1 Deployment shop/web', "a label of the group starting with '-'"],
    ['Apps/v1 Deployment shop/web', 'a group in capitals'],
    ['apps/1 Deployment shop/web', 'a version starting with a digit'],
    ['apps/V1 Deployment shop/web', 'a version in capitals'],
    ['apps/v1/x Deployment shop/web', 'a version holding a slash'],
    [`example.com/v1 ${'W'.repeat(64)} shop/a`, 'a kind longer than 63'],
    ['example.com/v1 9Widget shop/a', 'a kind starting with a digit'],
    ['example.com/v1 Widget_x shop/a', 'a kind holding _'],
    ['v1 Service shop/', 'no name'],
  ])('%s is not (%s): in no command, named under it', (line) => {
    const d = deletion(line);
    expect(d.unread).toEqual([line]);
    expect(d.command).toBe('kubectl delete namespace -n shop -l stagecraft.dev/stage=shop,app.kubernetes.io/managed-by=stagecraft');
  });
});

describe('a stage moved to another cluster whose inventory lists nothing in its namespace (a hand edit)', () => {
  it('says that nothing there is deleted by a command of its namespace, not to delete every object with its labels, which the line after leaves out', () => {
    const project =
      'delivery:\n  engine: argocd\n  repository: { url: https://git.example.com/team/app.git, revision: main }\n  clusters:\n' +
      '    nonprod: { server: https://nonprod.example.com:6443 }\n    prod: { server: https://prod.example.com:6443 }\n';
    const dev = repoStage('dev');
    expect(dev).toContain('delivery: { cluster: nonprod }');
    const dir = tempProject({ qa: dev });
    try {
      writeFileSync(join(dir, 'stagecraft.yaml'), project);
      expect(runCli('synth', [], dir).code).toBe(0);
      // its inventory edited to list only what it holds in kube-system
      const path = join(dir, 'dist', 'qa', 'inventory.txt');
      const text = readFileSync(path, 'utf8');
      writeFileSync(
        path,
        `${text.slice(0, text.indexOf('objects: '))}objects: 1\nsha256:0000000000000000 v1 ConfigMap kube-system/node-agent\n`,
      );
      writeFileSync(join(dir, 'environments', 'qa.yaml'), dev.replace('delivery: { cluster: nonprod }', 'delivery: { cluster: prod }'));
      const r = runCli('synth', [], dir);
      expect(r.stderr).toContain(
        'delete the stage there: nothing in namespace qa (none of its objects is there); it leaves out what the stage holds outside namespace qa, which the rest of the cluster may run on',
      );
      expect(r.stderr).toContain(
        'ConfigMap kube-system/node-agent; once nothing uses it, delete it with: kubectl delete configmap -n kube-system -l ',
      );
      expect(r.stderr).not.toContain('every object labelled');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
