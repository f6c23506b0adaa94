/** What lib/config/sync-policy.ts says of a sync policy each engine takes, before any stage is planned. */
import { describe, expect, it } from 'vitest';
import { ignoredSyncSettings, resolvedSync, shortFluxTimeout, syncMismatches } from '../../lib/config/sync-policy.js';

describe('shortFluxTimeout', () => {
  it('says that Flux takes a timeout under 30s as 30s, naming both', () => {
    expect(shortFluxTimeout('flux', '10s')?.message).toBe(
      'Flux takes a timeout under 30s as 30s: the stage is given 30s, not 10s, to become ready after each apply began',
    );
  });

  it('says nothing of 30s or more, of 0s (refused by syncMismatches), or of a timeout Argo CD is given', () => {
    expect([shortFluxTimeout('flux', '30s'), shortFluxTimeout('flux', '0s'), shortFluxTimeout('argocd', '10s')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(syncMismatches('flux', { ...resolvedSync(), timeout: '0s' }).map((m) => m.setting)).toEqual(['timeout']);
  });
});

describe('ignoredSyncSettings', () => {
  it("says that Argo CD reads a stage's timeout nowhere, and Flux does", () => {
    expect(ignoredSyncSettings('argocd', { timeout: '5m' }).map((m) => m.setting)).toEqual(['timeout']);
    expect(ignoredSyncSettings('flux', { timeout: '5m' })).toEqual([]);
  });
});
