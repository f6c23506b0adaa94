/** What a synthesis changes in a stage's output that the cluster cannot take: data that leaves it, fields the API server will not update. */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage, type StageEnvironment } from '../lib/compile-stage.js';
import { formatProblem } from '../lib/errors.js';
import { beginOutput, writtenLines } from '../lib/cli/output.js';
import { compile, openProject } from '../lib/cli/project.js';
import { releaseHeldLocks } from '../lib/cli/lock.js';
import { REPO, runCli, tempProject } from './helpers/cli.js';
import { at, changes, FILE, MANIFESTS, OBJECTS, OBJECTS_FILE, output, source, STAGE } from './helpers/output-changes.js';

const DAY_TWO = readFileSync(join(REPO, 'test/fixtures/stages/day-two.yaml'), 'utf8');

/** The included objects with a StatefulSet that makes a claim per pod (volumeClaimTemplates). */
const WITH_CLAIM_TEMPLATES = OBJECTS.replace(
  '          readinessProbe: { tcpSocket: { port: 5432 } }\n',
  '          readinessProbe: { tcpSocket: { port: 5432 } }\n' +
    '          volumeMounts: [{ name: data, mountPath: /var/lib/postgresql/data }]\n' +
    '  volumeClaimTemplates: [{ metadata: { name: data }, spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } } }]\n',
);

/** A PersistentVolume of the StorageClass 'fixed', for the included objects. */
const VOLUME =
  '---\napiVersion: v1\nkind: PersistentVolume\nmetadata: { name: local-data }\nspec:\n' +
  '  capacity: { storage: 1Gi }\n  accessModes: [ReadWriteOnce]\n  storageClassName: fixed\n  hostPath: { path: /data/local }\n';

/** A HorizontalPodAutoscaler of the included StatefulSet db, for the included objects. */
const AUTOSCALER =
  '---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: db }\nspec:\n' +
  '  scaleTargetRef: { apiVersion: apps/v1, kind: StatefulSet, name: db }\n  minReplicas: 2\n  maxReplicas: 4\n' +
  '  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]\n';

/** The included objects (`objects`) with `replicas: <value>` in the StatefulSet db's spec. */
const replicas = (value: string, objects = OBJECTS) => objects.replace('  serviceName: db\n', `  serviceName: db\n  replicas: ${value}\n`);

const RENAMED = STAGE.replace('  demoapp:\n', '  shop:\n    stack: demoapp\n');

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

describe('fields the API server will not change', () => {
  it('warns about a claim that shrinks, at the setting that gives its size', () => {
    const smaller = STAGE.replace('storage: 2Gi\n      resources', 'storage: 1Gi\n      resources');
    expect(changes(STAGE, smaller)).toEqual([
      // at the value of database.storage (line 23)
      `${FILE}:23:16: warning: PersistentVolumeClaim data/mysql: spec.resources.requests.storage changes from 2Gi to 1Gi, which the API server refuses (a claim never shrinks): ` +
        'kubectl apply fails on it\n' +
        '  hint: set apps.demoapp.database.storage back to 2Gi, or copy the data to a new claim of the new size',
    ]);
  });

  it('warns about a claim without a storage class that grows', () => {
    const larger = STAGE.replace('storage: 2Gi\n      resources', 'storage: 3Gi\n      resources');
    expect(changes(STAGE, larger).join('\n')).toContain(
      'PersistentVolumeClaim data/mysql: spec.resources.requests.storage changes from 2Gi to 3Gi, which the API server refuses ' +
        '(a claim without a storage class (storageClassName: "") cannot be resized)',
    );
  });

  it('warns about each immutable field of included manifests, at the field in its file', () => {
    const edited = OBJECTS.replace('serviceName: db', 'serviceName: db2')
      .replace('10.96.0.50', '10.96.0.51')
      .replace('migrate:1.0', 'migrate:1.1')
      .replace('mode: fast', 'mode: slow')
      .replace('storage: 1Gi', 'storage: 2Gi')
      .replace('{ matchLabels: { app: db } }', '{ matchLabels: { app: db, tier: data } }')
      .replace('metadata: { labels: { app: db } }', 'metadata: { labels: { app: db, tier: data } }');
    const warnings = changes(MANIFESTS, MANIFESTS, { objects: edited });
    expect(warnings.map((w) => w.split(', which')[0])).toEqual([
      `${OBJECTS_FILE}:7:45: warning: StatefulSet data/db: spec.selector.matchLabels.tier changes from (none) to data`,
      `${OBJECTS_FILE}:6:16: warning: StatefulSet data/db: spec.serviceName changes from db to db2`,
      `${OBJECTS_FILE}:34:18: warning: Job data/migrate: spec.template.spec.containers[0].image changes from migrate:1.0 to migrate:1.1`,
      `${OBJECTS_FILE}:41:15: warning: ConfigMap data/settings: data.mode changes from fast to slow`,
      `${OBJECTS_FILE}:54:37: warning: PersistentVolumeClaim data/cache: spec.resources.requests.storage changes from 1Gi to 2Gi`,
      `${OBJECTS_FILE}:21:14: warning: Service data/db: spec.clusterIP changes from 10.96.0.50 to 10.96.0.51`,
    ]);
    expect(warnings.join('\n')).toContain("(its StorageClass 'fixed' does not set allowVolumeExpansion: true)");
    expect(warnings.join('\n')).toContain('the ConfigMap is immutable: true');
  });

  it('says what the engine that delivers the stage does with a refused update, and to delete the object by hand only once the commit is pushed', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const objects = OBJECTS.replace('10.96.0.50', '10.96.0.51');
    const warning = (stage: string, env: StageEnvironment) =>
      changes(stage, stage, { objects, env }).find((w) => w.includes('Service data/db'))!;
    const [argo, argoHint] = warning(delivered, { engine: 'argocd' }).split('\n  hint: ');
    expect(argo).toBe(
      "objects/all.yaml:21:14: warning: Service data/db: spec.clusterIP changes from 10.96.0.50 to 10.96.0.51, which the API server refuses (a Service's clusterIP cannot change): " +
        "Argo CD's sync of the stage fails on it, refused by the API server: the Application stays OutOfSync, what comes in later sync waves is not applied, " +
        'and once its retries are spent Argo CD does not sync that commit again by itself',
    );
    expect(argoHint).toBe(
      'keep the old value, or delete it and apply again on purpose (kubectl delete service db -n data): its clients cannot reach it in between; ' +
        'Argo CD delivers the stage: delete it only once this commit is pushed and its sync has failed (deleted before, a sync of the commit before makes it again as it was), ' +
        'then sync the stage by hand (argocd app sync stagecraft-data), since Argo CD does not sync that commit again by itself',
    );
    const [flux, fluxHint] = warning(delivered, { engine: 'flux' }).split('\n  hint: ');
    expect(flux).toMatch(
      /: Flux's apply of the stage fails on it \(its dry-run is refused\), so nothing of the stage is applied but its Namespaces, CRDs and \*Class objects: the Kustomization is not ready, tried again every 2 minutes, and the stages that depend on it wait$/,
    );
    expect(fluxHint).toMatch(
      /; Flux delivers the stage: delete it only once this commit is pushed and its apply has failed .*flux reconcile kustomization/,
    );
    // a fix that deletes nothing (a claim that shrinks: copy the data to a new claim) says nothing of when to delete
    const shrunk = OBJECTS.replace(
      'resources: { requests: { storage: 1Gi } }\n---\napiVersion: v1\nkind: Pod',
      'resources: { requests: { storage: 512Mi } }\n---\napiVersion: v1\nkind: Pod',
    );
    expect(shrunk).not.toBe(OBJECTS);
    const claim = changes(delivered, delivered, { objects: shrunk, env: { engine: 'argocd' } }).find((w) =>
      w.includes('PersistentVolumeClaim data/cache'),
    )!;
    expect(claim).toContain("(a claim never shrinks): Argo CD's sync of the stage fails on it, refused by the API server");
    expect(claim).toMatch(/\n {2}hint: keep the old value, or copy the data to a new claim of the new size$/);
    // kubectl: the apply fails, and nothing about pushing
    expect(warning(MANIFESTS, {})).toMatch(
      /: kubectl apply fails on it\n {2}hint: keep the old value, or delete it and apply again on purpose \(kubectl delete service db -n data\): its clients cannot reach it in between$/,
    );
  });

  it("says what the engine does with a claim's newly written storageClassName, refused unless the cluster gave it that class", () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const was = OBJECTS.replace('metadata: { name: cache }\nspec:\n  storageClassName: fixed\n', 'metadata: { name: cache }\nspec:\n');
    expect(was).not.toBe(OBJECTS);
    const warning = (stage: string, env: StageEnvironment) =>
      changes(stage, stage, { was, objects: OBJECTS, env }).find((w) => w.includes('spec.storageClassName'))!;
    expect(warning(delivered, { engine: 'flux' })).toContain(
      "which is not known at synth time: Flux's apply of the stage fails on it (its dry-run is refused), so nothing of the stage is applied but its Namespaces, CRDs and *Class objects: the Kustomization is not ready, tried again every 2 minutes, and the stages that depend on it wait (a claim's spec cannot change once it is created, only its storage request grow) unless that is fixed",
    );
    expect(warning(MANIFESTS, {})).toContain('which is not known at synth time: kubectl apply fails on it (a claim');
  });

  it("gives, for a Job's new template in a stage an engine delivers, the annotation that has the engine recreate it at each change", () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const objects = OBJECTS.replace('migrate:1.0', 'migrate:1.1');
    const hint = (stage: string, env: StageEnvironment) =>
      changes(stage, stage, { objects, env })
        .find((w) => w.includes('Job data/migrate'))!
        .split('\n  hint: ')[1];
    expect(hint(delivered, { engine: 'flux' })).toBe(
      'keep the old value, or delete the Job and apply again on purpose (kubectl delete job migrate -n data): it then runs again, with the new spec; ' +
        'Flux delivers the stage: delete it only once this commit is pushed and its apply has failed (deleted before, an apply of the commit before makes it again as it was); ' +
        'Flux applies it anew at its next try, within 2 minutes (flux reconcile kustomization stagecraft-data does it at once); ' +
        'or, so that Flux deletes and creates it anew whenever its update is refused, annotate it in its file kustomize.toolkit.fluxcd.io/force: enabled',
    );
    // Force=true alone: with Replace=true, Argo CD would replace the Job, running it again, at every sync of the stage
    expect(hint(delivered, { engine: 'argocd' })).toMatch(
      /; or, so that Argo CD deletes and creates it anew whenever its update is refused, annotate it in its file argocd\.argoproj\.io\/sync-options: Force=true$/,
    );
    // kubectl knows neither
    expect(hint(MANIFESTS, {})).not.toContain('annotate');
  });

  it('shows an empty value as "" in an immutable field\'s change, not as nothing', () => {
    const before = OBJECTS.replace('{ matchLabels: { app: db } }', '{ matchLabels: { app: db, tier: "" } }').replace(
      'metadata: { labels: { app: db } }',
      'metadata: { labels: { app: db, tier: "" } }',
    );
    const warnings = changes(MANIFESTS, MANIFESTS, { was: before });
    expect(warnings.map((w) => w.split(', which')[0].replace(/^\S+ /, ''))).toContain(
      'warning: StatefulSet data/db: spec.selector.matchLabels.tier changes from "" to (none)',
    );
  });

  it('does not warn about a claim that grows where its StorageClass allows expansion, nor about fields the API server updates', () => {
    const expandable = OBJECTS.replace('provisioner: example.com/disk', 'provisioner: example.com/disk\nallowVolumeExpansion: true');
    const edited = expandable
      .replace('storage: 1Gi', 'storage: 2Gi')
      .replace('postgres:16.1', 'postgres:16.2')
      .replace('ports: [{ port: 5432 }]', 'ports: [{ port: 5433, targetPort: 5432 }]');
    const dist = output(MANIFESTS, expandable);
    const outcome = compileStage(
      source(MANIFESTS, edited, (f) => dist.get(f)),
      {},
    );
    expect(outcome.problems).toEqual([]);
    expect(outcome.notices).toEqual([]);
  });

  it('warns about every StatefulSet field but those it may update, with the way to replace it that keeps its pods, and not about a default written out', () => {
    const warnings = (edited: string) => changes(MANIFESTS, MANIFESTS, { was: WITH_CLAIM_TEMPLATES, objects: edited });
    const larger = WITH_CLAIM_TEMPLATES.replace('{ requests: { storage: 1Gi } } } }]', '{ requests: { storage: 2Gi } } } }]');
    expect(warnings(larger)).toEqual([
      `${at(larger, '2Gi } } } }]', OBJECTS_FILE)}: warning: ` +
        'StatefulSet data/db: spec.volumeClaimTemplates[0].spec.resources.requests.storage changes from 1Gi to 2Gi, which the API server refuses ' +
        "(a StatefulSet's spec.volumeClaimTemplates cannot change once it is created): kubectl apply fails on it\n" +
        '  hint: keep the old value, or delete the StatefulSet but not its pods, then apply again: kubectl delete statefulset db -n data --cascade=orphan; ' +
        'the new StatefulSet takes over the running pods; the claims it made before keep their size and class (grow each one by hand, where its StorageClass allows expansion)',
    ]);
    expect(
      warnings(WITH_CLAIM_TEMPLATES.replace('  serviceName: db\n', '  serviceName: db\n  revisionHistoryLimit: 3\n')).join('\n'),
    ).toContain('StatefulSet data/db: spec.revisionHistoryLimit changes from (none) to 3, which the API server refuses');
    // what the API server writes when the manifest says nothing
    expect(
      warnings(
        WITH_CLAIM_TEMPLATES.replace(
          '  serviceName: db\n',
          '  serviceName: db\n  podManagementPolicy: OrderedReady\n  revisionHistoryLimit: 10\n',
        ),
      ),
    ).toEqual([]);
    expect(
      warnings(
        WITH_CLAIM_TEMPLATES.replace(
          'kind: Job\nmetadata: { name: migrate }\nspec:\n',
          'kind: Job\nmetadata: { name: migrate }\nspec:\n  completions: 2\n',
        ),
      ).join('\n'),
    ).toContain(
      "Job data/migrate: spec.completions changes from (none) to 2, which the API server refuses (a Job's spec.completions cannot change once it is created): kubectl apply fails on it\n" +
        '  hint: keep the old value, or delete the Job and apply again on purpose (kubectl delete job migrate -n data): it then runs again, with the new spec',
    );
  });

  it('tells an upgrader to delete a Job whose template lost the labels the previous release wrote into it, since there is no old value to keep', () => {
    // dist/ as the release before adopt3 wrote it: the standard labels on the included Job's template too
    const labelled = OBJECTS.replace(
      'metadata: { name: migrate }\nspec:\n  template:\n',
      'metadata: { name: migrate }\nspec:\n  template:\n    metadata: { labels: { app.kubernetes.io/managed-by: stagecraft, stagecraft.dev/stage: data } }\n',
    );
    expect(labelled).not.toBe(OBJECTS);
    const warning = changes(MANIFESTS, MANIFESTS, { was: labelled }).find((w) => w.includes('Job data/migrate'));
    expect(warning).toContain('Job data/migrate: spec.template.metadata changes from');
    expect(warning).toContain(
      '  hint: stagecraft no longer writes its labels (nor, on amd64, its node selector) into an included pod template, so there is no old value to keep: ' +
        'delete the Job before this apply (kubectl delete job migrate -n data); applied, it runs again',
    );
    expect(warning).not.toContain('keep the old value');
  });

  it('tells an upgrader whose stage an engine delivers to delete that Job only once the commit is pushed, as the engine takes it', () => {
    const labelled = OBJECTS.replace(
      'metadata: { name: migrate }\nspec:\n  template:\n',
      'metadata: { name: migrate }\nspec:\n  template:\n    metadata: { labels: { app.kubernetes.io/managed-by: stagecraft, stagecraft.dev/stage: data } }\n',
    );
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const hint = (env: StageEnvironment) =>
      changes(delivered, delivered, { was: labelled, env })
        .find((w) => w.includes('Job data/migrate'))!
        .split('\n  hint: ')[1];
    const argo = hint({ engine: 'argocd' });
    // deleted before the push, the engine's sync of the commit before makes it again
    expect(argo).not.toContain('before this apply');
    expect(argo).toContain(
      'so there is no old value to keep: delete the Job (kubectl delete job migrate -n data); Argo CD delivers the stage: delete it only once this commit is pushed and its sync has failed',
    );
    expect(hint({ engine: 'flux' })).toContain(
      '(kubectl delete job migrate -n data); Flux delivers the stage: delete it only once this commit is pushed and its apply has failed',
    );
    expect(hint({ engine: 'flux', sync: { automated: false } })).toContain(
      "(kubectl delete job migrate -n data); Flux's Kustomization of the stage is suspended: once this commit is pushed, delete it, then resume the stage (flux resume kustomization stagecraft-data), which applies it anew; applied, it runs again",
    );
  });

  it('says, in a stage its engine does not sync at each push, that nothing applies it until it is synced or resumed by hand, and not that it is tried again', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const objects = OBJECTS.replace('10.96.0.50', '10.96.0.51');
    const warning = (env: StageEnvironment) => changes(delivered, delivered, { objects, env }).find((w) => w.includes('Service data/db'))!;
    const [flux, fluxHint] = warning({ engine: 'flux', sync: { automated: false } }).split('\n  hint: ');
    expect(flux).toContain(
      "(a Service's clusterIP cannot change): its Kustomization is suspended, so Flux applies nothing until it is resumed (flux resume kustomization stagecraft-data); " +
        "then Flux's apply of the stage fails on it",
    );
    expect(fluxHint).toMatch(
      /; Flux's Kustomization of the stage is suspended: once this commit is pushed, delete it, then resume the stage \(flux resume kustomization stagecraft-data\), which applies it anew$/,
    );
    expect(fluxHint).not.toContain('flux reconcile');
    const [argo, argoHint] = warning({ engine: 'argocd', sync: { automated: false } }).split('\n  hint: ');
    expect(argo).toMatch(
      /: Argo CD's sync of the stage, which is synced by hand \(argocd app sync stagecraft-data\), fails on it, refused by the API server: the Application stays OutOfSync, and what comes in later sync waves is not applied$/,
    );
    expect(argoHint).toMatch(
      /; Argo CD syncs the stage only by hand: once this commit is pushed, delete it, then sync the stage \(argocd app sync stagecraft-data\)$/,
    );
    expect(argoHint).not.toContain('its sync has failed');
  });

  it("does not warn about a default the API server fills in, now written out: a claim's, a volume's or a claim template's volumeMode: Filesystem, a Job's completions: 1", () => {
    const was = `${WITH_CLAIM_TEMPLATES}${VOLUME}`;
    const written = was
      .replace('  storageClassName: fixed\n  accessModes', '  storageClassName: fixed\n  volumeMode: Filesystem\n  accessModes')
      .replace('  hostPath: { path: /data/local }\n', '  hostPath: { path: /data/local }\n  volumeMode: Filesystem\n')
      .replace('spec: { accessModes: [ReadWriteOnce], resources', 'spec: { volumeMode: Filesystem, accessModes: [ReadWriteOnce], resources')
      .replace('kind: Job\nmetadata: { name: migrate }\nspec:\n', 'kind: Job\nmetadata: { name: migrate }\nspec:\n  completions: 1\n');
    expect(written).not.toBe(was);
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: written })).toEqual([]);
    // and back: the update is defaulted again
    const job = 'kind: Job\nmetadata: { name: migrate }\nspec:\n';
    expect(changes(MANIFESTS, MANIFESTS, { was: written, objects: was.replace(job, `${job}  completions: 1\n`) })).toEqual([]);
    // but for completions, once the Job has parallelism (1, given with completions: 1 when it was made)
    expect(changes(MANIFESTS, MANIFESTS, { was: written, objects: written.replace('  completions: 1\n', '') }).join('\n')).toContain(
      'Job data/migrate: spec.completions changes from 1 to (none), which the API server refuses',
    );
    // another value is a change
    const block = written.replace('  volumeMode: Filesystem\n  accessModes', '  volumeMode: Block\n  accessModes');
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: block }).map((w) => w.split(', which')[0])).toEqual([
      `${at(block, 'Block', OBJECTS_FILE)}: warning: PersistentVolumeClaim data/cache: spec.volumeMode changes from (none) to Block`,
    ]);
    // a Job made with parallelism has no completions: 1 to write out
    const parallel = was.replace(
      'kind: Job\nmetadata: { name: migrate }\nspec:\n',
      'kind: Job\nmetadata: { name: migrate }\nspec:\n  parallelism: 2\n',
    );
    expect(
      changes(MANIFESTS, MANIFESTS, {
        was: parallel,
        objects: parallel.replace('  parallelism: 2\n', '  parallelism: 2\n  completions: 1\n'),
      }).join('\n'),
    ).toContain('Job data/migrate: spec.completions changes from (none) to 1, which the API server refuses');
  });

  it("does not warn about the defaults of a plain Job's pod template now written out (as kubectl get -o yaml prints them), nor written out before and left out now; a real change still warns", () => {
    const job = '      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: migrate:1.0\n';
    const requests = '          resources: { requests: { cpu: 100m, memory: 64Mi }, limits: { memory: 64Mi } }\n';
    expect(OBJECTS).toContain(job + requests);
    // a container with no resources, exported as `resources: {}`
    const bare = OBJECTS.replace(job + requests, job);
    const exported = bare
      .replace(
        job,
        '      restartPolicy: Never\n      dnsPolicy: ClusterFirst\n      schedulerName: default-scheduler\n      terminationGracePeriodSeconds: 30\n' +
          '      securityContext: {}\n      hostNetwork: false\n      volumes: []\n      nodeSelector: {}\n      containers:\n        - name: migrate\n          image: migrate:1.0\n' +
          '          imagePullPolicy: IfNotPresent\n          resources: {}\n          terminationMessagePath: /dev/termination-log\n          terminationMessagePolicy: File\n',
      )
      .replace('    spec:\n      restartPolicy: Never', '    metadata: { creationTimestamp: null }\n    spec:\n      restartPolicy: Never');
    expect(changes(MANIFESTS, MANIFESTS, { was: bare, objects: exported })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: exported, objects: bare })).toEqual([]);
    // another value than the default is a change: the API server refuses it
    const always = exported.replace('imagePullPolicy: IfNotPresent', 'imagePullPolicy: Always');
    expect(changes(MANIFESTS, MANIFESTS, { was: bare, objects: always }).map((w) => w.split(', which')[0])).toEqual([
      `${at(always, 'Always', OBJECTS_FILE)}: warning: Job data/migrate: spec.template.spec.containers[0].imagePullPolicy changes from (none) to Always`,
    ]);
  });

  it('says that a claim newly given a storageClassName fails only when the cluster gave it another class, which synth cannot know', () => {
    const unclassed = OBJECTS.replace('  storageClassName: fixed\n  accessModes', '  accessModes');
    expect(changes(MANIFESTS, MANIFESTS, { was: unclassed, objects: OBJECTS })).toEqual([
      `${at(OBJECTS, 'storageClassName: fixed', OBJECTS_FILE).replace(/:3$/, ':21')}: warning: PersistentVolumeClaim data/cache: spec.storageClassName changes from (none) to fixed, ` +
        "but the claim has the class the cluster gave it when it was made (the cluster's default StorageClass, if it had one), which is not known at synth time: " +
        "kubectl apply fails on it (a claim's spec cannot change once it is created, only its storage request grow) unless that is fixed\n" +
        "  hint: see which it has (kubectl get persistentvolumeclaim cache -n data -o jsonpath='{.spec.storageClassName}'): if it is fixed, nothing changes; " +
        'else keep the old value, or delete it and apply again on purpose (kubectl delete persistentvolumeclaim cache -n data): ' +
        'the claim goes once no pod uses it, and its data with it unless copied first',
    ]);
    // a volume the claim was bound to, alike
    expect(
      changes(MANIFESTS, MANIFESTS, {
        objects: OBJECTS.replace(
          '  storageClassName: fixed\n  accessModes',
          '  storageClassName: fixed\n  volumeName: disk-1\n  accessModes',
        ),
      }).join('\n'),
    ).toContain(
      'spec.volumeName changes from (none) to disk-1, but the claim has the volume the cluster bound it to, which is not known at synth time: ' +
        "kubectl apply fails on it (a claim's spec cannot change once it is created, only its storage request grow) unless that is disk-1, or the claim is still unbound",
    );
    // a class changed from one written before is refused, whatever the cluster's default
    expect(
      changes(MANIFESTS, MANIFESTS, {
        objects: OBJECTS.replace('  storageClassName: fixed\n  accessModes', '  storageClassName: fast\n  accessModes'),
      }).join('\n'),
    ).toContain(
      "spec.storageClassName changes from fixed to fast, which the API server refuses (a claim's spec cannot change once it is created",
    );
  });

  it('does not warn about a nodeAffinity of a zone given to a PersistentVolume that had none (one node, test/apps/demoapp-database.test.ts), only about one changed once set', () => {
    const affinity = (zone: string) =>
      `  nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: topology.kubernetes.io/zone, operator: In, values: [${zone}] }] }] } }\n`;
    const was = `${OBJECTS}${VOLUME}`;
    const pinned = (zone: string) =>
      was.replace('  hostPath: { path: /data/local }\n', `  hostPath: { path: /data/local }\n${affinity(zone)}`);
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: pinned('a') })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: pinned('a'), objects: pinned('b') }).map((w) => w.split(': kubectl')[0])).toEqual([
      `${at(pinned('b'), 'b] }', OBJECTS_FILE)}: warning: PersistentVolume local-data: ` +
        'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0] changes from a to b, which the API server refuses ' +
        "(a PersistentVolume's nodeAffinity cannot change once it is set)",
    ]);
  });

  it("says, for a new selector, what keeps the old pods: a Deployment's old ReplicaSet, to delete once the new pods are ready; a StatefulSet's pod names, taken one at a time", () => {
    const web = readFileSync(join(REPO, 'test/fixtures/manifests/day-two/web.yaml'), 'utf8')
      .split('\n---\n')
      .find((d) => d.includes('kind: Deployment'))!
      .replace('          envFrom: [{ configMapRef: { name: web-settings } }]\n', '');
    const was = `${OBJECTS}\n---\n${web}`;
    const hints = (objects: string) => changes(MANIFESTS, MANIFESTS, { was, objects }).map((w) => w.split('\n  hint: ')[1]);
    expect(hints(was.replace(/app: web\b/g, 'app: web2'))).toEqual([
      'keep the old value, or delete the Deployment but not its pods, then apply again: kubectl delete deployment web -n data --cascade=orphan; ' +
        "its old ReplicaSet keeps the old pods running; once the new pods are ready, delete it: kubectl delete rs -n data <its name> (the older of those kubectl get rs -n data -l 'app=web' lists)",
    ]);
    expect(hints(was.replace(/app: db\b/g, 'app: db2'))).toEqual([
      'keep the old value, or delete the StatefulSet but not its pods, then apply again: kubectl delete statefulset db -n data --cascade=orphan; ' +
        'then delete the old pods one at a time (kubectl delete pod -n data db-0, then the next once its replacement is ready): ' +
        'the new StatefulSet makes each pod, under the same name, only once the old one is gone, so each is down in between (keeping the selector avoids it)',
    ]);
  });

  // ValidatePodUpdate: a Pod's spec is fixed but for its images and what test/immutable-fields.test.ts lists
  it('warns, at the setting, that a Pod placed by hand cannot move to another node, and not about a new image', () => {
    const pinned = 'nodes:\n  a: {}\n  b: {}\napps:\n  pinned-nginx:\n    node: a\n';
    const moved = pinned.replace('node: a', 'node: b');
    expect(changes(pinned, moved)).toEqual(
      ['curl', 'nginx'].map(
        (pod) =>
          `${FILE}:6:11: warning: Pod data/${pod}: spec.nodeName changes from a to b, which the API server refuses ` +
          "(a Pod's spec cannot change once it is created, but for its images, an activeDeadlineSeconds set or shortened, tolerations added and a negative terminationGracePeriodSeconds set to 1): kubectl apply fails on it\n" +
          `  hint: set apps.pinned-nginx.node back to a, or delete the Pod and apply again on purpose (kubectl delete pod ${pod} -n data): it does not run in between`,
      ),
    );
    // an image may change (its pull policy's default with it: Always for nginx, IfNotPresent for nginx:1.25)
    expect(changes(pinned, `${pinned}    server: { image: "nginx:1.25" }\n`)).toEqual([]);
  });

  it('warns that a headless Service stays headless when its clusterIP None is removed, and not when an explicit clusterIP is emptied', () => {
    const headless = OBJECTS.replace('clusterIP: 10.96.0.50', 'clusterIP: None');
    const warnings = (edited: string) => changes(MANIFESTS, MANIFESTS, { was: headless, objects: edited });
    expect(warnings(headless.replace('  clusterIP: None\n', ''))).toEqual([
      // at the spec the field left (the mapping under spec:, line 21)
      `${OBJECTS_FILE}:21:3: warning: Service data/db: spec.clusterIP changes from None to (none), but the API server keeps None where no clusterIP is given: ` +
        'kubectl apply succeeds and the Service stays headless, with no cluster IP\n' +
        '  hint: keep the old value (clusterIP: None), or, to give the Service a cluster IP, delete it and apply again on purpose (its clients cannot reach it in between)',
    ]);
    expect(warnings(headless.replace('clusterIP: None', 'clusterIP: ""'))).toHaveLength(1);
    // made NodePort or LoadBalancer, it keeps None, which that type may not have: refused; made ExternalName, it has no cluster IP
    expect(warnings(headless.replace('  clusterIP: None\n', '  type: NodePort\n'))).toEqual([
      `${OBJECTS_FILE}:21:3: warning: Service data/db: spec.clusterIP changes from None to (none), which the API server refuses ` +
        '(the API server keeps None where no clusterIP is given, and a NodePort Service may not have clusterIP None): kubectl apply fails on it\n' +
        '  hint: keep the old value (type: ClusterIP, clusterIP: None), or, to make it a NodePort Service, delete it and apply again on purpose ' +
        '(kubectl delete service db -n data: its clients cannot reach it in between)',
    ]);
    expect(warnings(headless.replace('  clusterIP: None\n', '  type: ExternalName\n  externalName: db.example.com\n'))).toEqual([]);
    // an explicit address emptied: the API server keeps the address, as when the field is removed
    expect(changes(MANIFESTS, MANIFESTS, { objects: OBJECTS.replace('clusterIP: 10.96.0.50', 'clusterIP: ""') })).toEqual([]);
  });

  it("reads no output file but the inventory when no object of a compared kind changed, and the changed app's file when one did", () => {
    const read: string[] = [];
    expect(changes(STAGE, STAGE.replace('demoapp.data.example.com', 'shop.data.example.com'), { read })).toEqual([]);
    expect(read).toEqual(['inventory.txt']);
    read.length = 0;
    expect(changes(STAGE, STAGE.replace('image: demoapp:1\n', 'image: demoapp:2\n'), { read })).toEqual([]);
    expect(read).toEqual(['inventory.txt', '10-demoapp.yaml']);
    // a renamed app: its old file, found through the kustomization, and nothing of the new one
    read.length = 0;
    expect(changes(STAGE, RENAMED, { read })).toHaveLength(4);
    expect(read).toEqual(['inventory.txt', 'Kustomization', '10-demoapp.yaml']);
  });
});

describe('what applying a change does besides refusing it', () => {
  it('warns, at the setting, that an app given autoscaling drops to one pod on the next apply, with the command that avoids it', () => {
    const autoscaled = DAY_TWO.replace('    replicas: 3\n', '    autoscaling: { minReplicas: 3, maxReplicas: 6 }\n');
    expect(changes(DAY_TWO, autoscaled)).toEqual([
      `${at(autoscaled, '{ minReplicas: 3')}: warning: Deployment data/api: spec.replicas: 3 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the Deployment goes from 3 pods to 1 until HorizontalPodAutoscaler data/api scales it up again\n' +
        '  hint: before applying, remove the field from what kubectl last applied, which changes no pod count: ' +
        'kubectl apply edit-last-applied deployment/api -n data, delete spec.replicas and save; then apply as usual (with server-side apply, hand the field over to the autoscaler instead)',
    ]);
  });

  it("gives, in a stage Flux delivers, the server-side hand-over of spec.replicas, since Flux's apply reads no last-applied configuration", () => {
    const delivered = `${DAY_TWO}delivery: { cluster: nonprod }\n`;
    const autoscaled = delivered.replace('    replicas: 3\n', '    autoscaling: { minReplicas: 3, maxReplicas: 6 }\n');
    expect(changes(delivered, autoscaled, { env: { engine: 'flux' } })).toEqual([
      `${at(autoscaled, '{ minReplicas: 3')}: warning: Deployment data/api: spec.replicas: 3 is no longer written, so Flux's server-side apply removes it (while it owns the field) and the API server sets the default, 1: ` +
        'the Deployment goes from 3 pods to 1 until HorizontalPodAutoscaler data/api scales it up again\n' +
        '  hint: before pushing, hand the field over to the autoscaler, which changes no pod count: ' +
        `echo '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"data"},"spec":{"replicas":3}}' | kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - ` +
        "(a conflict there means that the autoscaler's manager owns the field already: push as usual, and do not force it, which would set the pods back to 3); then push as usual",
    ]);
    // Argo CD applies client-side, with kubectl's last-applied configuration, as soon as the commit is pushed
    const [argo] = changes(delivered, autoscaled, { env: { engine: 'argocd' } });
    expect(argo).toContain("spec.replicas: 3 is no longer written, so Argo CD's sync (a client-side kubectl apply) removes it");
    expect(argo.split('\n  hint: ')[1]).toBe(
      'before pushing, remove the field from what kubectl last applied, which changes no pod count: kubectl apply edit-last-applied deployment/api -n data, delete spec.replicas and save; then push as usual',
    );
  });

  it('gives, in a stage Flux delivers with no autoscaler in the output (KEDA, scaling done outside), the server-side hand-over, not the last-applied edit Flux has no use for', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const [warning] = changes(delivered, delivered, { was: replicas('2'), env: { engine: 'flux' } });
    expect(warning.split('\n  hint: ')[1]).toBe(
      'write spec.replicas: 2 again; or, if something else sets the number of pods, first hand the field over to what sets it, which changes no pod count: ' +
        `echo '{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"data"},"spec":{"replicas":2}}' | kubectl apply --server-side --field-manager=handover-to-hpa --validate=false -f - ` +
        '(a conflict there means that another manager owns the field already: push as usual, and do not force it, which would set the pods back to 2)',
    );
  });

  it('warns at the manifest of a workload whose spec.replicas is removed, and not about one of 1 pod, whose default is the same', () => {
    const edited = replicas('2');
    expect(changes(MANIFESTS, MANIFESTS, { was: edited })).toEqual([
      // at the spec the field left (the mapping under spec:, line 6)
      `${OBJECTS_FILE}:6:3: warning: StatefulSet data/db: spec.replicas: 2 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the StatefulSet goes from 2 pods to 1\n' +
        '  hint: write spec.replicas: 2 again; or, if something else sets the number of pods, first remove the field from what kubectl last applied, ' +
        'which changes no pod count: kubectl apply edit-last-applied statefulset/db -n data, delete spec.replicas and save',
    ]);
    const one = DAY_TWO.replace('replicas: 3', 'replicas: 1');
    expect(changes(one, one.replace('    replicas: 1\n', '    autoscaling: { minReplicas: 1, maxReplicas: 6 }\n'))).toEqual([]);
  });

  it('warns about a workload of 1 pod whose spec.replicas is removed when an autoscaler already scaled it: it drops from what the autoscaler set', () => {
    const edited = `${OBJECTS}${AUTOSCALER}`;
    const warnings = changes(MANIFESTS, MANIFESTS, {
      was: replicas('1', edited),
      objects: edited,
    });
    expect(warnings.map((w) => w.split('\n')[0])).toEqual([
      `${OBJECTS_FILE}:6:3: warning: StatefulSet data/db: spec.replicas: 1 is no longer written, so kubectl apply removes it and the API server sets the default, 1: ` +
        'the StatefulSet drops to 1 pod from the number HorizontalPodAutoscaler data/db scaled it to, until HorizontalPodAutoscaler data/db scales it up again',
    ]);
  });
});

describe('a spec.replicas of null in an included manifest (a Helm value left empty), which kubectl apply sends to remove the field', () => {
  const scaled = `${OBJECTS}${AUTOSCALER}`;

  it('is warned about at the null where it replaces a number: the workload goes to 1 pod', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('2'), objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: spec.replicas changes from 2 to null, which kubectl apply sends to remove the field, ` +
        'and the API server sets the default, 1: the StatefulSet goes from 2 pods to 1\n' +
        '  hint: write spec.replicas: 2 again where it is null (a Helm template renders a value left empty as null): every apply of the null sets the StatefulSet to 1 pod again',
    ]);
  });

  it('is warned about where the autoscaler that scaled the workload leaves with it: it drops to 1 pod from what the autoscaler set', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: spec.replicas is now null, which kubectl apply sends to remove the field, ` +
        'and the API server sets the default, 1: the StatefulSet drops to 1 pod from the number HorizontalPodAutoscaler data/db scaled it to\n' +
        '  hint: write the number of pods in spec.replicas where it is null (a Helm template renders a value left empty as null): every apply of the null sets the StatefulSet to 1 pod again',
    ]);
  });

  it('is warned about where it stays while the autoscaler leaves: every apply sets the workload to 1 pod, which nothing scales up any more', () => {
    const nulled = replicas('null');
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('null', scaled), objects: nulled })).toEqual([
      `${at(nulled, 'null', OBJECTS_FILE)}: warning: StatefulSet data/db: HorizontalPodAutoscaler data/db leaves while spec.replicas is null, ` +
        'which kubectl apply sends to remove the field, and the API server sets the default, 1: the StatefulSet drops to 1 pod from the number the autoscaler scaled it to, and nothing scales it up again\n' +
        '  hint: write the number of pods in spec.replicas where it is null (a Helm template renders a value left empty as null), or keep the autoscaler',
    ]);
  });

  it('when left out, with the autoscaler leaving, is warned about: the workload keeps the number the autoscaler last set; not when it is written', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: OBJECTS })).toEqual([
      `${at(OBJECTS, 'db }', OBJECTS_FILE)}: warning: StatefulSet data/db: HorizontalPodAutoscaler data/db leaves and the StatefulSet writes no spec.replicas, ` +
        'which kubectl apply then leaves alone: it keeps the number of pods the autoscaler last set, which nothing changes any more\n' +
        '  hint: write the number of pods in spec.replicas, or keep the autoscaler; kubectl get statefulset db -n data shows the number it has now',
    ]);
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: replicas('3') })).toEqual([]);
  });

  it('is left to refs/autoscaled-replicas while an autoscaler scales the workload, and not warned about where the workload had the default of 1 pod', () => {
    // refs/autoscaled-replicas says it at every synth, with its fix; the edit of the last-applied configuration would not hold
    expect(changes(MANIFESTS, MANIFESTS, { was: scaled, objects: replicas('null', scaled) })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('3', scaled), objects: replicas('null', scaled) })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { objects: replicas('null') })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was: replicas('1'), objects: replicas('null') })).toEqual([]);
  });
});

describe("a ReplicationController's new template", () => {
  const lab = 'apps:\n  nginx:\n    image: nginx\n    replicas: 3\n';

  it('is warned about at the image setting: kubectl apply replaces none of its running pods', () => {
    const upgraded = lab.replace('image: nginx', 'image: nginx:1.25.3-alpine');
    expect(changes(lab, upgraded)).toEqual([
      `${at(upgraded, 'nginx:1.25.3-alpine')}: warning: ReplicationController data/nginx: its image changes from nginx to nginx:1.25.3-alpine, ` +
        'but a ReplicationController makes pods from a new template only to replace pods that go: kubectl apply changes the template, and the running pods keep the old one until they are deleted\n' +
        "  hint: after applying, delete its pods one at a time (kubectl get pods -n data -l 'app=nginx', then kubectl delete pod -n data <name>), " +
        'each replaced from the new template before the next; or run it as a Deployment, which rolls a new template out itself',
    ]);
  });

  it('is not warned about when only its replicas change', () => {
    expect(changes(lab, lab.replace('replicas: 3', 'replicas: 5'))).toEqual([]);
  });
});

describe("a ReplicationController's new selector, which the API server takes (ValidateReplicationControllerUpdate)", () => {
  const rc = (selector: string, labels = 'app: cache, tier: web') =>
    `${OBJECTS}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: { name: cache }\nspec:\n  replicas: 2\n${selector}` +
    `  template:\n    metadata: { labels: { ${labels} } }\n    spec: { containers: [{ name: cache, image: memcached:1.6 }] }\n`;
  const was = rc('  selector: { app: cache }\n');

  it('is warned about at the selector when it no longer matches the pods the controller made: they keep running, let go', () => {
    const moved = rc('  selector: { app: cache2 }\n', 'app: cache2');
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: moved })).toEqual([
      `${at(moved, '{ app: cache2 }', OBJECTS_FILE)}: warning: ReplicationController data/cache: spec.selector changes from {"app":"cache"} to {"app":"cache2"}, ` +
        'which the API server takes, but the pods it made do not match the new selector: the ReplicationController lets them go and makes new ones, ' +
        'and the old pods keep running with no controller (the Services that select them still send them traffic)\n' +
        "  hint: keep the old value; or, once the new pods are ready, delete the old ones: kubectl delete pod -n data -l 'app=cache'",
    ]);
    // written in the old manifest only, the selector is the new template's labels (SetDefaults_ReplicationController on the update)
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('', 'app: cache2') })).toHaveLength(1);
  });

  it('is not warned about when the pods still match it: the selector left to its default, or narrowed to labels they have', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('') })).toEqual([]);
    expect(changes(MANIFESTS, MANIFESTS, { was, objects: rc('  selector: { app: cache, tier: web }\n') })).toEqual([]);
  });

  it('excludes the new pods from the old ones to delete when it is narrowed, since they match the old selector too', () => {
    const narrowed = rc('  selector: { app: cache, v: "2" }\n', 'app: cache, v: "2"');
    const [warning, ...others] = changes(MANIFESTS, MANIFESTS, { was, objects: narrowed });
    expect(others).toEqual([]);
    expect(warning).toContain(
      "  hint: keep the old value; or, once the new pods are ready, delete the old ones: kubectl delete pod -n data -l 'app=cache,v!=2'",
    );
    // narrowed by two labels: one the old pods lack picks them out
    const [two] = changes(MANIFESTS, MANIFESTS, {
      was,
      objects: rc('  selector: { app: cache, v: "2", w: "3" }\n', 'app: cache, v: "2", w: "3"'),
    });
    expect(two).toContain("delete the old ones: kubectl delete pod -n data -l 'app=cache,v!=2'");
  });
});

describe("a ReplicationController's template labels, when neither manifest writes its selector", () => {
  const rc = (labels: string) =>
    `${OBJECTS}\n---\napiVersion: v1\nkind: ReplicationController\nmetadata: { name: cache }\nspec:\n  replicas: 2\n` +
    `  template:\n    metadata: { labels: { ${labels} } }\n    spec: { containers: [{ name: cache, image: memcached:1.6 }] }\n`;

  it('are refused when the selector the API server gave it at creation no longer matches them: kubectl apply leaves it as it was', () => {
    const moved = rc('app: cache2');
    expect(changes(MANIFESTS, MANIFESTS, { was: rc('app: cache'), objects: moved })).toEqual([
      `${at(moved, 'cache2 }', OBJECTS_FILE)}: warning: ReplicationController data/cache: spec.template.metadata.labels.app changes from cache to cache2, ` +
        'which the API server refuses (its selector no longer matches its labels: written in neither manifest, the selector stays what the API server gave it from ' +
        'its labels when it was created, since kubectl apply leaves a field it never applied): kubectl apply fails on it\n' +
        '  hint: keep the old value; or write spec.selector, of labels the new template has, which the API server takes, letting go of the pods it made; ' +
        'or delete the ReplicationController and apply again on purpose (kubectl delete replicationcontroller cache -n data): its pods go with it',
    ]);
  });

  it('are no change to the pods when the selector still matches them: a label added lets none go', () => {
    expect(changes(MANIFESTS, MANIFESTS, { was: rc('app: cache'), objects: rc('app: cache, v: "2"') })).toEqual([]);
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
