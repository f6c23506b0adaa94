import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openProject } from '../../lib/cli/project.js';
import { describe, expect, it } from 'vitest';
import { digest, inventorySource, inventoryText, parseInventory, pruneCommand } from '../../lib/synth/inventory.js';
import { changeLines, changeSummary, compareInventories, inventoryChanges } from '../../lib/synth/inventory-changes.js';
import { REPO, repoStage, runCli, tempProject } from '../helpers/cli.js';

const input = {
  stage: 'qa',
  source: 'environments/qa.yaml',
  sourceDigest: digest('apps: {}\n'),
  compilerVersion: '1.2.3',
  distDir: 'dist',
  objects: [
    { apiVersion: 'v1', kind: 'Service', namespace: 'qa', name: 'demoapp', digest: digest('b') },
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'qa', name: 'demoapp', digest: digest('a') },
    { apiVersion: 'v1', kind: 'PersistentVolume', name: 'mysqlvolume-qa', digest: digest('c') },
  ],
  nodeFiles: [],
};

describe('the inventory', () => {
  it('lists every object, sorted, with a digest of its content, the compiler version and the stage file digest', () => {
    const text = inventoryText(input);
    expect(text.split('\n').slice(3)).toEqual([
      'compiler: stagecraft 1.2.3',
      `source: environments/qa.yaml ${digest('apps: {}\n')}`,
      'objects: 3',
      `${digest('a')} apps/v1 Deployment qa/demoapp`,
      `${digest('c')} v1 PersistentVolume mysqlvolume-qa`,
      `${digest('b')} v1 Service qa/demoapp`,
      '',
    ]);
    expect(digest('a')).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('reads back the stage file it names and the digest of its text, and nothing from a text without a source line', () => {
    expect(inventorySource(inventoryText(input))).toEqual({ file: 'environments/qa.yaml', digest: digest('apps: {}\n') });
    expect(inventorySource('compiler: stagecraft 1.2.3\nobjects: 0\n')).toBeUndefined();
  });

  it('is the same text for the same objects in any order', () => {
    expect(inventoryText({ ...input, objects: [...input.objects].reverse() })).toBe(inventoryText(input));
  });

  it('reads back the objects it lists, without the node files', () => {
    const text = inventoryText({ ...input, nodeFiles: [{ path: 'nodes/n/etcd.yaml', digest: digest('e') }] });
    expect([...parseInventory(text)]).toEqual([
      ['apps/v1 Deployment qa/demoapp', digest('a')],
      ['v1 PersistentVolume mysqlvolume-qa', digest('c')],
      ['v1 Service qa/demoapp', digest('b')],
    ]);
    expect(text).toContain(`node files: 1\n${digest('e')} nodes/n/etcd.yaml\n`);
  });

  it('says which objects were added, changed and removed', () => {
    const before = new Map([
      ['v1 Service qa/a', 'sha256:1'],
      ['v1 Service qa/b', 'sha256:2'],
      ['v1 Service qa/c', 'sha256:3'],
    ]);
    const after = new Map([
      ['v1 Service qa/a', 'sha256:1'],
      ['v1 Service qa/b', 'sha256:9'],
      ['v1 Service qa/d', 'sha256:4'],
    ]);
    const changes = compareInventories(before, after);
    expect(changes).toEqual({ added: ['v1 Service qa/d'], changed: ['v1 Service qa/b'], removed: ['v1 Service qa/c'] });
    expect(changeSummary(changes)).toBe('1 added, 1 changed, 1 removed');
    expect(changeLines(changes)).toEqual(['added: Service qa/d', 'changed: Service qa/b', 'removed: Service qa/c']);
    expect(changeSummary(compareInventories(before, before))).toBe('unchanged');
  });

  it('compares two inventory texts as comparing them parsed does, in one pass or by key', () => {
    // a small seeded generator: the same texts at every run
    let seed = 19;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const entry = () => ({
      apiVersion: ['v1', 'apps/v1', 'x.example.com/v1'][random(3)],
      kind: ['Service', 'Deployment', 'ConfigMap'][random(3)],
      ...(random(4) ? { namespace: ['qa', 'dev', 'é'][random(3)] } : {}),
      name: `o${random(30)}`,
      digest: digest(String(random(3))),
    });
    const text = (objects: ReturnType<typeof entry>[], nodeFiles = random(2)) =>
      inventoryText({
        ...input,
        objects,
        nodeFiles: nodeFiles ? [{ path: 'nodes/n/etcd.yaml', digest: digest('n') }] : [],
        edgeFiles: random(2) ? [{ path: 'edge/haproxy.cfg', digest: digest('e') }] : [],
      });
    // what a hand or another tool may leave: lines out of order or repeated, comments, a second objects line, none at all
    const edits: ((t: string) => string)[] = [
      (t) => t,
      (t) => t.replace(/\n(sha256:[^\n]*)\n(sha256:[^\n]*)\n/, '\n$2\n$1\n'),
      (t) => t.replace(/\n(sha256:[^\n]*)\n/, '\n$1\n$1\n'),
      (t) => t.replace(/\n(sha256:[^\n]*)\n/, '\n$1\n# a comment\n'),
      (t) => `${t}objects: 1\n${digest('x')} v1 Service qa/late\n`,
      (t) => t.replace(/\nobjects: \d+/, ''),
      (t) => t.replace(/\n$/, ''),
      (t) => t.replace(/ v1 /, '  v1 '),
      (t) => `${t}\n${digest('x')} v1 Service qa/after-blank\n`,
    ];
    for (let round = 0; round < 300; round++) {
      const before = Array.from({ length: random(25) }, entry);
      const after = [
        ...before.filter(() => random(5) > 0).map((o) => (random(6) ? o : { ...o, digest: digest('changed') })),
        ...Array.from({ length: random(4) }, entry),
      ];
      const a = edits[random(edits.length)](text(before));
      const b = edits[random(edits.length)](text(after));
      expect(inventoryChanges(a, b)).toEqual(compareInventories(parseInventory(a), parseInventory(b)));
    }
  });

  it.each([
    ['the last ExternalSecret removed', ['a'], ['external-secrets.io/v1 ExternalSecret qa/a']],
    ['an ExternalSecret removed while another stays', ['a', 'b'], []],
    ['a ConfigMap removed, of the kind table', [], []],
  ])(
    'lists as unpruned only removed objects of a kind outside the kind table that the stage no longer holds: %s',
    (_, before, unpruned) => {
      const map = (names: string[], extra: [string, string][]) =>
        new Map([...names.map((n): [string, string] => [`external-secrets.io/v1 ExternalSecret qa/${n}`, digest(n)]), ...extra]);
      const cm: [string, string] = ['v1 ConfigMap qa/settings', digest('cm')];
      const after = map(before.slice(1), []);
      const changes = compareInventories(map(before, [cm]), after);
      expect(changes.unpruned ?? []).toEqual(unpruned);
      expect(changes.removed).toContain('v1 ConfigMap qa/settings');
    },
  );

  it('lists at most ten objects and counts the rest', () => {
    const after = new Map(Array.from({ length: 12 }, (_, i) => [`v1 Service qa/s${String(i).padStart(2, '0')}`, 'sha256:0']));
    const lines = changeLines(compareInventories(new Map(), after));
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe('... and 2 more');
  });

  it('gives the prune command the README shows', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /```sh\n(kubectl apply -k dist\/qa --prune[^`]*)```/.exec(readme)![1];
    expect(block.replace(/ \\\n\s+/g, ' ').trim()).toBe(pruneCommand('qa', 'dist'));
  });

  it('adds to the prune command the kinds outside the kind table that the stage holds, once each, sorted with the others', () => {
    const held = [
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'v1', kind: 'Endpoints' },
      { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' }, // in the table (v2): no entry of its own
      { apiVersion: 'v1', kind: 'Secret' }, // in the table and kept out on purpose
    ];
    const allow = pruneCommand('sec', 'dist', held)
      .split(' ')
      .filter((w) => w.startsWith('--prune-allowlist='))
      .map((w) => w.slice('--prune-allowlist='.length));
    expect(allow.filter((k) => k === 'cert-manager.io/v1/Certificate')).toHaveLength(1);
    expect(allow).toContain('external-secrets.io/v1/ExternalSecret');
    expect(allow).toContain('core/v1/Endpoints');
    expect(allow).not.toContain('autoscaling/v1/HorizontalPodAutoscaler');
    expect(allow).not.toContain('core/v1/Secret');
    const core = allow.filter((k) => k.startsWith('core/'));
    expect(allow).toEqual([...core.sort(), ...allow.filter((k) => !k.startsWith('core/')).sort()]);
  });

  it('writes the command with the kinds the stage holds on line 3 of the inventory: dist/production prunes its ExternalSecret', () => {
    const line = readFileSync(join(REPO, 'dist/production/inventory.txt'), 'utf8').split('\n')[2];
    expect(line).toContain('--prune-allowlist=external-secrets.io/v1/ExternalSecret');
  });

  it('gives a prune command that selects the stage by its labels and never prunes Secrets', () => {
    const cmd = pruneCommand('qa', 'dist');
    expect(cmd).toMatch(/^kubectl apply -k dist\/qa --prune -l stagecraft\.dev\/stage=qa,app\.kubernetes\.io\/managed-by=stagecraft /);
    expect(cmd).not.toContain('Secret');
    // every kind the stacks make is allowed, whether the stage has one now or not, so a kind that leaves a stage is pruned too
    for (const kind of [
      'apps/v1/Deployment',
      'autoscaling/v2/HorizontalPodAutoscaler',
      'batch/v1/CronJob',
      'networking.k8s.io/v1/Ingress',
      'core/v1/PersistentVolume',
    ]) {
      expect(cmd).toContain(`--prune-allowlist=${kind}`);
    }
  });
});

describe('npm run synth', () => {
  it("summarizes each stage's objects added, changed and removed since the output that was there", () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: false });
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe('lab: 8 objects in 8 files -> dist/lab/ (new)');
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe('lab: 8 objects in 8 files -> dist/lab/ (unchanged)');
    const stage = join(dir, 'environments', 'lab.yaml');
    writeFileSync(stage, readFileSync(stage, 'utf8').replace(/replicas: 3/, 'replicas: 5'));
    const lines = runCli('synth', [], dir).stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'lab: 8 objects in 8 files -> dist/lab/ (0 added, 1 changed, 0 removed)',
      '  changed: ReplicationController lab/nginx',
    ]);
  });

  it('names the files that changed when no object did: the edge configuration, a file edited by hand', () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: false });
    expect(runCli('synth', [], dir).code).toBe(0);
    const stage = join(dir, 'environments', 'lab.yaml');
    writeFileSync(stage, readFileSync(stage, 'utf8').replace('gzip: true', 'gzip: false'));
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe(
      'lab: 8 objects in 8 files -> dist/lab/ (objects unchanged; 2 files changed: edge/haproxy.cfg, inventory.txt)',
    );
    const edited = join(dir, 'dist', 'lab', 'edge', 'haproxy.cfg');
    writeFileSync(edited, `${readFileSync(edited, 'utf8')}# edited\n`);
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe(
      'lab: 8 objects in 8 files -> dist/lab/ (objects unchanged; 1 file changed: edge/haproxy.cfg)',
    );
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe('lab: 8 objects in 8 files -> dist/lab/ (unchanged)');
    // a hand-made copy of a generated file carries its header, so it is the stage's: removed, and said so
    const copy = join(dir, 'dist', 'lab', '10-nginx.yaml.bak');
    writeFileSync(copy, readFileSync(join(dir, 'dist', 'lab', '10-nginx.yaml'), 'utf8'));
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe(
      'lab: 8 objects in 8 files -> dist/lab/ (objects unchanged; 1 file removed: 10-nginx.yaml.bak)',
    );
    expect(existsSync(copy)).toBe(false);
  });

  it("says an edge machine's file under its new name as added, beside the one removed, when a machine is renamed: not as changed", () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: false });
    expect(runCli('synth', [], dir).code).toBe(0);
    const stage = join(dir, 'environments', 'lab.yaml');
    writeFileSync(stage, readFileSync(stage, 'utf8').replaceAll('haproxy2', 'haproxy3'));
    expect(runCli('synth', [], dir).stdout.split('\n')[0]).toBe(
      'lab: 8 objects in 8 files -> dist/lab/ (objects unchanged; 2 files changed: edge/haproxy.cfg, inventory.txt; ' +
        '1 file added: edge/keepalived-haproxy3.conf; 1 file removed: edge/keepalived-haproxy2.conf)',
    );
  });

  it("says an edge machine's file added and the one removed when objects change in the same synthesis too (a machine renamed, nginx scaled): the objects' line alone said neither", () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: false });
    expect(runCli('synth', [], dir).code).toBe(0);
    const stage = join(dir, 'environments', 'lab.yaml');
    writeFileSync(stage, readFileSync(stage, 'utf8').replaceAll('haproxy2', 'haproxy3').replace('replicas: 3', 'replicas: 2'));
    expect(runCli('synth', [], dir).stdout.split('\n').slice(0, 2)).toEqual([
      'lab: 8 objects in 8 files -> dist/lab/ (0 added, 1 changed, 0 removed; ' +
        '1 file added: edge/keepalived-haproxy3.conf; 1 file removed: edge/keepalived-haproxy2.conf)',
      '  changed: ReplicationController lab/nginx',
    ]);
  });

  it('does not trust an inventory left with git merge conflict markers: says so instead of comparing with both sides', () => {
    const dir = tempProject({ lab: repoStage('lab') }, { copyDist: false });
    expect(runCli('synth', [], dir).code).toBe(0);
    const file = join(dir, 'dist', 'lab', 'inventory.txt');
    const text = readFileSync(file, 'utf8');
    const service = /^sha256:[0-9a-f]+ v1 Service lab\/nginx$/m.exec(text)![0];
    // merged: the Service is as the sources make it on our side, another on theirs
    const theirs = `sha256:0000000000000000 ${service.slice(service.indexOf(' ') + 1)}`;
    writeFileSync(file, text.replace(service, `<<<<<<< HEAD\n${service}\n=======\n${theirs}\n>>>>>>> other`));
    const lines = runCli('synth', [], dir).stdout.split('\n');
    expect(lines[0]).toBe(
      'lab: 8 objects in 8 files -> dist/lab/ (objects not compared: the inventory.txt there held git merge conflict markers)',
    );
    expect(lines[1]).not.toMatch(/^ {2}(added|changed|removed): /);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it.each(openProject(REPO).stages)("writes the inventory of committed stage %s with its stage file's digest", (stage) => {
    const text = readFileSync(join(REPO, 'dist', stage, 'inventory.txt'), 'utf8');
    expect(text).toContain(
      `source: environments/${stage}.yaml ${digest(readFileSync(join(REPO, 'environments', `${stage}.yaml`), 'utf8'))}\n`,
    );
    expect(text).toMatch(/^sha256:[0-9a-f]+ v1 Namespace /m);
  });
});
