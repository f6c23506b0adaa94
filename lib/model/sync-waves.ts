/**
 * The order Argo CD applies a stage whose Secrets come from a store in: by wave (the annotation,
 * else 0), each once the one before is healthy, ordering by kind only within a wave. The stage's
 * Namespace, then the store its ExternalSecrets read (with the ServiceAccounts it
 * authenticates as), then the ExternalSecrets, then the workloads (wave 0) that read their Secrets.
 */

/** Argo CD applies lower waves first. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
/**
 * The wave of the stage's Namespace, before everything it holds: a Namespace in a later wave than
 * its ExternalSecrets (or its SecretStore) would be created after them, which then fail (namespace not found).
 */
export const NAMESPACE_SYNC_WAVE = '-3';
/**
 * The wave of the store the stage holds and reads its Secrets from (`secretStore:`, a SecretStore
 * or a ClusterSecretStore), and of the ServiceAccounts it names: in wave 0 it would come after the
 * ExternalSecrets, which stay unready without it, and the first sync would wait for them for ever.
 */
export const SECRET_STORE_SYNC_WAVE = '-2';
/** The wave of the ExternalSecrets, before the workloads (wave 0, Argo CD's default) that read their Secrets. */
export const EXTERNAL_SECRET_SYNC_WAVE = '-1';
