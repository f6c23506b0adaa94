/** What an object's own metadata tells the engine that delivers it (lib/delivery/object-options.ts), and the warnings that read it. */
import { describe, expect, it } from 'vitest';
import { compileStage, type StageEnvironment } from '../../lib/compile-stage.js';
import { keptFromPrune, notUpdated, unappliedKeep } from '../../lib/delivery/object-options.js';
import { formatProblem } from '../../lib/errors.js';
import type { KubeObject } from '../../lib/model/object.js';
import { at, changes, MANIFESTS, OBJECTS, output, source, STAGE } from '../helpers/output-changes.js';

const claim = (annotations: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'qa', annotations },
});

/** The included objects, the Service db's manifest annotated with `annotation`. */
const annotated = (annotation: string) =>
  OBJECTS.replace(
    'metadata: { name: db }\nspec:\n  clusterIP',
    `metadata: { name: db, annotations: { ${annotation} } }\nspec:\n  clusterIP`,
  );

describe("Flux's settings, read as Flux reads them: its exclusion (reconcile: disabled, ssa: Ignore) is never on the object in the cluster", () => {
  it('keeps from the prune only what an applied manifest gave prune: disabled, never for reconcile: disabled', () => {
    expect(keptFromPrune('flux', claim({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' }))).toBe(
      'the annotation kustomize.toolkit.fluxcd.io/prune: Disabled',
    );
    expect(keptFromPrune('flux', claim({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toBeUndefined();
    const skipped = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' };
    expect(keptFromPrune('flux', claim(skipped))).toBeUndefined();
    expect(unappliedKeep('flux', claim(skipped))).toBe('the annotation kustomize.toolkit.fluxcd.io/prune: disabled');
    expect(unappliedKeep('flux', claim({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toBe(
      'the annotation kustomize.toolkit.fluxcd.io/reconcile: disabled',
    );
    expect(unappliedKeep('argocd', claim({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toBeUndefined();
    // ssa: IfNotPresent: Flux applied it only while there was none, so a prune: disabled added later may not be there
    const created = { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' };
    expect(keptFromPrune('flux', claim(created))).toBeUndefined();
    expect(unappliedKeep('flux', claim(created))).toBe('the annotation kustomize.toolkit.fluxcd.io/prune: disabled');
  });

  it('leaves unapplied only what the manifest of now excludes, whatever the output before had', () => {
    expect(notUpdated('flux', claim({ 'kustomize.toolkit.fluxcd.io/ssa': 'ignore' }))).toBe(
      'the annotation kustomize.toolkit.fluxcd.io/ssa: ignore',
    );
    expect(notUpdated('flux', claim({}))).toBeUndefined();
    expect(notUpdated('argocd', claim({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toBeUndefined();
  });
});

describe('a claim or Namespace its engine keeps from the prune', () => {
  it('says that the engine never prunes a claim or Namespace applied with its keep-from-prune setting (Argo CD Prune=false, Flux prune: disabled), which kubectl apply --prune still deletes', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const claim = OBJECTS.indexOf('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: cache }');
    const without = OBJECTS.slice(0, claim).replace(/---\n$/, '');
    const keptBy = (metadata: string) => OBJECTS.replace('metadata: { name: cache }', `metadata: { name: cache, ${metadata} }`);
    const warning = (engine: 'argocd' | 'flux' | undefined, metadata: string, sync: StageEnvironment['sync'] = {}) =>
      changes(engine ? delivered : MANIFESTS, engine ? delivered : MANIFESTS, {
        was: keptBy(metadata),
        objects: without,
        env: engine ? { engine, sync } : {},
      }).find((w) => w.includes('PersistentVolumeClaim data/cache leaves'))!;
    const argo = warning('argocd', 'annotations: { argocd.argoproj.io/sync-options: "Prune=false,ServerSideApply=true" }');
    expect(argo.split('\n')[0]).toBe(
      `${at(MANIFESTS, 'stack: manifests')}: warning: PersistentVolumeClaim data/cache leaves dist/data/: Argo CD, which delivers the stage, never prunes it ` +
        '(the annotation argocd.argoproj.io/sync-options: Prune=false,ServerSideApply=true, as applied): it stays in the cluster until it is deleted by hand, ' +
        'and the Application is OutOfSync while it is there (unless it is annotated argocd.argoproj.io/compare-options: IgnoreExtraneous)',
    );
    expect(argo).toMatch(/to remove it on purpose, back the data up before deleting it by hand$/);
    // Flux: its own setting (label or annotation, any case), whether or not it prunes, synced or suspended
    for (const [metadata, sync] of [
      ['annotations: { kustomize.toolkit.fluxcd.io/prune: disabled }', {}],
      ['labels: { kustomize.toolkit.fluxcd.io/prune: Disabled }', { automated: false }],
    ] as const)
      expect(warning('flux', metadata, sync)).toContain(
        `Flux, which delivers the stage, never prunes it (the ${metadata.split(':')[0].slice(0, -1)} `,
      );
    // each engine reads its own; kubectl apply --prune reads none
    expect(warning('flux', 'annotations: { argocd.argoproj.io/sync-options: Prune=false }')).toContain(
      'Flux, which delivers the stage and prunes, deletes it',
    );
    expect(warning('argocd', 'annotations: { kustomize.toolkit.fluxcd.io/prune: disabled }')).toContain(
      'Argo CD, which delivers the stage and prunes, deletes it',
    );
    expect(warning(undefined, 'annotations: { argocd.argoproj.io/sync-options: Prune=false }')).toContain(
      'kubectl apply --prune deletes it',
    );
    // a Namespace applied with it stays, and is not to be kept from the prune again before the stage moves
    const before = `${STAGE}${MANIFESTS.replace('apps:\n', '')}delivery: { cluster: nonprod }\n`;
    const outputBefore = output(before);
    const namespaceFile = [...outputBefore.keys()].find((f) => outputBefore.get(f)!.includes('kind: Namespace'))!;
    const annotated = new Map(outputBefore);
    annotated.set(
      namespaceFile,
      outputBefore
        .get(namespaceFile)!
        .replace(/(kind: Namespace\nmetadata:\n {2}annotations:\n)/, '$1    argocd.argoproj.io/sync-options: Prune=false\n'),
    );
    expect(annotated.get(namespaceFile)).not.toBe(outputBefore.get(namespaceFile));
    const outcome = compileStage(
      source(`namespace: data2\n${before}`, OBJECTS, (f) => annotated.get(f)),
      { engine: 'argocd' },
    );
    const namespace = (outcome.notices ?? []).map(formatProblem).find((w) => w.includes('Namespace data leaves'))!;
    // the Namespace stays, with the Secrets no file holds; the claims of dist/ in it are pruned one by one, so the hint keeps them first
    expect(namespace).toBe(
      "environments/data.yaml:1:12: warning: Namespace data leaves dist/data/ (the stage's namespace is data2 now): Argo CD, which delivers the stage, never prunes it " +
        '(the annotation argocd.argoproj.io/sync-options: Prune=false, as applied): it stays in the cluster until it is deleted by hand, ' +
        'and so does what no file of dist/ holds in it: the Secrets demoapp-tls, mysqlsecret, whose values are in no commit; ' +
        'the objects of dist/ in it are pruned one by one as soon as the commit syncs, unless they are kept from the prune too, ' +
        'and the Application is OutOfSync while Namespace data is there (unless it is annotated argocd.argoproj.io/compare-options: IgnoreExtraneous)\n' +
        '  hint: to keep them, set namespace: data back; to move the stage on purpose, Argo CD prunes the claims of dist/ in it as soon as the commit syncs, so before pushing, ' +
        'keep them from the prune (kubectl annotate persistentvolumeclaim --all -n data argocd.argoproj.io/sync-options=Prune=false), ' +
        'or write delivery: { sync: { prune: false } } in that commit; then make the Secrets in namespace data2 and copy the data over, then delete namespace data by hand',
    );
  });

  it('says that Flux prunes a claim whose manifest had reconcile: disabled (or prune: disabled with an exclusion): Flux never applies such a manifest, so the object in the cluster carries neither, and the hint says it protects only once annotated there', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const claim = OBJECTS.indexOf('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: cache }');
    const without = OBJECTS.slice(0, claim).replace(/---\n$/, '');
    const warning = (metadata: string) =>
      changes(delivered, delivered, {
        was: OBJECTS.replace('metadata: { name: cache }', `metadata: { name: cache, ${metadata} }`),
        objects: without,
        env: { engine: 'flux' },
      }).find((w) => w.includes('PersistentVolumeClaim data/cache leaves'))!;
    const reconcile = warning('annotations: { kustomize.toolkit.fluxcd.io/reconcile: disabled }');
    expect(reconcile).toContain(
      'PersistentVolumeClaim data/cache leaves dist/data/: Flux, which delivers the stage and prunes, deletes it as soon as the commit syncs, and the volume bound to it is released',
    );
    expect(reconcile).toMatch(
      /; the annotation kustomize\.toolkit\.fluxcd\.io\/reconcile: disabled keeps it from Flux's prune only once it is on the object in the cluster, where it may not be, since Flux skips a manifest that excludes itself and applies one of ssa: IfNotPresent only while there is none \(kubectl annotate persistentvolumeclaim cache -n data kustomize\.toolkit\.fluxcd\.io\/prune=disabled\)$/,
    );
    // prune: disabled on a manifest Flux skipped (ssa: Ignore) never reached the cluster either
    const ignored = warning('annotations: { kustomize.toolkit.fluxcd.io/prune: disabled, kustomize.toolkit.fluxcd.io/ssa: Ignore }');
    expect(ignored).toContain('Flux, which delivers the stage and prunes, deletes it as soon as the commit syncs');
    expect(ignored).toContain('; the annotation kustomize.toolkit.fluxcd.io/prune: disabled keeps it from');
    // nor one of ssa: IfNotPresent, which Flux applied only while there was none: a prune: disabled added later never reached it
    const ifNotPresent = warning(
      'annotations: { kustomize.toolkit.fluxcd.io/prune: disabled, kustomize.toolkit.fluxcd.io/ssa: IfNotPresent }',
    );
    expect(ifNotPresent).toContain('Flux, which delivers the stage and prunes, deletes it as soon as the commit syncs');
    expect(ifNotPresent).toContain(
      "; the annotation kustomize.toolkit.fluxcd.io/prune: disabled keeps it from Flux's prune only once it is on the object in the cluster, where it may not be",
    );
    // applied with prune: disabled and no exclusion, it stays; Argo CD and kubectl read no Flux setting
    expect(warning('annotations: { kustomize.toolkit.fluxcd.io/prune: disabled }')).not.toContain('keeps it from');
    expect(
      changes(delivered, delivered, {
        was: OBJECTS.replace(
          'metadata: { name: cache }',
          'metadata: { name: cache, annotations: { kustomize.toolkit.fluxcd.io/reconcile: disabled } }',
        ),
        objects: without,
        env: { engine: 'argocd' },
      }).join('\n'),
    ).not.toContain('reconcile=disabled');
  });

  it('gives the note on a prune: disabled Flux may not have applied only where Flux prunes and the hint does not already annotate the object', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const claim = OBJECTS.indexOf('apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: cache }');
    const was = OBJECTS.replace(
      'metadata: { name: cache }',
      'metadata: { name: cache, annotations: { kustomize.toolkit.fluxcd.io/reconcile: disabled } }',
    );
    const leaving = (after: string, objects: string, sync: StageEnvironment['sync'] = {}) =>
      changes(delivered, after, { was, objects, env: { engine: 'flux', sync } }).find((w) =>
        w.includes('PersistentVolumeClaim data/cache leaves'),
      )!;
    // Flux without prune deletes nothing: no annotation is needed
    const notPruned = leaving(delivered, OBJECTS.slice(0, claim).replace(/---\n$/, ''), { prune: false });
    expect(notPruned).toContain('Flux, which delivers the stage without prune, leaves it in the cluster');
    expect(notPruned).not.toContain('kubectl annotate');
    // the stage's namespace moved: the hint's step before the prune annotates it, once
    const moved = leaving(`namespace: data2\n${delivered}`, OBJECTS);
    expect(moved).toContain(
      'keep it from the prune (kubectl annotate persistentvolumeclaim cache -n data kustomize.toolkit.fluxcd.io/prune=disabled)',
    );
    expect(moved.match(/kubectl annotate/g)).toHaveLength(1);
  });

  it('does not warn about an object Flux never updates (ssa: IfNotPresent, ssa: Ignore or reconcile: disabled in its manifest), but does when this commit removes it: Flux never put it on the object in the cluster', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const warned = (engine: 'argocd' | 'flux', was: string, objects: string) =>
      changes(delivered, delivered, { was, objects: objects.replace('10.96.0.50', '10.96.0.51'), env: { engine } }).some((w) =>
        w.includes('Service data/db: spec.clusterIP changes'),
      );
    const same = (annotation: string) => [annotated(annotation), annotated(annotation)] as const;
    expect(warned('flux', ...same('kustomize.toolkit.fluxcd.io/ssa: IfNotPresent'))).toBe(false);
    expect(warned('flux', ...same('kustomize.toolkit.fluxcd.io/ssa: ignore'))).toBe(false);
    expect(warned('flux', ...same('kustomize.toolkit.fluxcd.io/reconcile: disabled'))).toBe(false);
    // removed in this commit, it is on no object in the cluster (Flux never applied a manifest that had it): the apply is refused
    expect(warned('flux', annotated('kustomize.toolkit.fluxcd.io/reconcile: Disabled'), OBJECTS)).toBe(true);
    expect(warned('flux', annotated('kustomize.toolkit.fluxcd.io/ssa: Ignore'), OBJECTS)).toBe(true);
    expect(warned('flux', annotated('kustomize.toolkit.fluxcd.io/ssa: IfNotPresent'), OBJECTS)).toBe(true);
    // Flux applies (and has refused) the others; Argo CD and kubectl read none of them
    expect(warned('flux', ...same('kustomize.toolkit.fluxcd.io/ssa: Merge'))).toBe(true);
    expect(warned('argocd', ...same('kustomize.toolkit.fluxcd.io/ssa: IfNotPresent'))).toBe(true);
  });

  it('warns when Flux applies again an object whose manifest before it skipped: the cluster holds what an older commit applied, whose immutable fields the outputs do not show', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    // commit 2 added reconcile: disabled and changed the clusterIP (skipped: nothing said); commit 3 removes the annotation alone
    const skipped = (annotation: string) => annotated(annotation).replace('10.96.0.50', '10.96.0.51');
    const again = (engine: 'argocd' | 'flux', was: string) =>
      changes(delivered, delivered, { was, objects: OBJECTS.replace('10.96.0.50', '10.96.0.51'), env: { engine } }).filter((w) =>
        w.includes('Service data/db: Flux applies it now'),
      );
    const [warning] = again('flux', skipped('kustomize.toolkit.fluxcd.io/reconcile: disabled'));
    expect(warning).toContain(
      'Service data/db: Flux applies it now, but its manifest before had the annotation kustomize.toolkit.fluxcd.io/reconcile: disabled, so Flux did not update it: ' +
        'the cluster holds it as an older commit last applied it, and where its spec.clusterIP, which the API server will not change, changed since then, the apply is refused: ' +
        "Flux's apply of the stage fails on it",
    );
    expect(warning).toContain(
      '  hint: before pushing, compare it with the cluster (kubectl diff -k dist/data, which fails on a refused field)',
    );
    expect(again('flux', skipped('kustomize.toolkit.fluxcd.io/ssa: IfNotPresent'))).toHaveLength(1);
    expect(again('flux', skipped('kustomize.toolkit.fluxcd.io/ssa: Ignore'))).toHaveLength(1);
    // applied before as well, or by another engine: the outputs are what the cluster holds
    expect(again('flux', skipped('kustomize.toolkit.fluxcd.io/ssa: Merge'))).toEqual([]);
    expect(again('argocd', skipped('kustomize.toolkit.fluxcd.io/reconcile: disabled'))).toEqual([]);
  });

  it('says that a Namespace Flux never prunes stays while the objects of dist/ in it are pruned as the stage prunes, or not at all without prune', () => {
    const delivered = `${MANIFESTS}delivery: { cluster: nonprod }\n`;
    const was =
      `${OBJECTS}\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: extra, annotations: { kustomize.toolkit.fluxcd.io/prune: disabled } }\n` +
      '---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: { name: c, namespace: extra }\nspec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }\n';
    const namespace = (sync: StageEnvironment['sync']) =>
      changes(delivered, delivered, { was, objects: OBJECTS, env: { engine: 'flux', sync } }).find((w) =>
        w.includes('Namespace extra leaves'),
      )!;
    expect(namespace({ automated: false })).toBe(
      `${at(MANIFESTS, 'stack: manifests')}: warning: Namespace extra leaves dist/data/: Flux, which delivers the stage, never prunes it ` +
        '(the annotation kustomize.toolkit.fluxcd.io/prune: disabled, as applied): it stays in the cluster until it is deleted by hand; ' +
        'the objects of dist/ in it are pruned one by one once its suspended Kustomization is resumed (flux resume kustomization stagecraft-data), unless they are kept from the prune too\n' +
        '  hint: to keep them, keep Namespace extra in the stage (among the files apps.legacy includes); to remove it on purpose, ' +
        'Flux prunes the claims of dist/ in it once the stage is resumed, so before resuming it, keep them from the prune ' +
        '(kubectl annotate persistentvolumeclaim --all -n extra kustomize.toolkit.fluxcd.io/prune=disabled), or write delivery: { sync: { prune: false } } in that commit; ' +
        'then back up what it holds before deleting it by hand',
    );
    expect(namespace({ prune: false })).toContain(
      'it stays in the cluster until it is deleted by hand; nor does Flux prune the objects of dist/ in it (it delivers the stage without prune)\n' +
        '  hint: to keep them, keep Namespace extra in the stage (among the files apps.legacy includes); to remove it on purpose, back up what it holds before deleting it by hand',
    );
  });
});
