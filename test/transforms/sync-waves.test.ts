import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/model/object.js';
import { secretStoreWaves } from '../../lib/transforms/sync-waves.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
const store = (annotations?: Record<string, string>, account = { name: 'vault-auth' } as object): KubeObject => ({
  apiVersion: 'external-secrets.io/v1',
  kind: 'SecretStore',
  metadata: { name: 'vault', namespace: 'qa', ...(annotations ? { annotations } : {}) },
  spec: { provider: { vault: { auth: { kubernetes: { serviceAccountRef: account } } } } },
});
const account = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'qa' } });
const waves = (objects: readonly KubeObject[]) => objects.map((o) => o.metadata.annotations?.[WAVE]);
const argocd = { namespace: 'qa', engine: 'argocd', secretStore: { name: 'vault', kind: 'SecretStore' } } as const;

describe('secretStoreWaves', () => {
  it('puts the store the stage reads from and the ServiceAccount it names in wave -2, and nothing else', () => {
    expect(waves(secretStoreWaves([store(), account('vault-auth'), account('other')], argocd))).toEqual(['-2', '-2', undefined]);
  });

  it('puts a ClusterSecretStore the stage holds and reads from in wave -2 too, its kind given or by default', () => {
    const cluster = { ...store(), kind: 'ClusterSecretStore', metadata: { name: 'vault' } } as KubeObject;
    for (const secretStore of [{ name: 'vault', kind: 'ClusterSecretStore' }, { name: 'vault' }] as const)
      expect(waves(secretStoreWaves([cluster, account('vault-auth')], { ...argocd, secretStore }))).toEqual(['-2', '-2']);
  });

  it.each([
    [
      'a ClusterSecretStore read where the stage holds a SecretStore',
      { ...argocd, secretStore: { name: 'vault', kind: 'ClusterSecretStore' } },
    ],
    ['Flux', { ...argocd, engine: 'flux' }],
    ['no engine', { ...argocd, engine: undefined }],
    ['another store', { ...argocd, secretStore: { name: 'other', kind: 'SecretStore' } }],
  ] as const)('leaves every object as it is for %s', (_, options) => {
    expect(waves(secretStoreWaves([store(), account('vault-auth')], options))).toEqual([undefined, undefined]);
  });

  it('keeps a wave the store already has, and leaves a ServiceAccount of another namespace', () => {
    const out = secretStoreWaves([store({ [WAVE]: '-5' }, { name: 'vault-auth', namespace: 'vault' }), account('vault-auth')], argocd);
    expect(waves(out)).toEqual(['-5', undefined]);
  });
});
