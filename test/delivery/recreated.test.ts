/** Which objects an engine deletes and creates anew rather than updates (lib/delivery/recreated.ts). */
import { describe, expect, it } from 'vitest';
import { recreatedAtSync } from '../../lib/delivery/recreated.js';
import type { KubeObject } from '../../lib/model/object.js';
import { changes, MANIFESTS, OBJECTS } from '../helpers/output-changes.js';

const object = (kind: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name: 'x', annotations },
});

describe("Argo CD's Force=true,Replace=true", () => {
  it('recreates at every sync what it replaces, whatever its kind, and takes Replace=true alone as an update', () => {
    const replaced = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };
    expect(recreatedAtSync('argocd', object('ConfigMap', replaced))?.when).toBe('every-sync');
    // no field of a Namespace or a CRD is compared (lib/immutable-fields.ts): what Argo CD does with them changes no warning
    expect(recreatedAtSync('argocd', object('Namespace', replaced))?.when).toBe('every-sync');
    expect(recreatedAtSync('argocd', object('ConfigMap', { 'argocd.argoproj.io/sync-options': 'Replace=true' }))).toBeUndefined();
  });
});

/** The included objects with the StatefulSet labelled for Flux to recreate it when its update is refused. */
const FORCE_LABELLED = OBJECTS.replace(
  'metadata: { name: db }\nspec:\n  serviceName',
  'metadata: { name: db, labels: { kustomize.toolkit.fluxcd.io/force: enabled } }\nspec:\n  serviceName',
);

/** The included objects with the StatefulSet given a new selector (and template labels), which the API server refuses. */
const selector = (objects: string) =>
  objects
    .replace('selector: { matchLabels: { app: db } }', 'selector: { matchLabels: { app: db, v: "2" } }')
    .replace('metadata: { labels: { app: db } }', 'metadata: { labels: { app: db, v: "2" } }');

describe("an immutable field's change in an object its engine deletes and creates anew", () => {
  it("does not warn about a new template of a Job its engine deletes and creates anew at each sync (an Argo CD hook) or when its update is refused (Flux's force), but still about one kubectl or the other engine updates", () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const job =
      (annotations: string, labels = '') =>
      (objects: string) =>
        objects.replace(
          'metadata: { name: migrate }',
          `metadata: { name: migrate, annotations: { ${annotations} }${labels ? `, labels: { ${labels} }` : ''} }`,
        );
    const warned = (engine: 'argocd' | 'flux' | undefined, annotate: (objects: string) => string) => {
      const was = annotate(OBJECTS);
      const objects = was.replace('migrate:1.0', 'migrate:1.1');
      return changes(engine ? delivered : MANIFESTS, engine ? delivered : MANIFESTS, { was, objects, env: engine ? { engine } : {} }).some(
        (w) => w.includes('Job data/migrate: spec.template.spec.containers[0].image changes from migrate:1.0 to migrate:1.1'),
      );
    };
    const preSync = job('argocd.argoproj.io/hook: PreSync');
    // Argo CD deletes a hook before it creates it again (BeforeHookCreation, its default), and never applies a skipped one or a Helm test
    expect(warned('argocd', preSync)).toBe(false);
    expect(
      warned('argocd', job('argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: "BeforeHookCreation,HookSucceeded"')),
    ).toBe(false);
    expect(warned('argocd', job('helm.sh/hook: pre-upgrade'))).toBe(false);
    expect(warned('argocd', job('helm.sh/hook: test'))).toBe(false);
    expect(warned('argocd', job('argocd.argoproj.io/hook: Skip'))).toBe(false);
    expect(warned('argocd', job('argocd.argoproj.io/sync-options: "Force=true,Replace=true"'))).toBe(false);
    expect(warned('flux', job('kustomize.toolkit.fluxcd.io/force: enabled'))).toBe(false);
    expect(warned('flux', job('example.com/team: data', 'kustomize.toolkit.fluxcd.io/force: enabled'))).toBe(false);
    // Flux reads the value in any case (strings.EqualFold); Argo CD's client-side apply --force recreates what is refused
    expect(warned('flux', job('kustomize.toolkit.fluxcd.io/force: Enabled'))).toBe(false);
    expect(warned('argocd', job('argocd.argoproj.io/sync-options: Force=true'))).toBe(false);
    // Argo CD drops a deletion policy it does not spell exactly, and with none left deletes the hook before creation
    expect(warned('argocd', job('argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: hooksucceeded'))).toBe(false);
    expect(warned('argocd', job('argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookSucceded'))).toBe(false);
    expect(warned('argocd', job('argocd.argoproj.io/hook: PreSync, helm.sh/hook-delete-policy: HookSucceeded'))).toBe(false);
    // a hook that stays once it succeeded (or failed) is updated at the next sync; Replace=true alone is an update too
    expect(warned('argocd', job('argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookFailed'))).toBe(true);
    expect(warned('argocd', job('argocd.argoproj.io/hook: PreSync, helm.sh/hook-delete-policy: hook-succeeded'))).toBe(true);
    expect(warned('argocd', job('argocd.argoproj.io/sync-options: Replace=true'))).toBe(true);
    // with server-side apply, Force=true only forces field conflicts; Flux's force is the value enabled alone
    expect(warned('argocd', job('argocd.argoproj.io/sync-options: "Force=true,ServerSideApply=true"'))).toBe(true);
    expect(warned('flux', job('kustomize.toolkit.fluxcd.io/force: disabled'))).toBe(true);
    // kubectl, and the other engine, know neither annotation
    expect(warned(undefined, preSync)).toBe(true);
    expect(warned('flux', preSync)).toBe(true);
    expect(warned('argocd', job('kustomize.toolkit.fluxcd.io/force: enabled'))).toBe(true);
    expect(warned(undefined, job('kustomize.toolkit.fluxcd.io/force: enabled'))).toBe(true);
  });

  it('does not warn about a new template of an Argo CD hook Job that names no deletion policy: Argo CD deletes it before the next sync creates it (BeforeHookCreation, its default)', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const was = OBJECTS.replace(
      'metadata: { name: migrate }',
      'metadata: { name: migrate, annotations: { argocd.argoproj.io/hook: PreSync } }',
    );
    const warnings = changes(delivered, delivered, { was, objects: was.replace('migrate:1.0', 'migrate:1.1'), env: { engine: 'argocd' } });
    expect(warnings.filter((w) => w.includes('Job data/migrate'))).toEqual([]);
    // the same change with the hook's policy HookFailed alone is an update of the hook that stayed: refused, warned
    const kept = was.replace(
      'argocd.argoproj.io/hook: PreSync',
      'argocd.argoproj.io/hook: PreSync, argocd.argoproj.io/hook-delete-policy: HookFailed',
    );
    expect(
      changes(delivered, delivered, { was: kept, objects: kept.replace('migrate:1.0', 'migrate:1.1'), env: { engine: 'argocd' } }).some(
        (w) => w.includes('Job data/migrate'),
      ),
    ).toBe(true);
  });

  it('still warns about a claim an engine is told to force: deleted and made anew, empty, it takes the data with it', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const was = OBJECTS.replace(
      'metadata: { name: cache }',
      'metadata: { name: cache, annotations: { kustomize.toolkit.fluxcd.io/force: enabled } }',
    );
    const warnings = changes(delivered, delivered, {
      was,
      objects: was.replace('accessModes: [ReadWriteOnce]\n  resources', 'accessModes: [ReadWriteMany]\n  resources'),
      env: { engine: 'flux' },
    });
    expect(warnings).toEqual([
      `objects/all.yaml:53:17: warning: PersistentVolumeClaim data/cache: spec.accessModes[0] changes from ReadWriteOnce to ReadWriteMany, which the API server refuses (a claim's spec cannot change once it is created, only its storage request grow): ` +
        'Flux deletes and recreates it (the annotation kustomize.toolkit.fluxcd.io/force: enabled), empty, once no pod uses it: its data goes with it\n' +
        '  hint: keep the old value, and remove the annotation kustomize.toolkit.fluxcd.io/force: enabled, so that Flux never deletes it with its data; to change it on purpose, copy the data first',
    ]);
    // Argo CD's Force=true,Replace=true deletes and recreates it at every sync, changed or not
    const replaced = OBJECTS.replace(
      'metadata: { name: cache }',
      'metadata: { name: cache, annotations: { argocd.argoproj.io/sync-options: "Force=true,Replace=true" } }',
    );
    expect(
      changes(delivered, delivered, {
        was: replaced,
        objects: replaced.replace('accessModes: [ReadWriteOnce]\n  resources', 'accessModes: [ReadWriteMany]\n  resources'),
        env: { engine: 'argocd' },
      }).join('\n'),
    ).toContain(
      'Argo CD deletes and recreates it at every sync, changed or not (the annotation argocd.argoproj.io/sync-options: Force=true,Replace=true), empty, once no pod uses it: its data goes with it',
    );
  });

  it('still warns about a workload or a Service an engine is told to force: Flux deletes it with its pods, all at once, with the orphan route in the hint', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    // labelled in this commit: the object in the cluster is not yet, so removing the label from the commit stops Flux
    expect(changes(delivered, delivered, { objects: selector(FORCE_LABELLED), env: { engine: 'flux' } })).toEqual([
      expect.stringMatching(
        /^objects\/all\.yaml:7:42: warning: StatefulSet data\/db: spec\.selector\.matchLabels\.v changes from \(none\) to 2, which the API server refuses \(.*\): Flux deletes and recreates it \(the label kustomize\.toolkit\.fluxcd\.io\/force: enabled\); its pods are deleted with it, all at once\n {2}hint: keep the old value; or, so that its pods keep running, remove the label kustomize\.toolkit\.fluxcd\.io\/force: enabled in this commit \(Flux's apply is then refused, deleting nothing\) and, once it is pushed, delete the StatefulSet but not its pods, then apply again: kubectl delete statefulset db -n data --cascade=orphan; /,
      ),
    ]);
    // Argo CD's Force=true (client-side apply --force) alike
    const forced = OBJECTS.replace(
      'metadata: { name: db }\nspec:\n  serviceName',
      'metadata: { name: db, annotations: { argocd.argoproj.io/sync-options: Force=true } }\nspec:\n  serviceName',
    );
    expect(changes(delivered, delivered, { was: forced, objects: selector(forced), env: { engine: 'argocd' } }).join('\n')).toContain(
      'Argo CD deletes and recreates it (the annotation argocd.argoproj.io/sync-options: Force=true); its pods are deleted with it, all at once',
    );
    const service = OBJECTS.replace(
      'metadata: { name: db }\nspec:\n  clusterIP',
      'metadata: { name: db, annotations: { kustomize.toolkit.fluxcd.io/force: Enabled } }\nspec:\n  clusterIP',
    );
    expect(
      changes(delivered, delivered, { was: service, objects: service.replace('10.96.0.50', '10.96.0.51'), env: { engine: 'flux' } }),
    ).toEqual([
      "objects/all.yaml:21:14: warning: Service data/db: spec.clusterIP changes from 10.96.0.50 to 10.96.0.51, which the API server refuses (a Service's clusterIP cannot change): " +
        'Flux deletes and recreates it (the annotation kustomize.toolkit.fluxcd.io/force: Enabled): its clients cannot reach it in between\n' +
        '  hint: keep the old value; or let Flux recreate it (its clients cannot reach it in between)',
    ]);
  });

  it("takes Flux's force on the object in the cluster as Flux does: a workload applied with it is deleted with its pods even when this commit removes it, so the hint removes it in a commit of its own first", () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const removal =
      'hint: keep the old value; or, so that its pods keep running, push the removal of the label kustomize.toolkit.fluxcd.io/force: enabled in a commit of its own first ' +
      '(Flux reads it on the object in the cluster as well: removed with this change, it still deletes the StatefulSet); once Flux has applied that one, ' +
      "push this change (Flux's apply is then refused, deleting nothing), then delete the StatefulSet but not its pods, then apply again: kubectl delete statefulset db -n data --cascade=orphan; ";
    // applied with the label and still labelled
    const [kept] = changes(delivered, delivered, { was: FORCE_LABELLED, objects: selector(FORCE_LABELLED), env: { engine: 'flux' } });
    expect(kept).toContain(
      'Flux deletes and recreates it (the label kustomize.toolkit.fluxcd.io/force: enabled); its pods are deleted with it, all at once',
    );
    expect(kept).toContain(removal);
    // applied with the label, which this commit removes along with the change: Flux still reads it on the StatefulSet in the cluster
    const [removed] = changes(delivered, delivered, { was: FORCE_LABELLED, objects: selector(OBJECTS), env: { engine: 'flux' } });
    expect(removed).toContain(
      'Flux deletes and recreates it (the label kustomize.toolkit.fluxcd.io/force: enabled, as applied); its pods are deleted with it, all at once',
    );
    expect(removed).toContain(removal);
    // a manifest that also had reconcile: disabled was never applied: the label is not on the object in the cluster, and the apply is refused
    const excluded = FORCE_LABELLED.replace(
      'labels: { kustomize.toolkit.fluxcd.io/force: enabled }',
      'labels: { kustomize.toolkit.fluxcd.io/force: enabled }, annotations: { kustomize.toolkit.fluxcd.io/reconcile: disabled }',
    );
    expect(excluded).not.toBe(FORCE_LABELLED);
    const [refused] = changes(delivered, delivered, { was: excluded, objects: selector(OBJECTS), env: { engine: 'flux' } });
    expect(refused).toContain("which the API server refuses (a StatefulSet's");
    expect(refused).toContain("Flux's apply of the stage fails on it");
    // a Job applied with it runs again, as any Job Flux recreates: no warning
    const job = OBJECTS.replace(
      'metadata: { name: migrate }',
      'metadata: { name: migrate, annotations: { kustomize.toolkit.fluxcd.io/force: enabled } }',
    );
    expect(
      changes(delivered, delivered, { was: job, objects: OBJECTS.replace('migrate:1.0', 'migrate:1.1'), env: { engine: 'flux' } }),
    ).toEqual([]);
    // Argo CD reads its Force=true on the manifest alone: removed in this commit, the sync is refused
    const forced = OBJECTS.replace(
      'metadata: { name: db }\nspec:\n  serviceName',
      'metadata: { name: db, annotations: { argocd.argoproj.io/sync-options: Force=true } }\nspec:\n  serviceName',
    );
    expect(changes(delivered, delivered, { was: forced, objects: selector(OBJECTS), env: { engine: 'argocd' } }).join('\n')).toContain(
      "Argo CD's sync of the stage fails on it, refused by the API server",
    );
  });
});
