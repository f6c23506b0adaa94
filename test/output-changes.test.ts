/** What a synthesis changes in a stage's output that the cluster cannot take: data that leaves it (the other seams: output-changes.*.test.ts). */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage, type StageEnvironment } from '../lib/compile-stage.js';
import { formatProblem } from '../lib/errors.js';
import { beginOutput, writtenLines } from '../lib/cli/output.js';
import { compile, openProject } from '../lib/cli/project.js';
import { releaseHeldLocks } from '../lib/cli/lock.js';
import { runCli, tempProject } from './helpers/cli.js';
import { at, changes, FILE, MANIFESTS, OBJECTS, output, RENAMED, source, STAGE, WITH_CLAIM_TEMPLATES } from './helpers/output-changes.js';

describe('data that leaves the output', () => {
  it('is warned about at the renamed app, naming the settings that keep the names and the data', () => {
    const warnings = changes(STAGE, RENAMED);
    const place = at(RENAMED, 'image: mysql:8.0');
    expect(warnings).toEqual([
      `${place}: warning: PersistentVolume mysqlbackup-data (data in hostPath /data/volumes/mysql-backup-data) leaves dist/data/: ` +
        'kubectl apply --prune deletes it, and its data is left behind, while PersistentVolume shop-mysqlbackup-data starts empty\n' +
        '  hint: to keep the data, set apps.shop.database.names.backupVolume: mysqlbackup-data and apps.shop.database.backup.hostPath: /data/volumes/mysql-backup-data; ' +
        'to move it on purpose, copy the data over before applying with --prune',
      `${place}: warning: PersistentVolume mysqlvolume-data (data in hostPath /data/volumes/mysql-data) leaves dist/data/: ` +
        'kubectl apply --prune deletes it, and its data is left behind, while PersistentVolume shop-mysqlvolume-data starts empty\n' +
        '  hint: to keep the data, set apps.shop.database.names.volume: mysqlvolume-data and apps.shop.database.hostPath: /data/volumes/mysql-data; ' +
        'to move it on purpose, copy the data over before applying with --prune',
      `${place}: warning: PersistentVolumeClaim data/mysql leaves dist/data/: kubectl apply --prune deletes it, ` +
        'and the volume bound to it is released (or deleted, as its reclaim policy says), while PersistentVolumeClaim data/shop-mysql starts empty\n' +
        '  hint: to keep the data, set apps.shop.database.names.claim: mysql; to move it on purpose, copy the data over before applying with --prune',
      `${place}: warning: PersistentVolumeClaim data/mysql-backup leaves dist/data/: kubectl apply --prune deletes it, ` +
        'and the volume bound to it is released (or deleted, as its reclaim policy says), while PersistentVolumeClaim data/shop-mysql-backup starts empty\n' +
        '  hint: to keep the data, set apps.shop.database.names.backupClaim: mysql-backup; to move it on purpose, copy the data over before applying with --prune',
    ]);
  });

  it('is not warned about once the renamed app keeps the names and the data as the hints say', () => {
    const kept = RENAMED.replace(
      '      image: mysql:8.0\n',
      '      image: mysql:8.0\n      hostPath: /data/volumes/mysql-data\n' +
        '      names: { volume: mysqlvolume-data, claim: mysql, backupVolume: mysqlbackup-data, backupClaim: mysql-backup, service: mysql, controller: mysql-1, backup: mysql-backup }\n',
    ).replace(
      'backup: { schedule: "0 2 * * *", storage: 2Gi }',
      'backup: { schedule: "0 2 * * *", storage: 2Gi, hostPath: /data/volumes/mysql-backup-data }',
    );
    expect(changes(STAGE, kept)).toEqual([]);
  });

  it("is warned about when a stage renamed with its namespace no longer makes what the namespace's output has", () => {
    // staging.yaml, once data.yaml, keeps namespace data: dist/staging/ is new, dist/data/ is what the namespace holds
    const dist = output(STAGE);
    const staging = STAGE.replace('apps:\n', 'namespace: data\napps:\n');
    const outcome = compileStage(
      {
        stage: 'staging',
        file: 'environments/staging.yaml',
        text: staging,
        readOutput: (f) => (f.startsWith('../data/') ? dist.get(f.slice(8)) : undefined),
      },
      {},
    );
    const warnings = (outcome.notices ?? []).map(formatProblem);
    const place = at(staging, 'image: mysql:8.0', 'environments/staging.yaml');
    expect(warnings).toContain(
      `${place}: warning: PersistentVolume mysqlvolume-data (data in hostPath /data/volumes/mysql-data) is in dist/data/, the output of namespace data, ` +
        "which stage staging now makes, but not in this stage's output: once it is deleted, its data is left behind, while PersistentVolume mysqlvolume-staging starts empty\n" +
        '  hint: to keep the data, set apps.demoapp.database.names.volume: mysqlvolume-data and apps.demoapp.database.hostPath: /data/volumes/mysql-data; ' +
        'to move it on purpose, copy the data over before applying with --prune',
    );
    expect(warnings).toContain(
      `${place}: warning: PersistentVolumeClaim data/mysql: spec.volumeName changes from mysqlvolume-data to mysqlvolume-staging, which the API server refuses ` +
        "(a claim's spec cannot change once it is created, only its storage request grow): kubectl apply fails on it\n" +
        '  hint: set apps.demoapp.database.names.volume back to mysqlvolume-data, or delete it and apply again on purpose ' +
        '(kubectl delete persistentvolumeclaim mysql -n data): the claim goes once no pod uses it, and its data with it unless copied first',
    );
    expect(warnings.filter((w) => w.includes('PersistentVolumeClaim data/mysql-backup: spec.volumeName'))).toHaveLength(1);
  });

  it('is not compared with the output of another stage that shares the namespace and whose file is still there', () => {
    const dist = output(STAGE);
    const read: string[] = [];
    const outcome = compileStage(
      {
        stage: 'staging',
        file: 'environments/staging.yaml',
        text: STAGE.replace('apps:\n', 'namespace: data\napps:\n'),
        readSource: (p) => (p === FILE ? new Map([[p, STAGE]]) : undefined),
        readOutput: (f) => {
          read.push(f);
          return f.startsWith('../data/') ? dist.get(f.slice(8)) : undefined;
        },
      },
      {},
    );
    expect(outcome.notices).toEqual([]);
    expect(read).toEqual(['inventory.txt', '../data/inventory.txt']);
  });

  it('is warned about at the object when its app is removed from the stage file', () => {
    const warnings = changes(STAGE, MANIFESTS);
    expect(warnings).toHaveLength(4);
    expect(warnings).toContain(
      'PersistentVolumeClaim data/mysql: warning: it leaves dist/data/: kubectl apply --prune deletes it, ' +
        'and the volume bound to it is released (or deleted, as its reclaim policy says)\n' +
        "  hint: to keep the data, keep the object in the stage (apps.demoapp, with its names: a renamed app keeps them through its stack's settings, " +
        "e.g. the demoapp stack's database.names.* and database.hostPath); to remove it on purpose, back the data up before applying with --prune",
    );
  });

  it("is warned about at namespace: when the stage's namespace changes: its Namespace goes, with the Secrets and the StatefulSets' claims in it", () => {
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}`;
    const after = `namespace: data2\n${before}`;
    const warnings = changes(before, after, { was: WITH_CLAIM_TEMPLATES, objects: WITH_CLAIM_TEMPLATES });
    const place = at(after, 'data2');
    expect(warnings).toContain(
      `${place}: warning: Namespace data leaves dist/data/ (the stage's namespace is data2 now): kubectl apply --prune deletes it, and with it everything in it, ` +
        'also what no file of dist/ holds: the Secrets demoapp-tls, mysqlsecret, whose values are in no commit; the claims its StatefulSets made (data-db-*) with their data\n' +
        '  hint: to keep them, set namespace: data back; to move the stage on purpose, apply it without --prune first (kubectl apply -k dist/data), ' +
        'make the Secrets in namespace data2 and copy the data over, then delete namespace data by hand',
    );
    expect(warnings).toContain(
      `${place}: warning: PersistentVolumeClaim data/mysql leaves dist/data/: kubectl apply --prune deletes it, ` +
        'and the volume bound to it is released (or deleted, as its reclaim policy says), while PersistentVolumeClaim data2/mysql starts empty\n' +
        "  hint: to keep the data, keep the stage's namespace (namespace: data); to move it on purpose, copy the data over before applying with --prune",
    );
  });

  it('when the stage is delivered by an engine that prunes as it syncs, says to keep the Namespace and claims from its prune before pushing', () => {
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}delivery: { cluster: nonprod }\n`;
    const after = `namespace: data2\n${before}`;
    const moving = (sync: StageEnvironment['sync']) =>
      changes(before, after, { env: { engine: 'argocd', sync } })
        .filter((w) => w.includes('leaves dist/data/'))
        .map((w) => w.split('\n  hint: ')[1]);
    const pruned = moving({ automated: true, prune: true });
    expect(pruned[0]).toBe(
      'to keep them, set namespace: data back; to move the stage on purpose, Argo CD prunes it as soon as the commit syncs, so before pushing, keep it from the prune ' +
        '(kubectl annotate namespace data argocd.argoproj.io/sync-options=Prune=false; kubectl annotate persistentvolumeclaim --all -n data argocd.argoproj.io/sync-options=Prune=false), ' +
        'or write delivery: { sync: { prune: false } } in that commit; then make the Secrets in namespace data2 and copy the data over, then delete namespace data by hand',
    );
    expect(pruned).toContain(
      "to keep the data, keep the stage's namespace (namespace: data); to move it on purpose, Argo CD prunes it as soon as the commit syncs, so before pushing, " +
        'keep it from the prune (kubectl annotate persistentvolumeclaim mysql -n data argocd.argoproj.io/sync-options=Prune=false), ' +
        'or write delivery: { sync: { prune: false } } in that commit; then copy the data over, then delete it by hand',
    );
    // Flux's annotation; and a stage Argo CD syncs by hand (or without prune) is synced without --prune first
    expect(changes(before, after, { env: { engine: 'flux' } }).join('\n')).toContain('kustomize.toolkit.fluxcd.io/prune=disabled');
    for (const sync of [{ automated: false }, { prune: false }])
      expect(moving(sync)[0]).toContain('sync it without --prune first (argocd app sync stagecraft-data), make the Secrets');
    expect(changes(before, after).join('\n')).toContain('apply it without --prune first (kubectl apply -k dist/data), make the Secrets');
  });

  it('when the stage is delivered by an engine that does not prune as each commit syncs, says what deletes the Namespace and claims, and what to do before it', () => {
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}delivery: { cluster: nonprod }\n`;
    const after = `namespace: data2\n${before}`;
    const namespace = (env: StageEnvironment) =>
      changes(before, after, { env }).find((w) => w.includes('Namespace data leaves dist/data/'))!;
    // a suspended Kustomization prunes when it is resumed; flux reconcile refuses a suspended one
    const suspended = namespace({ engine: 'flux', sync: { automated: false } });
    expect(suspended).toContain(
      ': Flux, which delivers the stage and prunes, deletes it once its suspended Kustomization is resumed (flux resume kustomization stagecraft-data), and with it everything in it',
    );
    expect(suspended).toContain(
      '  hint: to keep them, set namespace: data back; to move the stage on purpose, Flux prunes it once the stage is resumed, so before resuming it, keep it from the prune ' +
        '(kubectl annotate namespace data kustomize.toolkit.fluxcd.io/prune=disabled; kubectl annotate persistentvolumeclaim --all -n data kustomize.toolkit.fluxcd.io/prune=disabled), ' +
        'or write delivery: { sync: { prune: false } } in that commit; then make the Secrets',
    );
    expect(namespace({ engine: 'argocd', sync: { automated: false } })).toContain(
      ': Argo CD, which delivers the stage synced by hand, deletes it at a sync with prune (argocd app sync stagecraft-data --prune), and with it',
    );
    expect(namespace({ engine: 'argocd', sync: { prune: false } })).toContain(
      ': Argo CD, which delivers the stage without prune, deletes it at a sync with prune (argocd app sync stagecraft-data --prune), and with it',
    );
    const kept = namespace({ engine: 'flux', sync: { prune: false } });
    expect(kept).toContain(
      ': Flux, which delivers the stage without prune, leaves it in the cluster until it is deleted by hand, and with it',
    );
    expect(kept).toContain('to move the stage on purpose, make the Secrets in namespace data2');
    // a claim that leaves with the namespace: kept from the prune that resuming the stage does
    expect(changes(before, after, { env: { engine: 'flux', sync: { automated: false } } })).toContainEqual(
      expect.stringContaining(
        'PersistentVolumeClaim data/mysql leaves dist/data/: Flux, which delivers the stage and prunes, deletes it once its suspended Kustomization is resumed (flux resume kustomization stagecraft-data), and the volume bound to it is released',
      ),
    );
  });

  it("names the stage's own Application or Kustomization in the commands its hints give: <project>-<stage>, the project file's delivery.project", () => {
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}delivery: { cluster: nonprod }\n`;
    const after = `namespace: data2\n${before}`;
    const text = (env: StageEnvironment) => changes(before, after, { env }).join('\n');
    expect(text({ engine: 'argocd', project: 'shop', sync: { automated: false } })).toContain('argocd app sync shop-data --prune');
    expect(text({ engine: 'flux', project: 'shop', sync: { automated: false } })).toContain('flux resume kustomization shop-data');
    expect(text({ engine: 'flux', sync: { automated: false } })).toContain('flux resume kustomization stagecraft-data');
  });

  it('when the stage is delivered by an engine that prunes as it syncs, says that the engine deletes the Namespace and claims, not kubectl apply --prune', () => {
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}delivery: { cluster: nonprod }\n`;
    const after = `namespace: data2\n${before}`;
    const messages = (env: StageEnvironment) =>
      changes(before, after, { env })
        .filter((w) => w.includes('leaves dist/data/'))
        .map((w) => w.split('\n')[0].replace(/^.*?: warning: /, ''));
    const pruned = messages({ engine: 'argocd', sync: { automated: true, prune: true } });
    expect(pruned[0]).toBe(
      "Namespace data leaves dist/data/ (the stage's namespace is data2 now): Argo CD, which delivers the stage and prunes, deletes it as soon as the commit syncs, and with it everything in it, " +
        'also what no file of dist/ holds: the Secrets demoapp-tls, mysqlsecret, whose values are in no commit',
    );
    expect(pruned).toContain(
      'PersistentVolumeClaim data/mysql leaves dist/data/: Argo CD, which delivers the stage and prunes, deletes it as soon as the commit syncs, ' +
        'and the volume bound to it is released (or deleted, as its reclaim policy says), while PersistentVolumeClaim data2/mysql starts empty',
    );
    expect(messages({ engine: 'flux' })[0]).toContain(
      ': Flux, which delivers the stage and prunes, deletes it as soon as the commit syncs, and with it',
    );
    // synced by hand: by a sync with prune
    expect(messages({ engine: 'argocd', sync: { automated: false } })[0]).toContain(
      ': Argo CD, which delivers the stage synced by hand, deletes it at a sync with prune (argocd app sync stagecraft-data --prune), and with it',
    );
  });

  it('is warned about at the manifests app when a Namespace it included leaves, naming it', () => {
    const extra = `${OBJECTS}\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: extra }\n`;
    const warnings = changes(MANIFESTS, MANIFESTS, { was: extra, objects: OBJECTS });
    expect(warnings).toEqual([
      `${at(MANIFESTS, 'stack: manifests')}: warning: Namespace extra leaves dist/data/: kubectl apply --prune deletes it, and with it everything in it\n` +
        '  hint: to keep them, keep Namespace extra in the stage (among the files apps.legacy includes); to remove it on purpose, back up what it holds before applying with --prune',
    ]);
  });

  it('is not compared when there is no output yet', () => {
    const read: string[] = [];
    const outcome = compileStage({ ...source(STAGE, OBJECTS), readOutput: (f) => void read.push(f) }, {});
    expect(outcome.notices).toEqual([]);
    expect(read).toEqual(['inventory.txt']);
  });
});

describe('npm run synth', () => {
  it('writes the output and warns once, with exit 0, when a renamed app leaves its claim behind', () => {
    const dir = tempProject({ data: STAGE });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      writeFileSync(join(dir, 'environments', 'data.yaml'), RENAMED);
      const r = runCli('synth', [], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: PersistentVolumeClaim data/mysql leaves dist/data/: kubectl apply --prune deletes it');
      expect(readFileSync(join(dir, 'dist', 'data', 'inventory.txt'), 'utf8')).toContain('PersistentVolumeClaim data/shop-mysql\n');
      // said once: the output now is the renamed app's
      const again = runCli('synth', [], dir);
      expect(again.code).toBe(0);
      expect(again.stderr).not.toContain('leaves dist/');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says in its summary line what the warnings compared with: the stage's old inventory, read once, as the stage compiled", () => {
    const dir = tempProject({ data: STAGE });
    try {
      expect(runCli('synth', [], dir).code).toBe(0);
      writeFileSync(join(dir, 'environments', 'data.yaml'), RENAMED);
      const project = openProject(dir, { writer: 'synth' });
      const output = beginOutput(project, { removeOthers: true });
      try {
        const compiled = compile(project, project.stages, { noCache: true, output });
        expect(compiled.notices.map((p) => p.message).join('\n')).toContain('PersistentVolumeClaim data/mysql leaves dist/data/');
        // the inventory changes after the stage was compared with it (by hand: the command holds the lock)
        const inventory = join(dir, 'dist', 'data', 'inventory.txt');
        writeFileSync(inventory, readFileSync(inventory, 'utf8').replace(/^sha256:\S+ v1 PersistentVolumeClaim data\/mysql\n/m, ''));
        const [written] = output.write(compiled).stages;
        expect(writtenLines(written)[0]).toMatch(/\(\d+ added, \d+ changed, \d+ removed\)$/);
        expect(written.changes?.removed).toContain('v1 PersistentVolumeClaim data/mysql');
      } finally {
        output.abort();
        releaseHeldLocks();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
