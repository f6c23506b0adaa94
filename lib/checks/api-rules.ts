/**
 * The API server's own rules that JSON Schema does not express (k8s.io/apimachinery validation,
 * pkg/apis/core/validation and pkg/apis/batch/validation): object names per kind
 * (lib/model/object-names.ts), label and annotation syntax, unique keys in keyed lists, a
 * container image, selectors that match their pod template, ConfigMap and Secret keys
 * (lib/model/config-key.ts), RBAC subjects (`rbac-subjects.ts`);
 * the values of pod specs (`api-rules-pods.ts`), Jobs' and CronJobs' restart policy, schedule and
 * time zone (`api-rules-batch.ts`) and the rules of single kinds (`api-rules-kinds.ts`).
 */
import { MAX_LABEL_VALUE } from '../model/labels.js';
import { DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN, isIanaSvcName, nameRuleOf, type NameRule } from '../model/object-names.js';
import { andList } from '../model/limits.js';
import { CONFIG_KEY_HINT, configKeyProblem } from '../model/config-key.js';
import type { KubeObject } from '../model/object.js';
import { CONTAINER_LISTS, POD_TEMPLATE_PATHS, podTemplateOf } from '../model/pod-specs.js';
import { fieldPath, finder, type Emit, type FieldPath, type Finding } from './finding.js';
import { formatLabels, formatSelector, selectorMatches, workloadSelector } from './selectors.js';
import { labelPlan, type LabelPlan } from './label-fields.js';
import { checkRbacSubjects } from './rbac-subjects.js';
import { checkPodSpecValues } from './api-rules-pods.js';
import { checkKindRules } from './api-rules-kinds.js';
import { checkBatch, manualSelector } from './api-rules-batch.js';

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The fields of metadata the API server sets, which `kubectl get -o yaml` prints; `creationTimestamp: null`,
 * which `kubectl create --dry-run -o yaml` writes, is none.
 */
const SERVER_SET_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
] as const;

const NAME_HINT: Record<NameRule, string> = {
  label: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
  dns1035: "use at most 63 lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  'path-segment': "any name without '/' or '%' (and not '.' or '..')",
  subdomain: "use at most 253 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
};

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'label':
      return DNS1123_LABEL.test(name) && name.length <= 63 ? undefined : 'a DNS-1123 label';
    case 'dns1035':
      return DNS1035_LABEL.test(name) && name.length <= 63 ? undefined : 'a DNS-1035 label';
    case 'path-segment':
      return /[/%]/.test(name) || name === '.' || name === '..' ? "a path segment (no '/' or '%')" : undefined;
    default:
      return DNS1123_SUBDOMAIN.test(name) && name.length <= 253 ? undefined : 'a DNS-1123 subdomain';
  }
}

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

function checkLabels(emit: Emit, labels: unknown, at: FieldPath, out: Finding[], what = 'label'): void {
  if (!labels || typeof labels !== 'object') return;
  for (const k in labels) {
    if (!Object.hasOwn(labels, k)) continue;
    const v = (labels as Record<string, unknown>)[k];
    const bad = keyProblem(k);
    if (bad) out.push(emit('api/label-key', [...at, k], `${what} key '${k}' is not valid: ${bad}`));
    if (what === 'label' && (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > MAX_LABEL_VALUE)) {
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

/**
 * Label and annotation syntax wherever the Kubernetes schema puts an ObjectMeta (the object's
 * own metadata, pod templates, claim and job templates) or a LabelSelector (`matchLabels`):
 * walked by the kind's schema (label-fields.ts), never by key names. `at` is one path, changed in
 * place on the way down (copied only into a finding).
 */
function checkAllLabels(emit: Emit, node: unknown, plan: LabelPlan, at: (string | number)[], out: Finding[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    const { items } = plan;
    for (let i = 0; items && i < node.length; i++) {
      at.push(i);
      checkAllLabels(emit, node[i], items, at, out);
      at.pop();
    }
    return;
  }
  const n = node as Record<string, unknown>;
  // no closure per node: this runs on every node the plan leads to, in every object
  if (plan.meta) {
    checkLabelsAt(emit, n, 'labels', at, out);
    checkLabelsAt(emit, n, 'annotations', at, out, 'annotation');
  }
  if (plan.selector) checkLabelsAt(emit, n, 'matchLabels', at, out);
  if (plan.values) for (const k in n) if (Object.hasOwn(n, k)) checkAllLabelsAt(emit, n, k, plan.values, at, out);
  const { props } = plan;
  for (let i = 0; props && i < props.length; i++) {
    const [k, sub] = props[i];
    if (n[k] !== undefined) checkAllLabelsAt(emit, n, k, sub, at, out);
  }
}

/** `checkLabels` of `n[key]`, at `at` and `key`. */
function checkLabelsAt(emit: Emit, n: Record<string, unknown>, key: string, at: (string | number)[], out: Finding[], what?: string): void {
  at.push(key);
  checkLabels(emit, n[key], at, out, what);
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
): void {
  at.push(key);
  checkAllLabels(emit, n[key], plan, at, out);
  at.pop();
}

/** Reports items of `list` whose key (several fields joined) repeats an earlier item's. */
function unique(
  emit: Emit,
  list: unknown,
  at: FieldPath,
  fields: readonly string[],
  out: Finding[],
  defaults: Record<string, unknown> = {},
): void {
  if (!Array.isArray(list)) return;
  const seen = new Map<string, number>();
  list.forEach((item: Record<string, unknown> | null, i) => {
    if (!item || typeof item !== 'object') return;
    const values = fields.map((f) => item[f] ?? defaults[f]);
    if (values.some((v) => v === undefined)) return;
    const key = JSON.stringify(values);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else {
      const shown = fields.map((f, j) => `${f} ${JSON.stringify(values[j])}`).join(' and ');
      out.push(
        emit('api/duplicate-key', [...at, i], `${shown} repeats item [${first}]`, `each item needs a different ${fields.join(' and ')}`),
      );
    }
  });
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** A port number field must be within 1-65535 (hostPort may be 0: none). */
function portInRange(emit: Emit, value: unknown, path: FieldPath, out: Finding[], min = 1): void {
  if (typeof value === 'number' && Number.isInteger(value) && (value < min || value > 65535)) {
    out.push(emit('api/port-range', path, `port ${value} is out of range (${min}-65535)`));
  }
}

/** Exactly one of `kinds` may be set on `node` (a probe's handler, a volume's source). */
function oneOf(
  emit: Emit,
  node: Record<string, unknown>,
  kinds: readonly string[] | undefined,
  path: FieldPath,
  what: string,
  out: Finding[],
): void {
  const set = kinds ? kinds.filter((k) => node[k] !== undefined) : Object.keys(node).filter((k) => k !== 'name');
  if (set.length > 1) out.push(emit('api/one-of', path, `${what} sets ${set.join(' and ')}; only one may be set`));
  // a volume with no source is an emptyDir to the API server (it defaults the source); a probe
  // with no handler is rejected
  else if (set.length === 0 && kinds) out.push(emit('api/one-of', path, `${what} sets none of ${kinds.join(', ')}`));
}

function checkPodSpec(emit: Emit, spec: Record<string, unknown>, at: FieldPath, out: Finding[]): void {
  const containers = spec.containers;
  if (Array.isArray(containers) && containers.length === 0) {
    out.push(emit('api/no-containers', [...at, 'containers'], 'a pod needs at least one container'));
  }
  const allNames: { name: unknown; path: FieldPath }[] = [];
  for (const list of CONTAINER_LISTS) {
    const cs = spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: Record<string, unknown> | null, i) => {
      if (!c || typeof c !== 'object') return;
      const cp: FieldPath = [...at, list, i];
      allNames.push({ name: c.name, path: cp });
      if (typeof c.name === 'string' && (!DNS1123_LABEL.test(c.name) || c.name.length > 63)) {
        out.push(emit('api/name', [...cp, 'name'], `container name '${c.name}' is not a DNS-1123 label`, NAME_HINT.label));
      }
      if (c.image === undefined || c.image === '') {
        out.push(emit('api/image', cp, `container '${String(c.name)}' has no image`, 'set image, e.g. nginx:1.25'));
      }
      unique(emit, c.ports, [...cp, 'ports'], ['containerPort', 'protocol'], out, { protocol: 'TCP' });
      unique(emit, c.ports, [...cp, 'ports'], ['name'], out);
      if (Array.isArray(c.ports)) {
        c.ports.forEach((p: Record<string, unknown> | null, j) => {
          const n = p?.name;
          if (typeof n === 'string' && !isIanaSvcName(n)) {
            out.push(
              emit(
                'api/port-name',
                [...cp, 'ports', j, 'name'],
                `port name '${n}' is not an IANA service name`,
                "use at most 15 lowercase letters, digits and '-', with at least one letter and no '--'",
              ),
            );
          }
        });
      }
      unique(emit, c.env, [...cp, 'env'], ['name'], out);
      if (Array.isArray(c.env)) {
        c.env.forEach((e: Record<string, unknown> | null, j) => {
          if (typeof e?.name === 'string' && !ENV_VAR_NAME.test(e.name)) {
            out.push(
              emit(
                'api/env-name',
                [...cp, 'env', j, 'name'],
                `environment variable name '${e.name}' is not valid`,
                "use letters, digits, '_', '-' and '.', not starting with a digit",
              ),
            );
          }
        });
      }
      unique(emit, c.volumeMounts, [...cp, 'volumeMounts'], ['mountPath'], out);
      if (Array.isArray(c.ports)) {
        c.ports.forEach((p: Record<string, unknown> | null, j) => {
          portInRange(emit, p?.containerPort, [...cp, 'ports', j, 'containerPort'], out);
          portInRange(emit, p?.hostPort, [...cp, 'ports', j, 'hostPort'], out, 0);
        });
      }
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const p = c[probe];
        if (p && typeof p === 'object' && !Array.isArray(p))
          oneOf(emit, p as Record<string, unknown>, PROBE_HANDLERS, [...cp, probe], probe, out);
      }
    });
  }
  // init and app containers share one namespace of names
  const seen = new Map<unknown, FieldPath>();
  for (const { name, path } of allNames) {
    if (name === undefined) continue;
    const first = seen.get(name);
    if (first)
      out.push(
        emit('api/duplicate-key', path, `container name '${String(name)}' is used twice (also at ${fieldPath(first.slice(at.length))})`),
      );
    else seen.set(name, path);
  }
  // the API server checks nodeSelector as labels (ValidateLabels)
  checkLabels(emit, spec.nodeSelector, [...at, 'nodeSelector'], out);
  unique(emit, spec.volumes, [...at, 'volumes'], ['name'], out);
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((v: Record<string, unknown> | null, i) => {
      if (v && typeof v === 'object') oneOf(emit, v, undefined, [...at, 'volumes', i], `volume '${String(v.name)}'`, out);
    });
  }
  unique(emit, spec.topologySpreadConstraints, [...at, 'topologySpreadConstraints'], ['topologyKey', 'whenUnsatisfiable'], out);
  unique(emit, spec.imagePullSecrets, [...at, 'imagePullSecrets'], ['name'], out);
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((v: Record<string, unknown> | null, i) => {
      if (typeof v?.name === 'string' && (!DNS1123_LABEL.test(v.name) || v.name.length > 63)) {
        out.push(emit('api/name', [...at, 'volumes', i, 'name'], `volume name '${v.name}' is not a DNS-1123 label`, NAME_HINT.label));
      }
    });
  }
}

/** API-server findings of one object. */
export function checkApiRules(o: KubeObject): Finding[] {
  const out: Finding[] = [];
  const emit = finder(o);
  const md = o.metadata;
  if (md === undefined || md === null) return [emit('api/name', [], "required field 'metadata' is missing", 'add metadata.name')];
  if (typeof md !== 'object') return out; // the schema check reports its type
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
  if (typeof md.namespace === 'string' && (!DNS1123_LABEL.test(md.namespace) || md.namespace.length > 63)) {
    out.push(emit('api/name', ['metadata', 'namespace'], `namespace '${md.namespace}' is not a DNS-1123 label`, NAME_HINT.label));
  }
  const serverSet = SERVER_SET_METADATA.filter((f) => md[f] !== undefined && md[f] !== null);
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
  checkAllLabels(emit, o, labelPlan(String(o.apiVersion), o.kind), [], out);

  const templatePath = POD_TEMPLATE_PATHS[o.kind];
  const template = podTemplateOf(o);
  if (templatePath && template) {
    if (template.spec && typeof template.spec === 'object') {
      checkPodSpec(emit, template.spec, [...templatePath, 'spec'], out);
      checkPodSpecValues(emit, template.spec, [...templatePath, 'spec'], out);
    }
  }
  if (templatePath && (o.kind === 'Job' || o.kind === 'CronJob')) checkBatch(emit, o, template, templatePath, out);
  const selector = workloadSelector(o);
  if (selector) {
    if (o.kind === 'ReplicationController') checkLabels(emit, selector.matchLabels, selector.path, out);
    const labels = template?.metadata?.labels ?? {};
    if (template && !selectorMatches(selector, labels)) {
      out.push(
        emit(
          'api/selector',
          selector.path,
          `selects ${formatSelector(selector)}, but the pod template's labels are: ${formatLabels(labels) || 'none'}`,
          'make the selector a subset of the pod template labels',
        ),
      );
    }
  }
  if (o.kind === 'ConfigMap' || o.kind === 'Secret') {
    const fields = o.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
    const seen = new Set<string>();
    for (const field of fields) {
      const map = o[field];
      if (!map || typeof map !== 'object') continue;
      for (const key of Object.keys(map)) {
        const bad = configKeyProblem(key);
        if (bad) out.push(emit('api/config-key', [field, key], `key '${key}' is not valid: ${bad}`, CONFIG_KEY_HINT));
        if (o.kind === 'ConfigMap' && seen.has(key))
          out.push(emit('api/duplicate-key', [field, key], `key '${key}' is in both data and binaryData`));
        seen.add(key);
      }
    }
  }
  out.push(...checkRbacSubjects(o));
  checkKindRules(emit, o, out);
  if (o.kind === 'Service') {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    unique(emit, spec.ports, ['spec', 'ports'], ['port', 'protocol'], out, { protocol: 'TCP' });
    unique(emit, spec.ports, ['spec', 'ports'], ['name'], out);
    if (Array.isArray(spec.ports)) {
      spec.ports.forEach((p: Record<string, unknown> | null, i) => {
        portInRange(emit, p?.port, ['spec', 'ports', i, 'port'], out);
        portInRange(emit, p?.targetPort, ['spec', 'ports', i, 'targetPort'], out);
        const t = p?.targetPort;
        if (typeof t === 'string' && !isIanaSvcName(t)) {
          out.push(
            emit(
              'api/target-port-name',
              ['spec', 'ports', i, 'targetPort'],
              `targetPort '${t}' is neither a number nor an IANA service name (a container port name)`,
              "name a container port: at most 15 lowercase letters, digits and '-', with at least one letter and no '--'; or give the port number",
            ),
          );
        }
      });
    }
    if (Array.isArray(spec.ports) && spec.ports.length > 1) {
      spec.ports.forEach((p: Record<string, unknown> | null, i) => {
        if (p && !p.name)
          out.push(emit('api/port-name', ['spec', 'ports', i], 'a Service with several ports needs a name on each', 'add name, e.g. http'));
      });
    }
  }
  return out;
}
