/**
 * What an ExternalSecret gets of a ClusterSecretStore the objects make (`refs/secret-store`,
 * `refs/store-secret`): the store serves only the namespaces its `spec.conditions` choose (any
 * condition: a namespace named in `namespaces`, matched by one of `namespaceRegexes`, Go expressions
 * matched anywhere in the name, or whose labels `namespaceSelector` selects; no conditions: every
 * namespace), and External Secrets refuses an ExternalSecret of another ("using cluster store ... is
 * not allowed from namespace ...: denied"); and a credential Secret the store names without a
 * namespace is read in the namespace of each ExternalSecret that uses it (referent authentication),
 * where it must be. Of a namespace not among the objects, only the label the API server gives it,
 * its name, is known: a namespaceSelector that needs another label of it, and an expression RE2
 * refuses, are taken as serving it; expressions are read by re2js, as Go reads them. Pure.
 */
import { RE2JS } from 're2js';
import { didYouMean } from '../model/did-you-mean.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import type { ReferenceOptions } from './references-namespaces.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION, declaredKeys, declaredOutside } from './declared-secrets.js';
import { labelSelector, selectorMatches, type Selector } from './selectors.js';
import { storeRefs } from './store-refs.js';

/** The label the API server sets on every Namespace to its name, which a namespaceSelector may select by. */
const NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Whether a namespaceSelector selects namespace `ns`, whose labels are `labels` (with its name's),
 * or undefined when they are not known (a namespace not among the objects) and the selector needs
 * more of them than its name's label: its requirements on that label alone decide otherwise, for
 * a namespace whose name they refuse is refused whatever its other labels (`matchLabels:
 * { kubernetes.io/metadata.name: payments }` selects no namespace 'billing').
 */
export function namespaceSelects(
  selector: Pick<Selector, 'matchLabels' | 'matchExpressions'>,
  ns: string,
  labels: Readonly<Record<string, string>> | undefined,
): boolean | undefined {
  if (labels) return selectorMatches(selector, { ...labels, [NAME_LABEL]: ns });
  const byName: Pick<Selector, 'matchLabels' | 'matchExpressions'> = {
    matchLabels: Object.hasOwn(selector.matchLabels, NAME_LABEL) ? { [NAME_LABEL]: selector.matchLabels[NAME_LABEL] } : {},
    matchExpressions: selector.matchExpressions.filter((r) => r.key === NAME_LABEL),
  };
  if (!selectorMatches(byName, { [NAME_LABEL]: ns })) return false;
  const others = Object.keys(selector.matchLabels).length - Object.keys(byName.matchLabels).length;
  return others === 0 && byName.matchExpressions.length === selector.matchExpressions.length ? true : undefined;
}

/** The labels of namespace `ns` when the objects make it (with its name's), else undefined: not known. */
export function namespaceLabels(ns: string, index: ObjectIndex): Record<string, string> | undefined {
  const namespace = index.get(KINDS.Namespace, '', ns);
  if (!namespace) return undefined;
  return { ...(isRecord(namespace.metadata?.labels) ? (namespace.metadata.labels as Record<string, string>) : {}), [NAME_LABEL]: ns };
}

/**
 * Whether `store`'s conditions serve namespace `ns`: true, false, or undefined when it cannot be
 * told here (a selector on more labels than the name's of a namespace not among the objects, an expression not read).
 */
function serves(store: KubeObject, ns: string, index: ObjectIndex): boolean | undefined {
  const conditions = isRecord(store.spec) && Array.isArray(store.spec.conditions) ? store.spec.conditions.filter(isRecord) : [];
  if (conditions.length === 0) return true;
  let unknown = false;
  const labels = namespaceLabels(ns, index);
  for (const c of conditions) {
    if (Array.isArray(c.namespaces) && c.namespaces.includes(ns)) return true;
    if (isRecord(c.namespaceSelector)) {
      const selects = namespaceSelects(labelSelector(c.namespaceSelector, []), ns, labels);
      if (selects) return true;
      if (selects === undefined) unknown = true;
    }
    for (const expression of Array.isArray(c.namespaceRegexes) ? c.namespaceRegexes : []) {
      if (typeof expression !== 'string') continue;
      const matched = matches(expression, ns);
      if (matched) return true;
      if (matched === undefined) unknown = true;
    }
  }
  return unknown ? undefined : false;
}

/**
 * Whether Go expression `expression` matches anywhere in namespace `ns`, as External Secrets tests it
 * (regexp.MatchString): read by re2js, RE2's port, as Go reads it and in time linear in the name
 * whatever the expression (JavaScript's backtracking RegExp takes minutes on `^(a+)+b` and a name of
 * 30 `a`s); undefined when RE2 refuses the expression (External Secrets cannot use that condition).
 */
function matches(expression: string, ns: string): boolean | undefined {
  try {
    return RE2JS.compile(expression).matcher(ns).find();
  } catch {
    return undefined;
  }
}

/** The conditions of a store as written, for a message: `namespaces payments, billing; namespaceRegexes ^team-`. */
function conditionsText(store: KubeObject): string {
  const conditions = isRecord(store.spec) && Array.isArray(store.spec.conditions) ? store.spec.conditions.filter(isRecord) : [];
  const parts = conditions.flatMap((c) => [
    ...(Array.isArray(c.namespaces) && c.namespaces.length ? [`namespaces ${c.namespaces.join(', ')}`] : []),
    ...(Array.isArray(c.namespaceRegexes) && c.namespaceRegexes.length ? [`namespaceRegexes ${c.namespaceRegexes.join(', ')}`] : []),
    ...(isRecord(c.namespaceSelector) ? ['a namespaceSelector'] : []),
  ]);
  return parts.length ? parts.join('; ') : 'none';
}

/**
 * The findings of an ExternalSecret `o` of namespace `ns` whose reference at `path` names `store`, a
 * ClusterSecretStore of the objects: a namespace the store does not serve, or a credential Secret it
 * reads in this namespace (named without one) that is not there.
 */
export function checkClusterStoreUse(
  o: KubeObject,
  ns: string,
  index: ObjectIndex,
  out: Finding[],
  path: FieldPath,
  store: KubeObject,
  { written }: ReferenceOptions,
): void {
  const emit = finder(o);
  const name = String(store.metadata?.name);
  if (serves(store, ns, index) === false) {
    out.push(
      emit(
        'refs/secret-store',
        [...path, 'name'],
        `names the ClusterSecretStore '${name}', which serves only the namespaces its spec.conditions choose (${conditionsText(store)}), not '${ns}': ` +
          `External Secrets refuses the ExternalSecret (using cluster store "${name}" is not allowed from namespace "${ns}": denied) and syncs nothing of it`,
        `add '${ns}' to the namespaces of a condition of ClusterSecretStore ${name} (spec.conditions[].namespaces), or name a store that serves namespace '${ns}'`,
      ),
    );
    return;
  }
  const provider = isRecord(store.spec) && isRecord(store.spec.provider) ? store.spec.provider : undefined;
  if (!provider) return;
  const said = new Set<string>();
  for (const ref of storeRefs(provider)) {
    // a Secret named with its namespace is the store's own finding (store-secrets.ts)
    if (typeof ref.namespace === 'string' && ref.namespace !== '') continue;
    const where = ref.path.join('.');
    const target = index.get(KINDS.Secret, ns, ref.name);
    if (!target) {
      if (said.has(ref.name)) continue;
      said.add(ref.name);
      const names = index.namesOf(KINDS.Secret, ns);
      const guess = didYouMean(ref.name, names);
      out.push(
        emit(
          'refs/store-secret',
          [...path, 'name'],
          `names the ClusterSecretStore '${name}', which reads the ${ref.provider} provider's credentials from Secret '${ref.name}' (${where}, no namespace: in each ExternalSecret's), but the Secrets in namespace '${ns}' are: ${listed(names)}; External Secrets syncs nothing of it until the Secret is there`,
          guess !== undefined
            ? `did you mean '${guess}'? Then fix ${where}.name of ClusterSecretStore ${name}; or add the Secret '${ref.name}' to namespace '${ns}'`
            : `add the Secret '${ref.name}'${ref.key ? ` (its key ${ref.key})` : ''} to namespace '${ns}', or give ${where} the namespace that holds it; ${written ? declaredOutside.stageSecret(ref.name, ref.key) : declaredOutside.secret(ref.name, ref.key)}`,
        ),
      );
      continue;
    }
    if (ref.key === undefined) continue;
    // a Secret declared without its keys (made outside) may hold any key
    if (DECLARED_SECRETS.has(target) && target.metadata.annotations?.[SECRET_KEYS_ANNOTATION] === undefined) continue;
    const has = declaredKeys(target);
    if (has.includes(ref.key)) continue;
    out.push(
      emit(
        'refs/store-secret',
        [...path, 'name'],
        `names the ClusterSecretStore '${name}', which reads key '${ref.key}' of Secret '${ref.name}' (${where}, no namespace: in each ExternalSecret's), but that Secret in namespace '${ns}' has the keys: ${listed(has)}; External Secrets syncs nothing of it until the key is there`,
        `add the key '${ref.key}' to Secret ${ns}/${ref.name}, or read another (${where}.key of ClusterSecretStore ${name})`,
      ),
    );
  }
}
