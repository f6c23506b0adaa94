/**
 * An External Secrets ClusterExternalSecret: its controller makes an ExternalSecret of
 * `spec.externalSecretSpec` in each namespace it chooses, those `spec.namespaces` names (when they
 * exist) and those a selector of `spec.namespaceSelectors` (or the older `spec.namespaceSelector`)
 * selects by their labels. Each is checked as the ExternalSecret it makes there
 * (`checkStoreReferences`: a SecretStore of that namespace, a ClusterSecretStore whose conditions
 * serve it, the credentials it reads there), at the ClusterExternalSecret's field; and a namespace
 * named that the objects do not make nor is known to exist (`refs/namespace`) gets none, without a
 * word from External Secrets. The namespaces looked at are those known (the objects', the built-in
 * ones, those declared as existing); of one not among the objects only its name's label is known
 * (`namespaceSelects`). Pure.
 */
import { formatFieldPath, type FieldPath } from '../model/field-path.js';
import { asRecord, type KubeObject } from '../model/object.js';
import { namespaceLabels, namespaceSelects } from './cluster-stores.js';
import { finder, type Finding, guessing } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';
import { BUILT_IN_NAMESPACES, existingNamespaceHint, namespaceKnown, type ReferenceOptions } from './references-namespaces.js';
import { labelSelector } from './selectors.js';
import { checkStoreReferences } from './store-secrets.js';

/** A namespace the ClusterExternalSecret chooses, and the field that chooses it. */
interface Chosen {
  readonly ns: string;
  readonly by: FieldPath;
}

/** The namespaces known here (the objects', the built-in ones, those declared as existing), sorted, once each. */
function knownNamespaces(index: ObjectIndex, options: ReferenceOptions): string[] {
  return [...new Set([...index.namesOf(KINDS.Namespace, ''), ...BUILT_IN_NAMESPACES, ...(options.existingNamespaces ?? [])])].sort();
}

/** The known namespaces `spec` is sure to choose, each with the first field choosing it. */
function chosenNamespaces(spec: Record<string, unknown>, index: ObjectIndex, options: ReferenceOptions): Chosen[] {
  const selectors: [FieldPath, Record<string, unknown>][] = [];
  const single = asRecord(spec.namespaceSelector);
  if (single) selectors.push([['spec', 'namespaceSelector'], single]);
  if (Array.isArray(spec.namespaceSelectors))
    spec.namespaceSelectors.forEach((s, i) => {
      const selector = asRecord(s);
      if (selector) selectors.push([['spec', 'namespaceSelectors', i], selector]);
    });
  const named: unknown[] = Array.isArray(spec.namespaces) ? spec.namespaces : [];
  const chosen: Chosen[] = [];
  for (const ns of knownNamespaces(index, options)) {
    const at = named.indexOf(ns);
    if (at >= 0) {
      chosen.push({ ns, by: ['spec', 'namespaces', at] });
      continue;
    }
    const labels = namespaceLabels(ns, index);
    const by = selectors.find(([, s]) => namespaceSelects(labelSelector(s, []), ns, labels) === true);
    if (by) chosen.push({ ns, by: by[0] });
  }
  return chosen;
}

/**
 * The findings of ClusterExternalSecret `o`: a namespace of `spec.namespaces` that is not there, and
 * the store findings of the ExternalSecret it makes in each namespace it chooses, each said once at
 * its field, with the first namespace's message and the others the same fix is said for.
 */
export function checkClusterExternalSecret(
  o: KubeObject,
  _ns: string,
  index: ObjectIndex,
  out: Finding[],
  options: ReferenceOptions,
): void {
  const spec = asRecord(o.spec);
  if (!spec) return;
  const emit = finder(o);
  if (Array.isArray(spec.namespaces))
    spec.namespaces.forEach((ns, i) => {
      if (typeof ns !== 'string' || ns === '' || namespaceKnown(ns, index, options)) return;
      const known = index.namesOf(KINDS.Namespace, '');
      out.push(
        emit(
          'refs/namespace',
          ['spec', 'namespaces', i],
          `names namespace '${ns}', which is neither created in the stage nor known to exist (the stage creates: ${listed(known)}); External Secrets makes no ExternalSecret in a namespace that is not there, and says nothing of it`,
          guessing(ns, known, existingNamespaceHint(ns, options.written)),
        ),
      );
    });
  const made = asRecord(spec.externalSecretSpec);
  if (!made) return;
  const name = typeof spec.externalSecretName === 'string' && spec.externalSecretName ? spec.externalSecretName : o.metadata?.name;
  // by code, field and fix: the first namespace's finding, and every namespace the same fix is said for (its hint with the
  // namespace's name taken out: a Secret missing in one and a key missing in another are two findings, not one 'alike')
  const found = new Map<string, { first: Finding; namespaces: string[]; by: FieldPath }>();
  for (const { ns, by } of chosenNamespaces(spec, index, options)) {
    const es: KubeObject = {
      apiVersion: o.apiVersion,
      kind: 'ExternalSecret',
      metadata: { name: String(name), namespace: ns },
      spec: made,
    };
    const findings: Finding[] = [];
    checkStoreReferences(es, ns, index, findings, options);
    for (const f of findings) {
      const path: FieldPath = ['spec', 'externalSecretSpec', ...f.path.slice(1)];
      const key = `${f.code}\0${formatFieldPath(path)}\0${(f.hint ?? '').split(ns).join('\0')}`;
      const entry = found.get(key);
      if (entry) entry.namespaces.push(ns);
      else found.set(key, { first: { ...f, object: o, path }, namespaces: [ns], by });
    }
  }
  for (const { first, namespaces, by } of found.values()) {
    const [ns, ...others] = namespaces;
    const alike = others.length ? `; alike in the namespaces ${listed(others)}` : '';
    out.push({
      ...first,
      message: `makes ExternalSecret '${String(name)}' in namespace '${ns}' (chosen by ${formatFieldPath(by)}), which ${first.message}${alike}`,
    });
  }
}
