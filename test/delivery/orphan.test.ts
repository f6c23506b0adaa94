import { describe, expect, it } from 'vitest';
import { deletesOnDeletion, orphanCommand } from '../../lib/delivery/orphan.js';

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
