/**
 * External Secrets' stores and the references to them (`refs/store-secret`, `refs/secret-store`).
 * A SecretStore or ClusterSecretStore reads its provider's credentials from Secrets (`STORE_SECRETS`,
 * from the fields of its CRD, ../shared/crds/external-secrets): a SecretStore in its own namespace
 * (External Secrets refuses another one: namespace not allowed with namespaced SecretStore), a
 * ClusterSecretStore in the namespace the reference names (without one, in the namespace of each
 * ExternalSecret that uses it: checked there, cluster-stores.ts). While one is not there, the store is not ready and none
 * of its ExternalSecrets is synced. An ExternalSecret names its store by `secretStoreRef` (or an
 * entry's `sourceRef.storeRef`), a SecretStore of its own namespace unless `kind: ClusterSecretStore`:
 * a store of that name of the other kind, or only in another namespace, is a mistake, and so is a name
 * near one of the stores of that kind the objects make (a store the objects do not make may be made
 * outside them: not a finding). A store declared as made outside (`checks.existingObjects`,
 * `--object-exists`: lib/model/existing-objects.ts) is one of the stores: a name near one is a
 * mistake only when no declared one is named. Pure.
 */
import { didYouMean } from '../model/did-you-mean.js';
import { clusterNames, namespacedNames } from './declared-names.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { REQUIRED_SECRETS_ANNOTATION } from '../required-secrets.js';
import { finder, type FieldPath, type Finding, guessing } from './finding.js';
import { checkClusterStoreUse } from './cluster-stores.js';
import { declareHint, withDeclared } from './declared-names.js';
import { storeRefs } from './store-refs.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION, declaredKeys, declaredOutside, missingKeyHint } from './declared-secrets.js';

const GROUP = 'external-secrets.io';
const SECRET_STORE = `${GROUP}/SecretStore`;
const CLUSTER_SECRET_STORE = `${GROUP}/ClusterSecretStore`;

/** The Secrets a SecretStore or ClusterSecretStore reads its provider's credentials from that are not there, or lack a key it reads. */
export function checkStoreSecrets(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], { written }: ReferenceOptions): void {
  const provider = isRecord(o.spec) && isRecord(o.spec.provider) ? o.spec.provider : undefined;
  if (!provider) return;
  const cluster = o.kind === 'ClusterSecretStore';
  const emit = finder(o);
  const waits = `External Secrets marks the ${o.kind} not ready and syncs none of its ExternalSecrets until it is there`;
  const refs = storeRefs(provider);
  /** `namespace/name` -> every key the store reads of that Secret: a missing Secret is said once, with them all. */
  const keysRead = new Map<string, Set<string>>();
  for (const { name, namespace, key } of refs) {
    const at = cluster ? namespace : ns;
    if (key === undefined || typeof at !== 'string') continue;
    const read = keysRead.get(`${at}/${name}`) ?? new Set<string>();
    keysRead.set(`${at}/${name}`, read.add(key));
  }
  const said = new Set<string>();
  for (const { path, name, namespace, key, provider: p } of refs) {
    const what = `the ${p} provider's credentials`;
    const named = typeof namespace === 'string' && namespace !== '' ? namespace : undefined;
    if (!cluster && named !== undefined && named !== ns) {
      out.push(
        emit(
          'refs/store-secret',
          [...path, 'namespace'],
          `reads ${what} from Secret '${name}' of namespace '${named}', but a SecretStore reads Secrets only in its own namespace ('${ns}'): External Secrets refuses the store (namespace not allowed with namespaced SecretStore)`,
          `remove the namespace and keep the Secret in namespace '${ns}', or make the store a ClusterSecretStore, which reads it in the namespace named`,
        ),
      );
      continue;
    }
    // a ClusterSecretStore's reference without a namespace reads in each ExternalSecret's namespace: checked there (cluster-stores.ts)
    const at = cluster ? named : ns;
    if (at === undefined) continue;
    const target = index.get(KINDS.Secret, at, name);
    if (!target) {
      if (said.has(`${at}/${name}`)) continue;
      said.add(`${at}/${name}`);
      const names = index.namesOf(KINDS.Secret, at);
      const guess = didYouMean(name, names);
      const all = [...(keysRead.get(`${at}/${name}`) ?? [])].sort();
      const keys = all.length ? all.join(',') : undefined;
      // a ClusterSecretStore's Secret is declared on the Namespace it names, which may be one the objects do not make (External Secrets' own)
      const declare = cluster
        ? `if it is made outside ${written ? 'stagecraft' : 'them'}, declare it on Namespace '${at}'` +
          `${index.get(KINDS.Namespace, '', at) ? '' : ' (which the objects do not make: add it, or keep the Secret in a namespace they make and name that one in the reference)'}` +
          `: ${REQUIRED_SECRETS_ANNOTATION}: ${name}${keys === undefined ? '' : `=${keys}`}`
        : written
          ? declaredOutside.stageSecret(name, keys)
          : declaredOutside.secret(name, keys);
      out.push(
        emit(
          'refs/store-secret',
          [...path, 'name'],
          `reads ${what} from Secret '${name}', but the Secrets in namespace '${at}' are: ${listed(names)}; ${waits}`,
          guess !== undefined
            ? `did you mean '${guess}'? Otherwise add the Secret to namespace '${at}'`
            : `fix the name, or add the Secret${all.length ? ` (its keys ${all.join(', ')})` : ''} to namespace '${at}'; ${declare}`,
        ),
      );
      continue;
    }
    if (key === undefined) continue;
    // a Secret declared without its keys (made outside stagecraft) may hold any key
    if (DECLARED_SECRETS.has(target) && target.metadata.annotations?.[SECRET_KEYS_ANNOTATION] === undefined) continue;
    const has = declaredKeys(target);
    if (has.includes(key)) continue;
    out.push(
      emit(
        'refs/store-secret',
        [...path, 'key'],
        `reads key '${key}' of Secret '${name}' (${what}), which has the keys: ${listed(has)}; ${waits}`,
        guessing(key, has, missingKeyHint(target, name, key)),
      ),
    );
  }
}

/** The store references of an ExternalSecret: `spec.secretStoreRef`, and each `sourceRef.storeRef` of its data and dataFrom. */
function externalSecretStoreRefs(spec: Record<string, unknown>): [FieldPath, Record<string, unknown>][] {
  const refs: [FieldPath, Record<string, unknown>][] = [];
  if (isRecord(spec.secretStoreRef)) refs.push([['spec', 'secretStoreRef'], spec.secretStoreRef]);
  for (const list of ['data', 'dataFrom'] as const) {
    const entries = spec[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((e, i) => {
      const ref = isRecord(e) && isRecord(e.sourceRef) ? e.sourceRef.storeRef : undefined;
      if (isRecord(ref)) refs.push([['spec', list, i, 'sourceRef', 'storeRef'], ref]);
    });
  }
  return refs;
}

const SYNCS_NOTHING = 'External Secrets syncs nothing of it until the store is there';

/** An ExternalSecret's store references that name a store of the other kind, only of another namespace, or near a store's name. */
export function checkStoreReferences(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  if (!isRecord(o.spec)) return;
  const { existingObjects: existing, written } = options;
  const emit = finder(o);
  for (const [path, ref] of externalSecretStoreRefs(o.spec)) {
    const name = ref.name;
    const kind = ref.kind ?? 'SecretStore';
    if (typeof name !== 'string' || name === '' || (kind !== 'SecretStore' && kind !== 'ClusterSecretStore')) continue;
    if (kind === 'SecretStore') {
      const names = namespacedNames(index, 'SecretStore', ns, existing);
      if (names.includes(name)) continue;
      if (clusterNames(index, 'ClusterSecretStore', existing).includes(name)) {
        out.push(
          emit(
            'refs/secret-store',
            [...path, ref.kind === undefined ? 'name' : 'kind'],
            `names the SecretStore '${name}'${ref.kind === undefined ? ' (no kind: a SecretStore)' : ''}, but '${name}' is a ClusterSecretStore, and the SecretStores in namespace '${ns}' are: ${listed(names)}; ${SYNCS_NOTHING}`,
            `set kind: ClusterSecretStore beside name: ${name}`,
          ),
        );
        continue;
      }
      const elsewhere = index
        .objectsOf(SECRET_STORE)
        .filter((s) => s.metadata?.name === name)
        .map((s) => `'${index.namespaceOf(s)}'`);
      const guess = didYouMean(name, names);
      if (elsewhere.length === 0 && guess === undefined) continue;
      out.push(
        emit(
          'refs/secret-store',
          [...path, 'name'],
          `names the SecretStore '${name}', but the SecretStores in namespace '${ns}' are: ${listed(names)}` +
            `${elsewhere.length ? `; the objects' SecretStore '${name}' is in namespace ${elsewhere.join(', ')}, and a SecretStore serves only the ExternalSecrets of its own namespace` : ''}` +
            `; ${SYNCS_NOTHING}`,
          guess !== undefined
            ? `did you mean '${guess}'? Or, ${declareHint('SecretStore', ns, name, written)}`
            : `add a SecretStore '${name}' to namespace '${ns}', or make the store a ClusterSecretStore and set kind: ClusterSecretStore here; or, ${declareHint('SecretStore', ns, name, written)}`,
        ),
      );
      continue;
    }
    const stores = clusterNames(index, 'ClusterSecretStore', existing);
    const made = index.objectsOf(CLUSTER_SECRET_STORE).find((s) => s.metadata?.name === name);
    if (made) {
      checkClusterStoreUse(o, ns, index, out, path, made, options);
      continue;
    }
    if (stores.includes(name)) continue;
    if (namespacedNames(index, 'SecretStore', ns, existing).includes(name)) {
      out.push(
        emit(
          'refs/secret-store',
          [...path, 'kind'],
          `names the ClusterSecretStore '${name}', but '${name}' is a SecretStore of namespace '${ns}', and the objects make no ClusterSecretStore of that name; ${SYNCS_NOTHING}`,
          'set kind: SecretStore (or remove kind, which defaults to it)',
        ),
      );
      continue;
    }
    const guess = didYouMean(name, stores);
    if (guess === undefined) continue;
    out.push(
      emit(
        'refs/secret-store',
        [...path, 'name'],
        `names the ClusterSecretStore '${name}', but the objects' ClusterSecretStores${withDeclared(existing, 'ClusterSecretStore')} are: ${listed(stores)}; ${SYNCS_NOTHING}`,
        `did you mean '${guess}'? Or, ${declareHint('ClusterSecretStore', '', name, written)}`,
      ),
    );
  }
}
