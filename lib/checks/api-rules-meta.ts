/**
 * The API server's rules of metadata that JSON Schema does not express (k8s.io/apimachinery
 * ValidateObjectMeta, ValidateLabels, ValidateAnnotations and the per-kind name validation): an
 * object's name per kind (lib/model/object-names.ts) and namespace, no metadata the API server
 * sets nor owners named by their uid, no object the cluster makes (cluster-made.ts), no annotation that
 * makes kustomize leave the object out or rename it (kustomize-annotations.ts), and label and annotation syntax wherever the kind's schema puts an ObjectMeta or a
 * LabelSelector (`label-fields.ts`), a pod's nodeSelector included. Called by `checkApiRules`
 * (api-rules.ts); data in, findings out.
 */
import { builtInClusterScoped } from '../k8s.js';
import { BoundedMap } from '../model/bounded-map.js';
import { MAX_LABEL_VALUE } from '../model/labels.js';
import { andList, describeValue } from '../model/limits.js';
import {
  DNS1035_LABEL,
  DNS1123_LABEL,
  DNS1123_SUBDOMAIN,
  MAX_LABEL_NAME,
  MAX_SUBDOMAIN_NAME,
  nameRuleOf,
  type NameRule,
} from '../model/object-names.js';
import type { KubeObject } from '../model/object.js';
import type { Engine } from '../model/engines.js';
import { HELM_HOOK, argoCdHook, helmHooks } from '../model/hooks.js';
import { finder, type Emit, type FieldPath, type Finding } from './finding.js';
import { kubernetesSchemas } from './k8s-schema.js';
import { labelPlan, type LabelPlan } from './label-fields.js';
import { manualSelector } from './api-rules-batch.js';
import { clusterMadeFinding } from './cluster-made.js';
import { kustomizeAnnotationFinding } from './kustomize-annotations.js';

/**
 * What the stage's applier does with a Helm hook that `helm template` rendered (a test Pod, a
 * migration Job): kubectl apply (and Flux, which applies as it does) creates it with everything
 * else, once; Argo CD runs the install and upgrade hooks as its own sync hooks (no finding) and
 * never applies the others, unless its own hook annotation, which rules over Helm's, says otherwise
 * (lib/model/hooks.ts `argoCdHook`). `crd-install` is no hook to any of them.
 */
function helmHookFinding(o: KubeObject, annotation: string, engine: Engine | undefined): Finding | undefined {
  const hooks = helmHooks(annotation);
  if (hooks.length === 0) return undefined;
  const warn = finder(o, 'warning');
  const at = ['metadata', 'annotations', HELM_HOOK];
  const what = `makes the ${o.kind} a Helm hook ('${annotation}')`;
  if (engine === 'argocd') {
    // Argo CD's own hook annotation rules over Helm's (a Helm test that is a PostSync hook to Argo CD runs)
    if (argoCdHook(o.metadata.annotations ?? {}) !== 'never') return undefined;
    return warn(
      'api/helm-hook',
      at,
      `${what}, which Argo CD never applies: it runs pre-install and pre-upgrade hooks as PreSync hooks and post-install and post-upgrade hooks as PostSync hooks, at every sync, and leaves the others out`,
      hooks.some((h) => h.startsWith('test'))
        ? 'leave tests out of what helm template renders (--skip-tests); or, if the object belongs with the rest, remove the annotation'
        : 'if the object belongs with the rest, remove the annotation; to run it at a sync, annotate it argocd.argoproj.io/hook (PreSync, PostSync...)',
    );
  }
  // `helm template` renders hooks beside the chart; kubectl apply knows no hook. What a later apply
  // cannot change, of the kinds hooks usually are (a migration Job, a test Pod)
  const fixed =
    o.kind === 'Job'
      ? ", and an apply that changes the Job's template fails (a Job's template cannot be changed)"
      : o.kind === 'Pod'
        ? ", and an apply that changes the Pod's spec fails (but for its images and a few fields, a Pod's spec cannot be changed)"
        : '';
  return warn(
    'api/helm-hook',
    at,
    `${what}: Helm creates it only at that step of a release (${hooks.some((h) => h.startsWith('test')) ? 'helm test' : 'before or after an install, upgrade, rollback or delete'}), but kubectl apply creates it with everything else, once: it does not run again at the next release${fixed}`,
    'leave hooks out of what helm template renders (--skip-tests for tests, --no-hooks for the others); or, if the object belongs with the rest, remove the annotation',
  );
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The fields of metadata the API server sets, which `kubectl get -o yaml` prints; `creationTimestamp: null`,
 * which `kubectl create --dry-run -o yaml` writes, is none.
 */
const SERVER_SET: ReadonlySet<string> = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** The owner kinds a controller makes in turn, as an export holds them: a Deployment's ReplicaSets, a CronJob's Jobs. */
const CONTROLLER_MADE: ReadonlySet<string> = new Set(['ReplicaSet', 'Job']);

/**
 * An object whose metadata names its owners (`ownerReferences`, which a controller writes and
 * `kubectl get -o yaml` prints: a ReplicaSet of a Deployment, a Pod of a ReplicaSet, a Job of a
 * CronJob, an EndpointSlice of a Service). An owner is named by its uid, which no manifest can
 * know: where no object has it (another cluster, another namespace) the garbage collector deletes
 * the object as soon as it is created; where it does, the owner's controller manages the object,
 * and each apply of it fights that controller (a ReplicaSet scaled back up, beside the Deployment's).
 */
function ownerFinding(emit: Emit, o: KubeObject, refs: unknown): Finding | undefined {
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  const owners = refs.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
  const controller = owners.find((r) => r.controller === true);
  const name = (r: Record<string, unknown>) => `${String(r.kind)} ${String(r.name)}`;
  // a cluster-scoped owner (a Node) is in every namespace of its cluster
  const where = owners.some((r) => builtInClusterScoped(r.apiVersion, r.kind) === true) ? 'cluster' : 'cluster or namespace';
  const uid = `the garbage collector deletes it at once where no object has its owner's uid (in any other ${where})`;
  // an owner that a controller makes in turn (a Deployment's ReplicaSet) is to be removed too: no 'keep' for it
  const keep = controller && !CONTROLLER_MADE.has(String(controller.kind)) ? ` (keep ${name(controller)} itself)` : '';
  return controller
    ? emit(
        'api/owner-reference',
        ['metadata', 'ownerReferences'],
        `this ${o.kind} is made and managed by ${name(controller)}, its controller (ownerReferences): ${uid}, and where one does, each apply fights that controller; it was exported from a cluster (kubectl get -o yaml)`,
        `remove the ${o.kind} from the manifests: ${name(controller)} makes it${keep}`,
      )
    : emit(
        'api/owner-reference',
        ['metadata', 'ownerReferences'],
        `names its owners (${owners.map(name).join(', ')}) by the uids they had in the cluster it was exported from: ${uid}`,
        'remove ownerReferences: the owner is named by a uid the cluster gives it, which no manifest can know',
      );
}

/** What each grammar of names takes, as a hint. */
export const NAME_HINT: Record<NameRule, string> = {
  label: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  dns1035: "use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  'path-segment': "any name without '/' or '%' (and not '.' or '..')",
  subdomain: "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
};

/** What a name that `rule` refuses is not (`a DNS-1123 label`), or undefined when the rule takes it. */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'label':
      return DNS1123_LABEL.test(name) && name.length <= MAX_LABEL_NAME ? undefined : 'a DNS-1123 label';
    case 'dns1035':
      return DNS1035_LABEL.test(name) && name.length <= MAX_LABEL_NAME ? undefined : 'a DNS-1035 label';
    case 'path-segment':
      return /[/%]/.test(name) || name === '.' || name === '..' ? "a path segment (no '/' or '%')" : undefined;
    default:
      return DNS1123_SUBDOMAIN.test(name) && name.length <= MAX_SUBDOMAIN_NAME ? undefined : 'a DNS-1123 subdomain';
  }
}

/** How a label or annotation key is written. */
const KEY_HINT =
  "write the key as name or prefix/name: the name 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (app-version, not 'app version'); the prefix a DNS-1123 subdomain (example.com)";

/** What is wrong with a label or annotation key, if anything. */
export function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (!DNS1123_SUBDOMAIN.test(prefix) || prefix.length > 253)) return 'its prefix must be a DNS-1123 subdomain';
  if (!QUALIFIED_NAME.test(name) || name.length > 63) {
    return "its name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

/**
 * Answers kept by key and by value: the same keys (`app.kubernetes.io/name`...) and values (an
 * app's name, its stage's) are on every object of a stage and in its templates and selectors, and
 * each answer depends on the string alone. Bounded in number, and only strings short enough to be
 * valid are kept (a longer one is answered without a cache), so a cache holds at most a few MB.
 */
const MAX_CACHED = 50_000;
/** The longest key that can be valid: a 253-character prefix, '/', a 63-character name. */
const MAX_KEY = 253 + 1 + 63;
/** A key -> what is wrong with it, or '' when nothing is. */
const keyProblems = new BoundedMap<string, string>(MAX_CACHED);
/** A label value -> whether it is valid. */
const labelValues = new BoundedMap<string, boolean>(MAX_CACHED);

/** `keyProblem`, answered once per key. */
function knownKeyProblem(key: string): string | undefined {
  if (key.length > MAX_KEY) return keyProblem(key);
  const known = keyProblems.get(key) ?? keyProblems.remember(key, keyProblem(key) ?? '');
  return known || undefined;
}

/** Whether `v` is a valid label value (a string of at most 63 characters, LABEL_VALUE), answered once per value. */
function validLabelValue(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > MAX_LABEL_VALUE) return false;
  return labelValues.get(v) ?? labelValues.remember(v, LABEL_VALUE.test(v));
}

/**
 * The syntax of the labels (or, as `what`, annotations) in the mapping `labels` at `at`. `typed`:
 * whether the schema check says already that a value which is no string is refused (a built-in
 * kind's, whose schema types these maps; not a custom resource's, whose CRD leaves its metadata to
 * the API server), so that one mistake is one finding.
 */
export function checkLabels(emit: Emit, labels: unknown, at: FieldPath, out: Finding[], what = 'label', typed = true): void {
  if (!labels || typeof labels !== 'object') return;
  for (const k in labels) {
    if (!Object.hasOwn(labels, k)) continue;
    const v = (labels as Record<string, unknown>)[k];
    const bad = knownKeyProblem(k);
    if (bad) out.push(emit('api/label-key', [...at, k], `${what} key '${k}' is not valid: ${bad}`, KEY_HINT));
    // the API server decodes null into a map of strings as "" (Go's encoding/json), so it takes the
    // object; but kubectl apply's next patch sends the null, which removes the key. kustomize
    // (kubectl apply -k) passes a null label on as it is, and writes a null annotation as "null"
    // (kubectl 1.32, kustomize 5.5). The manifests stack keeps either as "" (apps/manifests.ts).
    if (v === null)
      out.push({
        ...emit(
          'api/label-null',
          [...at, k],
          what === 'label'
            ? `${what} value null: the API server stores it as "" (an empty value) when the object is created, but a later kubectl apply sends the null in its patch, which removes the ${what}`
            : `${what} value null: kubectl apply -f creates it as "" (an empty value), and a later apply sends the null in its patch, which removes the ${what}; kubectl apply -k (kustomize) writes it as the string "null"`,
          `write ${k}: "" for an empty value, or leave the ${what} out`,
        ),
        severity: 'warning',
      });
    else if (typeof v !== 'string') {
      // the API server decodes these maps as strings only: `tier: 1` is refused, `tier: "1"` taken
      if (!typed) out.push(notAString(emit, [...at, k], v, what));
    } else if (what === 'label' && !validLabelValue(v)) {
      out.push(
        emit(
          'api/label-value',
          [...at, k],
          `label value ${JSON.stringify(v)} is not valid`,
          "label values are at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)",
        ),
      );
    }
  }
}

/** A label or annotation value that is no string (a number, a boolean, a mapping, a list), which the API server refuses. */
function notAString(emit: Emit, path: FieldPath, v: unknown, what: string): Finding {
  const key = String(path[path.length - 1]);
  const scalar = typeof v === 'number' || typeof v === 'boolean';
  return emit(
    what === 'label' ? 'api/label-value' : 'api/annotation-value',
    path,
    `${what} value ${describeValue(v)} is not a string: ${what}s are strings, and the API server refuses the object (it cannot decode ${what}s of another type)`,
    scalar ? `quote it: ${key}: "${String(v)}"` : `write the ${what} as a string`,
  );
}

/**
 * Label and annotation syntax wherever the Kubernetes schema puts an ObjectMeta (the object's
 * own metadata, pod templates, claim and job templates) or a LabelSelector (`matchLabels`):
 * walked by the kind's schema (label-fields.ts), never by key names. `at` is one path, changed in
 * place on the way down (copied only into a finding).
 */
function checkAllLabels(emit: Emit, node: unknown, plan: LabelPlan, at: (string | number)[], out: Finding[], typed: boolean): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    const { items } = plan;
    for (let i = 0; items && i < node.length; i++) {
      at.push(i);
      checkAllLabels(emit, node[i], items, at, out, typed);
      at.pop();
    }
    return;
  }
  const n = node as Record<string, unknown>;
  // no closure per node: this runs on every node the plan leads to, in every object
  if (plan.meta) {
    checkLabelsAt(emit, n, 'labels', at, out, 'label', typed);
    checkLabelsAt(emit, n, 'annotations', at, out, 'annotation', typed);
  }
  if (plan.selector) checkLabelsAt(emit, n, 'matchLabels', at, out, 'label', typed);
  if (plan.values) for (const k in n) if (Object.hasOwn(n, k)) checkAllLabelsAt(emit, n, k, plan.values, at, out, typed);
  const { props } = plan;
  for (let i = 0; props && i < props.length; i++) {
    const [k, sub] = props[i];
    if (n[k] !== undefined) checkAllLabelsAt(emit, n, k, sub, at, out, typed);
  }
}

/** `checkLabels` of `n[key]`, at `at` and `key`. */
function checkLabelsAt(
  emit: Emit,
  n: Record<string, unknown>,
  key: string,
  at: (string | number)[],
  out: Finding[],
  what: string,
  typed: boolean,
): void {
  at.push(key);
  checkLabels(emit, n[key], at, out, what, typed);
  at.pop();
}

/** `checkAllLabels` of `n[key]`, at `at` and `key`. */
function checkAllLabelsAt(
  emit: Emit,
  n: Record<string, unknown>,
  key: string,
  plan: LabelPlan,
  at: (string | number)[],
  out: Finding[],
  typed: boolean,
): void {
  at.push(key);
  checkAllLabels(emit, n[key], plan, at, out, typed);
  at.pop();
}

/**
 * The rules of an object's metadata (`md`, a mapping): its name (or generateName) by the kind's
 * rule, its namespace, no field the API server sets, no Helm hook (a warning), and the syntax of
 * every label and annotation in the object (its own metadata's, its templates', its selectors').
 */
export function checkMetadata(
  emit: Emit,
  o: KubeObject,
  md: NonNullable<KubeObject['metadata']>,
  out: Finding[],
  engine: Engine | undefined,
): void {
  if (md.name === undefined && md.generateName === undefined) {
    out.push(emit('api/name', ['metadata'], "required field 'name' is missing", `every ${o.kind} needs a name; add metadata.name`));
  } else if (md.name === undefined) {
    // the API server names it on create; kubectl apply, which these manifests are for, refuses it
    out.push(
      finder(o, 'warning')(
        'api/generate-name',
        ['metadata', 'generateName'],
        "has generateName but no name: kubectl apply refuses it ('cannot use generate name with apply'), only kubectl create names it",
        'give it metadata.name to apply it, or create it with kubectl create',
      ),
    );
  } else if (typeof md.name === 'string') {
    const { rule, maxLength, why } = nameRuleOf(o.kind);
    const bad = nameProblem(md.name, rule);
    if (bad) out.push(emit('api/name', ['metadata', 'name'], `name '${md.name}' is not ${bad}`, NAME_HINT[rule]));
    else if (maxLength !== undefined && md.name.length > maxLength && !(o.kind === 'Job' && manualSelector(o))) {
      out.push(
        emit(
          'api/name',
          ['metadata', 'name'],
          `name '${md.name}' has ${md.name.length} characters, more than the ${maxLength} a ${o.kind}'s name may have: ${why}`,
          `shorten the name to at most ${maxLength} characters`,
        ),
      );
    }
  }
  if (typeof md.namespace === 'string' && nameProblem(md.namespace, 'label')) {
    out.push(emit('api/name', ['metadata', 'namespace'], `namespace '${md.namespace}' is not a DNS-1123 label`, NAME_HINT.label));
  }
  // in the order the manifest writes them: the finding stands at the first, where the user starts removing
  const serverSet = Object.keys(md).filter((f) => SERVER_SET.has(f) && md[f] !== undefined && md[f] !== null);
  if (serverSet.length) {
    out.push(
      emit(
        'api/server-set',
        ['metadata', serverSet[0]],
        `metadata the API server sets, not a manifest: ${andList(serverSet)}; this ${o.kind} was exported from a cluster (kubectl get -o yaml)`,
        'remove them (and status): the API server refuses to create an object with a resourceVersion, and a uid or resourceVersion of another cluster makes kubectl apply fail or conflict',
      ),
    );
  }
  const owned = ownerFinding(emit, o, md.ownerReferences) ?? clusterMadeFinding(emit, o);
  if (owned) out.push(owned);
  const built = kustomizeAnnotationFinding(emit, o);
  if (built) out.push(built);
  const hook = md.annotations?.[HELM_HOOK];
  if (typeof hook === 'string') {
    const finding = helmHookFinding(o, hook, engine);
    if (finding) out.push(finding);
  }
  const kind = `${String(o.apiVersion)}/${o.kind}`;
  // a built-in kind's schema types its label and annotation maps (schema/type says what is no string)
  checkAllLabels(emit, o, labelPlan(String(o.apiVersion), o.kind), [], out, kubernetesSchemas().kinds.has(kind));
}
