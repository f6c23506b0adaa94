/**
 * The API server's own rules that JSON Schema does not express (k8s.io/apimachinery validation,
 * pkg/apis/core/validation), one object at a time (`checkApiRules`): its metadata
 * (`api-rules-meta.ts`: names per kind, namespace, fields the API server sets, label and
 * annotation syntax), the structure of its pod spec (unique keys in keyed lists, `api-rules-lists.ts`; container and
 * volume names, an image, port names and ranges, environment variable names, one probe handler
 * and one volume source), selectors that match their pod template, ConfigMap and Secret keys
 * (lib/model/config-key.ts), Service ports, RBAC subjects (`rbac-subjects.ts`); the values of pod
 * specs (`api-rules-pods.ts`), Jobs' and CronJobs' restart policy, schedule and time zone
 * (`api-rules-batch.ts`) and the rules of single kinds (`api-rules-kinds.ts`).
 */
import type { Engine } from '../model/engines.js';
import { namesContainers, needsContainerNames } from '../model/custom-workloads.js';
import { isIanaSvcName } from '../model/object-names.js';
import { CONFIG_KEY_HINT, configKeyProblem } from '../model/config-key.js';
import type { KubeObject } from '../model/object.js';
import { isBuiltInWorkload, POD_TEMPLATE_PATHS, placedContainers, workloadTemplate, containerNamed } from '../model/pod-specs.js';
import { fieldPath, finder, type Emit, type FieldPath, type Finding } from './finding.js';
import { formatLabels, formatSelector, selectorMatches, workloadSelector } from './selectors.js';
import { checkRbacSubjects } from './rbac-subjects.js';
import { checkPodSpecValues } from './api-rules-pods.js';
import { checkKindRules } from './api-rules-kinds.js';
import { checkBatch, checkCustomJob } from './api-rules-batch.js';
import { envRepeats, listMerge, sharedPortNumbers, unique, type ListMerge } from './api-rules-lists.js';
import { customSelector } from './custom-workloads.js';
import { checkLabels, checkMetadata, NAME_HINT, nameProblem } from './api-rules-meta.js';
import type { Schema } from './crd-schema.js';
import { emptyFieldAsValidated } from './custom-resources.js';

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * A block device that is also mounted, by its volume's name or at its path: the API server refuses
 * the container (ValidateVolumeDevices).
 */
function mountedDevices(emit: Emit, c: Record<string, unknown>, cp: FieldPath, out: Finding[]): void {
  if (!Array.isArray(c.volumeDevices) || !Array.isArray(c.volumeMounts)) return;
  const mounts: (Record<string, unknown> | null)[] = c.volumeMounts;
  c.volumeDevices.forEach((d: Record<string, unknown> | null, i) => {
    for (const [field, mountField] of [
      ['name', 'name'],
      ['devicePath', 'mountPath'],
    ] as const) {
      const value = d?.[field];
      if (typeof value === 'string' && mounts.some((m) => m?.[mountField] === value))
        out.push(
          emit(
            'api/duplicate-key',
            [...cp, 'volumeDevices', i, field],
            `${field} ${JSON.stringify(value)} is also a volumeMounts ${mountField}`,
            'a volume is mounted at a path or given as a block device, not both: change one',
          ),
        );
    }
  });
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** A port number field must be within 1-65535 (hostPort may be 0: none). */
function portInRange(emit: Emit, value: unknown, path: FieldPath, out: Finding[], min = 1): void {
  if (typeof value === 'number' && Number.isInteger(value) && (value < min || value > 65535)) {
    out.push(emit('api/port-range', path, `port ${value} is out of range (${min}-65535)`, `give a port from ${min} to 65535`));
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
  if (set.length > 1)
    out.push(
      emit(
        'api/one-of',
        path,
        `${what} sets ${set.join(' and ')}; only one may be set`,
        `keep one of ${set.join(' and ')}, remove the others`,
      ),
    );
  // a volume with no source is an emptyDir to the API server (it defaults the source); a probe
  // with no handler is rejected
  else if (set.length === 0 && kinds)
    out.push(emit('api/one-of', path, `${what} sets none of ${kinds.join(', ')}`, `set one of ${kinds.join(', ')}`));
}

/** The API server's rules of the pod spec of `o`, and those of how applies merge its lists (`merge`). */
function checkPodSpec(
  o: KubeObject,
  emit: Emit,
  spec: Record<string, unknown>,
  at: FieldPath,
  out: Finding[],
  engine: Engine | undefined,
  merge: ListMerge,
  crd: Schema | undefined,
): void {
  const containers = spec.containers;
  if (Array.isArray(containers) && containers.length === 0) {
    out.push(
      emit(
        'api/no-containers',
        [...at, 'containers'],
        'a pod needs at least one container',
        'add a container (name and image) under containers',
      ),
    );
  }
  const allNames: { name: unknown; path: FieldPath }[] = [];
  // placedContainers: an entry that is no mapping is the schema check's
  for (const { container: c, list, index: i } of placedContainers(spec)) {
    const cp: FieldPath = [...at, list, i];
    allNames.push({ name: c.name, path: cp });
    // an empty name is none to Knative (Go's zero value), which names the container
    if (typeof c.name === 'string' && nameProblem(c.name, 'label') && !(c.name === '' && namesContainers(o))) {
      out.push(emit('api/name', [...cp, 'name'], `container name '${c.name}' is not a DNS-1123 label`, NAME_HINT.label));
    } else if ((c.name === undefined || c.name === null) && needsContainerNames(o) && !emptyFieldAsValidated(crd, cp, 'name', c.name)) {
      // a custom workload's CRD may not say so (none may be known): its controller's pods are refused without one;
      // where its CRD requires the name, the schema check says it is missing (a null is dropped first), once, and
      // where it defaults one, the API server fills it in
      out.push(
        emit(
          'api/name',
          cp,
          `a container needs a name: the API server refuses the pods the ${o.kind}'s controller makes of this template without one (only Knative names a container itself)`,
          'give the container a name (a DNS-1123 label, such as app)',
        ),
      );
    }
    if (c.image === undefined || c.image === '') {
      out.push(emit('api/image', cp, `${containerNamed(c)} has no image`, 'set image, e.g. nginx:1.25'));
    }
    unique(emit, c.ports, [...cp, 'ports'], ['containerPort', 'protocol'], out);
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
    if (merge !== 'plain') envRepeats(emit, c.env, [...cp, 'env'], out, engine);
    if (merge === 'updated') sharedPortNumbers(o, c.ports, [...cp, 'ports'], 'containerPort', out);
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
    unique(emit, c.volumeDevices, [...cp, 'volumeDevices'], ['name'], out);
    unique(emit, c.volumeDevices, [...cp, 'volumeDevices'], ['devicePath'], out);
    mountedDevices(emit, c, cp, out);
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
  }
  // init and app containers share one namespace of names
  const seen = new Map<unknown, FieldPath>();
  for (const { name, path } of allNames) {
    // no name is none twice: each is said at its container (or Knative names it)
    if (name === undefined || name === null || name === '') continue;
    const first = seen.get(name);
    if (first)
      out.push(
        emit(
          'api/duplicate-key',
          path,
          `container name '${String(name)}' is used twice (also at ${fieldPath(first.slice(at.length))})`,
          'give each container its own name: init and app containers share one set of names',
        ),
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
      if (typeof v?.name === 'string' && nameProblem(v.name, 'label')) {
        out.push(emit('api/name', [...at, 'volumes', i, 'name'], `volume name '${v.name}' is not a DNS-1123 label`, NAME_HINT.label));
      }
    });
  }
}

/** The keys of a ConfigMap's or Secret's data (`configKeyProblem`), and a ConfigMap key in both data and binaryData. */
function checkDataKeys(emit: Emit, o: KubeObject, out: Finding[]): void {
  if ((o.kind !== 'ConfigMap' && o.kind !== 'Secret') || o.apiVersion !== 'v1') return;
  const fields = o.kind === 'ConfigMap' ? ['data', 'binaryData'] : ['data', 'stringData'];
  const seen = new Set<string>();
  for (const field of fields) {
    const map = o[field];
    if (!map || typeof map !== 'object') continue;
    for (const key of Object.keys(map)) {
      const bad = configKeyProblem(key);
      if (bad) out.push(emit('api/config-key', [field, key], `key '${key}' is not valid: ${bad}`, CONFIG_KEY_HINT));
      if (o.kind === 'ConfigMap' && seen.has(key))
        out.push(emit('api/duplicate-key', [field, key], `key '${key}' is in both data and binaryData`, 'keep the key in one of them'));
      seen.add(key);
    }
  }
}

/**
 * API-server findings of one object; `engine`, the GitOps engine that applies it (else kubectl apply), decides what a Helm hook does
 * and whether an environment variable named twice is an error (Flux applies server-side); `crd`, the schema a custom resource is
 * validated against (`validatingSchema`), what its CRD says (a container's name required there is the schema check's to say).
 */
export function checkApiRules(o: KubeObject, { engine, crd }: { engine?: Engine; crd?: Schema } = {}): Finding[] {
  const out: Finding[] = [];
  const emit = finder(o);
  // whatever its metadata: every problem is said at once
  checkDataKeys(emit, o, out);
  const md = o.metadata;
  if (md === undefined || md === null) {
    out.push(emit('api/name', [], "required field 'metadata' is missing", 'add metadata.name'));
    return out;
  }
  if (typeof md !== 'object') return out; // the schema check reports its type
  checkMetadata(emit, o, md, out, engine);

  // a built-in workload's pod template, or a custom one's (an Argo Rollout's), whose controller makes
  // pods of it that the API server holds to these rules (custom-workloads.ts)
  const { path: templatePath, template } = workloadTemplate(o) ?? {};
  if (templatePath && template) {
    if (template.spec && typeof template.spec === 'object') {
      checkPodSpec(o, emit, template.spec, [...templatePath, 'spec'], out, engine, listMerge(o), crd);
      checkPodSpecValues(emit, template.spec, [...templatePath, 'spec'], out);
      // ValidatePodTemplateSpec: an ephemeral container is added to a running pod, never made from a template
      const { ephemeralContainers } = template.spec as Record<string, unknown>;
      if (templatePath.length > 0 && Array.isArray(ephemeralContainers) && ephemeralContainers.length > 0)
        out.push(
          emit(
            'api/workload',
            [...templatePath, 'spec', 'ephemeralContainers'],
            'ephemeral containers are not allowed in a pod template',
            'remove ephemeralContainers: one is added to a running pod (kubectl debug), never made by a controller; a sidecar the pods need goes in containers',
          ),
        );
    }
  }
  // a CronJob without its pod template still has its schedule checked
  if ((o.kind === 'Job' || o.kind === 'CronJob') && isBuiltInWorkload(o))
    checkBatch(emit, o, template, POD_TEMPLATE_PATHS[o.kind], out, engine);
  else checkCustomJob(emit, o, out);
  const selector = workloadSelector(o) ?? customSelector(o);
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
  out.push(...checkRbacSubjects(o));
  checkKindRules(emit, o, out);
  // the core group's: an example.com Service's ports are its CRD's to judge
  if (o.kind === 'Service' && o.apiVersion === 'v1') {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    unique(emit, spec.ports, ['spec', 'ports'], ['port', 'protocol'], out);
    unique(emit, spec.ports, ['spec', 'ports'], ['name'], out);
    sharedPortNumbers(o, spec.ports, ['spec', 'ports'], 'port', out);
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
