/**
 * References that name their target's namespace: the ServiceAccount subjects of RoleBindings and
 * ClusterRoleBindings, and the Services the API server calls (admission webhooks, aggregated
 * APIs, CustomResourceDefinition conversion webhooks). The API server takes each as written, so a
 * target that is not there is silent breakage: a binding that grants its role to nobody, a
 * webhook that is never reached. The commonest way to it: a file written for
 * `kubectl apply -n <namespace>` (Argo CD's install.yaml) names no namespace on its own
 * ServiceAccounts and Services, which get the stage's, but names that namespace in these fields.
 */
import { groupKind } from '../k8s.js';
import { formatFieldPath, type FieldPath } from '../model/field-path.js';
import type { Engine, EngineSync } from '../model/engines.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { finder, type Finding, guessing } from './finding.js';
import { KINDS, listed, type ObjectIndex } from './object-index.js';

/** Namespaces every cluster has: objects may live there without the stage creating them. */
export const BUILT_IN_NAMESPACES: readonly string[] = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export interface ReferenceOptions {
  /** Namespaces that exist before the stage is applied, besides the built-in ones. */
  readonly existingNamespaces?: readonly string[];
  /**
   * Stores and issuers made outside the objects (`ClusterSecretStore/vault`, `Issuer/payments/ca`:
   * lib/model/existing-objects.ts), which references may name.
   */
  readonly existingObjects?: readonly string[];
  /**
   * Whether the objects are a stage's (`checkStage`), whose stage file declares existing
   * namespaces; else files given to `npm run check`, which declares them with --namespace-exists.
   * @default false
   */
  readonly written?: boolean;
  /** The GitOps engine that applies the objects, named by `refs/autoscaled-replicas`. @default - unknown: every applier named */
  readonly engine?: Engine;
  /** Its sync policy, which decides when it sets spec.replicas back (`refs/autoscaled-replicas`). @default - automated, with selfHeal */
  readonly sync?: Omit<EngineSync, 'engine'>;
}

/** Where a namespace that the cluster already has is declared: the stage file, or the check command's flag. */
export const existingNamespaceHint = (ns: string, written: boolean | undefined) =>
  written
    ? 'add the Namespace to the stage, or declare it under checks.existingNamespaces in the stage file'
    : `add the Namespace to the files checked, or declare that the cluster has it: npm run check -- --namespace-exists ${ns} <files>`;

/** Whether namespace `ns` is there when the objects are applied: built in, declared as existing, or created by them. */
export const namespaceKnown = (ns: string, index: ObjectIndex, options: ReferenceOptions) =>
  BUILT_IN_NAMESPACES.includes(ns) || options.existingNamespaces?.includes(ns) === true || index.get(KINDS.Namespace, '', ns) !== undefined;

/** What a reference names: its kind, as `KINDS` has it and in messages, and the name every namespace has, if any. */
interface Target {
  readonly groupKind: string;
  readonly kind: string;
  readonly plural: string;
  /** @default - none */
  readonly everywhere?: string;
}
const ACCOUNT: Target = { groupKind: KINDS.ServiceAccount, kind: 'ServiceAccount', plural: 'service accounts', everywhere: 'default' };
const SERVICE: Target = { groupKind: KINDS.Service, kind: 'Service', plural: 'Services' };

/**
 * Why `name` of `target` in namespace `ns`, named at `field`, is not there when the objects are
 * applied: the end of a message and a hint; none when it is, or may be (in a namespace that exists
 * before them, kube-system's say, the cluster may have made it). `absent`: only its namespace is
 * unknown, and the objects have no `target` of that name elsewhere, so it is most likely another
 * stack's (kube-prometheus's prometheus-k8s in `monitoring`), made by another stage or tool: the
 * reference works once that namespace exists, and is a warning, not an error.
 */
function missing(
  target: Target,
  ns: string,
  name: string,
  field: string,
  index: ObjectIndex,
  options: ReferenceOptions,
): { message: string; hint: string; absent?: boolean } | undefined {
  if (index.get(target.groupKind, ns, name)) return undefined;
  const known = namespaceKnown(ns, index, options);
  if (known && (name === target.everywhere || !index.get(KINDS.Namespace, '', ns))) return undefined;
  const elsewhere = index
    .objectsOf(target.groupKind)
    .filter((o) => o.metadata.name === name)
    .map((o) => index.namespaceOf(o));
  const there = elsewhere.length
    ? `; the objects' ${target.kind} '${name}' is in namespace ${elsewhere.map((n) => `'${n}'`).join(', ')}`
    : '';
  const move = elsewhere.length === 1 ? `set ${field}: ${elsewhere[0]} (where the ${target.kind} is)` : undefined;
  if (!known) {
    return {
      message: `${target.kind} '${name}' of namespace '${ns}', a namespace neither created in the stage nor known to exist${there}`,
      hint: `${move ? `${move}; or ` : ''}${existingNamespaceHint(ns, options.written)}`,
      ...(elsewhere.length === 0 ? { absent: true } : {}),
    };
  }
  const names = index.namesOf(target.groupKind, ns);
  const shown = target.everywhere && !names.includes(target.everywhere) ? [target.everywhere, ...names] : names;
  return {
    message: `${target.kind} '${name}' of namespace '${ns}', but the ${target.plural} there are: ${listed(shown)}${there}`,
    hint: move ?? guessing(name, names, `add the ${target.kind}, or fix the name`),
  };
}

/** The ServiceAccount subjects of a RoleBinding or ClusterRoleBinding that bind nobody (`refs/binding-subject`). */
export function checkBindingSubjects(o: KubeObject, ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  if (groupKind(o.apiVersion, o.kind) !== `rbac.authorization.k8s.io/${o.kind}` || !Array.isArray(o.subjects)) return;
  o.subjects.forEach((subject, i) => {
    if (!isRecord(subject) || subject.kind !== 'ServiceAccount' || typeof subject.name !== 'string') return;
    const s = subject as { name: string; namespace?: unknown };
    const written = typeof s.namespace === 'string' && s.namespace !== '';
    // a ClusterRoleBinding's subject without a namespace is api/rbac-subject's; a RoleBinding's is in its own
    const at = written ? String(s.namespace) : o.kind === 'RoleBinding' ? ns : undefined;
    const miss = at === undefined ? undefined : missing(ACCOUNT, at, s.name, `subjects[${i}].namespace`, index, options);
    if (!miss) return;
    out.push(
      finder(o, miss.absent ? 'warning' : 'error')(
        'refs/binding-subject',
        ['subjects', i, written ? 'namespace' : 'name'],
        `binds ${miss.message}: the binding grants ${miss.absent ? `nothing until namespace '${at}' exists` : 'its role to nobody'}`,
        miss.hint,
      ),
    );
  });
}

/**
 * Where each kind names the Services the API server calls (`{ namespace, name }`; `*` for every
 * item of a list), by kind with its group: as kustomize's namespace transformer lists them.
 */
export const SERVICES_CALLED: ReadonlyMap<string, { readonly group: string; readonly path: readonly string[] }> = new Map([
  ['MutatingWebhookConfiguration', { group: 'admissionregistration.k8s.io', path: ['webhooks', '*', 'clientConfig', 'service'] }],
  ['ValidatingWebhookConfiguration', { group: 'admissionregistration.k8s.io', path: ['webhooks', '*', 'clientConfig', 'service'] }],
  ['APIService', { group: 'apiregistration.k8s.io', path: ['spec', 'service'] }],
  ['CustomResourceDefinition', { group: 'apiextensions.k8s.io', path: ['spec', 'conversion', 'webhook', 'clientConfig', 'service'] }],
]);

/** The mappings at `path` below `value` (`*` for every item of a list), each with its field path. */
function mappingsAt(value: unknown, path: readonly string[], prefix: FieldPath = []): [FieldPath, Record<string, unknown>][] {
  if (path.length === 0) return isRecord(value) ? [[prefix, value]] : [];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v, i) => mappingsAt(v, rest, [...prefix, i])) : [];
  return isRecord(value) ? mappingsAt(value[head], rest, [...prefix, head]) : [];
}

/** The Services a webhook configuration, APIService or CRD has the API server call that are not there (`refs/called-service`). */
export function checkServicesCalled(o: KubeObject, _ns: string, index: ObjectIndex, out: Finding[], options: ReferenceOptions): void {
  const where = SERVICES_CALLED.get(o.kind);
  if (!where || groupKind(o.apiVersion, o.kind) !== `${where.group}/${o.kind}`) return;
  for (const [path, service] of mappingsAt(o, where.path)) {
    // both are required: the schema reports one missing
    if (typeof service.namespace !== 'string' || typeof service.name !== 'string') continue;
    const field: FieldPath = [...path, 'namespace'];
    const miss = missing(SERVICE, service.namespace, service.name, formatFieldPath(field), index, options);
    if (!miss) continue;
    out.push(
      finder(o, miss.absent ? 'warning' : 'error')(
        'refs/called-service',
        field,
        `has the API server call ${miss.message}: the calls fail${miss.absent ? ` until namespace '${service.namespace}' exists` : ''}${o.kind.endsWith('WebhookConfiguration') ? ' (with failurePolicy Fail, the default, so does every request the webhook intercepts)' : ''}`,
        miss.hint,
      ),
    );
  }
}
