/** What a synthesis changes in a stage's output that the API server will not update (lib/immutable-fields.ts through lib/output-changes.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileStage, type StageEnvironment } from '../lib/compile-stage.js';
import { REPO } from './helpers/cli.js';
import {
  at,
  changes,
  FILE,
  MANIFESTS,
  OBJECTS,
  OBJECTS_FILE,
  output,
  RENAMED,
  source,
  STAGE,
  VOLUME,
  WITH_CLAIM_TEMPLATES,
} from './helpers/output-changes.js';

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

  it('says a value that holds what turns text around, or blanks at its end, quoted and escaped, as diff and promote show values', () => {
    // was: 'changes from fast to fast<U+202E> 1 \x1b, which ...': the override turned the rest of the line around, the blank at the end unseen
    const edited = OBJECTS.replace('mode: fast', 'mode: "fast\\u202e 1 \\x1b "');
    const [warning] = changes(MANIFESTS, MANIFESTS, { objects: edited });
    expect(warning).toContain('data.mode changes from fast to "fast\\u202e 1 \\x1b ", which the API server refuses');
    expect(warning).not.toContain('\u202e');
    expect(warning).not.toContain('\x1b');
  });

  it("hides a value the checks find secret in an immutable ConfigMap's change, as diff does, and lists a text's changed lines", () => {
    const data = (password: string, line: string) =>
      OBJECTS.replace('data: { mode: fast }', `data: { mode: fast, DB_PASSWORD: ${password}, app.conf: "a\\nb\\n${line}\\n" }`);
    // was: data changes from {"DB_PASSWORD":"Xk9mQ2vLp7zR4wq","app.conf":"a\nb\ndb.password=Qz8wErT5yUi9oP\n",...}: both passwords printed
    const [secret] = changes(MANIFESTS, MANIFESTS, {
      was: data('Xk9mQ2vLp7zR4wq', 'db.password=Qz8wErT5yUi9oP'),
      objects: data('Hk9mQ2vLp7zR4wq', 'db.password=Wz8wErT5yUi9oP'),
    });
    expect(secret).toContain('"DB_PASSWORD":"(a 15-character value, hidden)","app.conf":"(a 31-character value, hidden)"');
    for (const s of ['k9mQ2vLp7zR4wq', 'z8wErT5yUi9oP']) expect(secret).not.toContain(s);
    // was: both texts whole, 50 lines each on one line of \n's
    const [text] = changes(MANIFESTS, MANIFESTS, { was: data('x', 'c'), objects: data('x', 'C') });
    expect(text!.split('\n').slice(0, 4)).toEqual([
      `${OBJECTS_FILE}:41:47: warning: ConfigMap data/settings: data.app.conf changes from a text of 3 lines to a text of 3 lines, which the API server refuses (the ConfigMap is immutable: true): kubectl apply fails on it`,
      '  data.app.conf: a text of 3 lines -> 3 lines, from line 3:',
      '    - c',
      '    + C',
    ]);
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
