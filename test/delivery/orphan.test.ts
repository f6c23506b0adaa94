import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCES_FINALIZER, applicationOrphanCommand, deletesOnDeletion, orphanCommand } from '../../lib/delivery/orphan.js';

const kustomization = (spec: Record<string, unknown>) => ({ kind: 'Kustomization', metadata: { name: 'stagecraft-qa' }, spec });

describe('deletesOnDeletion', () => {
  it.each<[Record<string, unknown>, boolean, string]>([
    [{ prune: true }, true, 'no deletionPolicy (an older stagecraft): Flux defaults to MirrorPrune, which deletes with prune'],
    [{ prune: true, deletionPolicy: 'MirrorPrune' }, true, 'MirrorPrune with prune'],
    [{ prune: false }, false, 'MirrorPrune without prune'],
    [{ prune: false, deletionPolicy: 'Delete' }, true, 'Delete, whatever prune says'],
    [{ prune: true, deletionPolicy: 'Orphan' }, false, 'Orphan, as stagecraft writes now'],
  ])('says whether deleting a Kustomization with %j deletes what it applied: %s (%s)', (spec, deletes) => {
    expect(deletesOnDeletion(kustomization(spec))).toBe(deletes);
  });

  it('reads other kinds as deleting nothing', () => {
    expect(deletesOnDeletion({ kind: 'GitRepository', spec: { prune: true } })).toBe(false);
  });
});

describe('orphanCommand', () => {
  it("patches the Kustomization's deletionPolicy to Orphan in its namespace", () => {
    expect(orphanCommand({ name: 'stagecraft-qa', namespace: 'flux-system' })).toBe(
      `kubectl patch kustomization.kustomize.toolkit.fluxcd.io -n flux-system stagecraft-qa --type merge -p '{"spec":{"deletionPolicy":"Orphan"}}'`,
    );
  });
});

describe('applicationOrphanCommand', () => {
  it("removes every finalizer of the Application, Argo CD's resources finalizer among them, as kubectl applies the patch", () => {
    const command = applicationOrphanCommand('stagecraft-qa');
    expect(command).toBe(
      `kubectl patch application.argoproj.io -n argocd stagecraft-qa --type merge -p '{"metadata":{"finalizers":null}}'`,
    );
    // the patch as kubectl applies it, to an Application with the finalizer and to one without (a merge patch changes nothing there)
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-finalizer-'));
    const patch = /-p '([^']+)'/.exec(command)![1];
    for (const finalizers of [`[${RESOURCES_FINALIZER}/background, example.com/other]`, '[]']) {
      const file = join(dir, 'application.yaml');
      writeFileSync(
        file,
        `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: stagecraft-qa, namespace: argocd, finalizers: ${finalizers} }\nspec: {}\n`,
      );
      const r = spawnSync('kubectl', ['patch', '--local', '-f', file, '--type', 'merge', '-p', patch, '-o', 'json'], { encoding: 'utf8' });
      expect(r.error, 'kubectl was not found on PATH').toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).metadata.finalizers).toBeUndefined();
    }
  });
});
