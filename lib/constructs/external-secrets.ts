/**
 * Secrets from a secret store: one External Secrets Operator `ExternalSecret` per Secret a stage
 * declares, so that the operator makes the Secret in the cluster and nobody runs
 * `npm run secrets`. The objects name keys in the store, never values. Pure.
 */
import type { PathProblem } from '../errors.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { KubeObject } from '../model/object.js';
import type { SecretDeclaration } from '../stack.js';
import type { SecretStore } from '../config/delivery.js';
import { EXTERNAL_SECRET_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../model/sync-waves.js';

export const EXTERNAL_SECRET_API_VERSION = 'external-secrets.io/v1';

/** Where a Secret's key lives in the store: `remoteKeys`' entry, or `<namespace>/<secret>` with the key as property. */
export function remoteRef(store: SecretStore, namespace: string, secret: string, key: string): { key: string; property: string } {
  const declared =
    store.remoteKeys && Object.hasOwn(store.remoteKeys, `${secret}/${key}`) ? store.remoteKeys[`${secret}/${key}`] : undefined;
  if (declared === undefined) return { key: `${namespace}/${secret}`, property: key };
  const hash = declared.indexOf('#');
  return hash < 0 ? { key: declared, property: key } : { key: declared.slice(0, hash), property: declared.slice(hash + 1) };
}

/**
 * The ExternalSecrets of a stage's declared Secrets (merged by name; Secrets made outside
 * stagecraft, such as TLS certificates, are left to whoever makes them).
 * @param syncWave whether the stage is delivered by Argo CD, which then applies them first
 */
export function externalSecrets(
  declarations: readonly SecretDeclaration[],
  store: SecretStore,
  namespace: string,
  { syncWave }: { syncWave: boolean },
): KubeObject[] {
  const keys = new Map<string, Set<string>>();
  for (const d of declarations) if (!d.external) keys.set(d.name, new Set([...(keys.get(d.name) ?? []), ...d.keys]));
  return [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, secretKeys]) => ({
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: 'ExternalSecret',
      metadata: { name, namespace, ...(syncWave ? { annotations: { [SYNC_WAVE_ANNOTATION]: EXTERNAL_SECRET_SYNC_WAVE } } : {}) },
      spec: {
        refreshInterval: store.refreshInterval ?? '1h',
        secretStoreRef: { name: store.name, kind: store.kind ?? 'ClusterSecretStore' },
        target: { name, creationPolicy: 'Owner' },
        data: [...secretKeys].sort().map((key) => ({ secretKey: key, remoteRef: remoteRef(store, namespace, name, key) })),
      },
    }));
}

/**
 * `remoteKeys` entries that name no key of a Secret the stage makes from the store: a misspelt
 * entry (`mysqlsecret/pasword`) would otherwise be ignored, and the key read from its default
 * place in the store instead of the one meant. Each at its key, with the nearest declared one.
 */
export function unknownRemoteKeys(declarations: readonly SecretDeclaration[], store: SecretStore): PathProblem[] {
  const known = [...new Set(declarations.flatMap((d) => (d.external ? [] : d.keys.map((k) => `${d.name}/${k}`))))].sort();
  return Object.keys(store.remoteKeys ?? {})
    .filter((entry) => !known.includes(entry))
    .map((entry) => {
      const guess = didYouMean(entry, known);
      return {
        code: 'config/unknown-key',
        path: ['secretStore', 'remoteKeys'],
        key: entry,
        message: `secretStore.remoteKeys.${entry} names no key of a Secret this stage gets from the store${guess ? `; did you mean '${guess}'?` : ''}`,
        hint: known.length
          ? `name one of ${known.join(', ')} as <secret>/<key>, or remove the entry`
          : 'remove the entry: the stage declares no Secret that the store provides',
      };
    });
}
