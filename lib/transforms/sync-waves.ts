import type { Engine, SecretStore } from '../config/delivery.js';
import type { KubeObject } from '../model/object.js';
import { SECRET_STORE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../model/sync-waves.js';

export interface SyncWaveOptions {
  /** The stage's namespace, where its SecretStore lives. */
  readonly namespace: string;
  /** The engine that delivers the stage. @default - none: not delivered */
  readonly engine?: Engine;
  /** The store the stage's Secrets come from (`secretStore:`). @default - none */
  readonly secretStore?: SecretStore;
}

/** The names of the ServiceAccounts `value` refers to (`serviceAccountRef: { name }`, at any depth) in `namespace`. */
function serviceAccountRefs(value: unknown, namespace: string, into = new Set<string>()): Set<string> {
  if (typeof value !== 'object' || value === null) return into;
  for (const [key, v] of Object.entries(value)) {
    const ref = v as { name?: unknown; namespace?: unknown } | null;
    if (key === 'serviceAccountRef' && typeof ref?.name === 'string' && (ref.namespace ?? namespace) === namespace) into.add(ref.name);
    else serviceAccountRefs(v, namespace, into);
  }
  return into;
}

/**
 * Puts the store that a stage delivered by Argo CD reads its Secrets from (`secretStore:`, a
 * namespaced SecretStore or a ClusterSecretStore), when the stage holds it, and the ServiceAccounts
 * it authenticates as (`serviceAccountRef`), in the wave before the stage's ExternalSecrets
 * (lib/model/sync-waves.ts): left in wave 0, it would come after them, and they would never
 * become ready. A wave the object already has is kept.
 */
export function secretStoreWaves(objects: readonly KubeObject[], { namespace, engine, secretStore }: SyncWaveOptions): KubeObject[] {
  if (engine !== 'argocd' || secretStore === undefined) return [...objects];
  const kind = secretStore.kind ?? 'ClusterSecretStore';
  const isStore = (o: KubeObject) =>
    o.kind === kind &&
    o.apiVersion.startsWith('external-secrets.io/') &&
    o.metadata.name === secretStore.name &&
    (kind === 'ClusterSecretStore' || o.metadata.namespace === namespace);
  const accounts = new Set(objects.filter(isStore).flatMap((o) => [...serviceAccountRefs(o.spec, namespace)]));
  return objects.map((o) => {
    const first =
      isStore(o) ||
      (o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.metadata.namespace === namespace && accounts.has(o.metadata.name ?? ''));
    if (!first || o.metadata.annotations?.[SYNC_WAVE_ANNOTATION] !== undefined) return o;
    return {
      ...o,
      metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, [SYNC_WAVE_ANNOTATION]: SECRET_STORE_SYNC_WAVE } },
    };
  });
}
