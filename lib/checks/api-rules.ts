/**
 * The API server's own rules that JSON Schema does not express (k8s.io/apimachinery validation,
 * pkg/apis/core/validation), one object at a time (`checkApiRules`): its metadata
 * (`api-rules-meta.ts`: names per kind, namespace, fields the API server sets, label and
 * annotation syntax), the structure of its pod spec (unique keys in keyed lists, container and
 * volume names, an image, port names and ranges, environment variable names, one probe handler
 * and one volume source), selectors that match their pod template, ConfigMap and Secret keys
 * (lib/model/config-key.ts), Service ports, RBAC subjects (`rbac-subjects.ts`); the values of pod
 * specs (`api-rules-pods.ts`), Jobs' and CronJobs' restart policy, schedule and time zone
 * (`api-rules-batch.ts`) and the rules of single kinds (`api-rules-kinds.ts`).
 */
import type { Engine } from '../model/engines.js';
import { isIanaSvcName } from '../model/object-names.js';
import { CONFIG_KEY_HINT, configKeyProblem } from '../model/config-key.js';
import { LIST_KEY_DEFAULTS } from '../model/list-keys.js';
import type { KubeObject } from '../model/object.js';
import { isBuiltInWorkload, POD_TEMPLATE_PATHS, placedContainers, workloadTemplate } from '../model/pod-specs.js';
import { fieldPath, finder, type Emit, type FieldPath, type Finding } from './finding.js';
import { formatLabels, formatSelector, selectorMatches, workloadSelector } from './selectors.js';
import { checkRbacSubjects } from './rbac-subjects.js';
import { checkPodSpecValues } from './api-rules-pods.js';
import { checkKindRules } from './api-rules-kinds.js';
import { checkBatch } from './api-rules-batch.js';
import { customSelector } from './custom-workloads.js';
import { checkLabels, checkMetadata, NAME_HINT, nameProblem } from './api-rules-meta.js';

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * Reports items of `list` whose key (several fields joined; a field left out has its Kubernetes
 * default, `protocol` TCP) repeats an earlier item's. The calls below are the API server's keyed
 * lists: each key of a list is a rule of its own (a container's ports are unique by number and
 * protocol, and by name), at its place in the kind (init and app containers share one namespace
 * of names). They are not LIST_KEYS (lib/model/list-keys.ts), which says how `npm run diff`
 * matches an item in two versions of an object: by the first of its keys that every item has (a
 * port by name, else by number), under any field of that name in any kind (Argo CD's
 * destinations too), some the API server never keys (hostAliases by ip). Only the defaults are one.
 */
function unique(emit: Emit, list: unknown, at: FieldPath, fields: readonly string[], out: Finding[]): void {
  // one item repeats none: most lists of a pod (ports, mounts, volumes) have one, and each item was a JSON key
  if (!Array.isArray(list) || list.length < 2) return;
  const seen = new Map<string, number>();
  list.forEach((item: Record<string, unknown> | null, i) => {
    if (!item || typeof item !== 'object') return;
    const values = fields.map((f) => item[f] ?? LIST_KEY_DEFAULTS[f]);
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

/**
 * An environment variable named twice in one container: the API server takes it (the later value
 * wins in the container; Kubernetes 1.29 warns of it, pkg/api/pod/warnings.go), but server-side
 * apply keys env by name and refuses the object ("failed to create typed patch object ... .env:
 * duplicate entries for key [name=...]"). Flux's kustomize-controller always applies server-side,
 * so for a stage Flux delivers it is an error; elsewhere a warning, since `kubectl apply
 * --server-side` refuses it too and client-side `kubectl apply` merges env by name (a later apply
 * that changes or removes one of the two drops or mixes up the other). A later value that builds on
 * the earlier (`PATH: $(PATH):/opt/bin`) is refused alike: such a variable takes a name of its own.
 */
function envRepeats(emit: Emit, env: unknown, at: FieldPath, out: Finding[], engine: Engine | undefined): void {
  if (!Array.isArray(env)) return;
  const first = new Map<string, number>();
  env.forEach((e: Record<string, unknown> | null, i) => {
    if (typeof e?.name !== 'string') return;
    const seen = first.get(e.name);
    if (seen === undefined) {
      first.set(e.name, i);
      return;
    }
    const refused = `server-side apply refuses a repeated name (duplicate entries for key [name="${e.name}"])`;
    const finding = emit(
      'api/env-repeat',
      [...at, i],
      engine === 'flux'
        ? `name "${e.name}" repeats env[${seen}]: Flux applies the stage server-side, and ${refused}, so the stage does not apply`
        : `name "${e.name}" repeats env[${seen}]: the container gets this later value, but ${refused}: Flux and kubectl apply --server-side fail on it; ` +
            'and client-side kubectl apply merges env by name, so a later apply that changes or removes one of the two drops or mixes up the other',
      `keep one entry named ${e.name} (merge env[${seen}] and env[${i}] into one); a variable that builds on another with $(${e.name}) takes a name of its own`,
    );
    out.push(engine === 'flux' ? finding : { ...finding, severity: 'warning' });
  });
}

/**
 * Ports of one number and two protocols (DNS: 53/TCP and 53/UDP), a Service's or a container's:
 * valid, but client-side `kubectl apply` merges them by number alone (the strategic merge key of
 * ServiceSpec.ports is `port`, of Container.ports `containerPort`), so a later apply that adds,
 * removes or edits one of them drops or mixes up the other (kubernetes/kubernetes#39188, #105610,
 * #111304); server-side apply keys them by number and protocol.
 */
function sharedPortNumbers(o: KubeObject, ports: unknown, at: FieldPath, numberField: 'port' | 'containerPort', out: Finding[]): void {
  if (!Array.isArray(ports)) return;
  const whose = numberField === 'port' ? "a Service's ports" : "a container's ports";
  const first = new Map<unknown, { index: number; protocol: unknown }>();
  ports.forEach((p: Record<string, unknown> | null, i) => {
    const number = p?.[numberField];
    if (!p || typeof p !== 'object' || typeof number !== 'number') return;
    const protocol = p.protocol ?? LIST_KEY_DEFAULTS.protocol;
    const seen = first.get(number);
    if (!seen) first.set(number, { index: i, protocol });
    // the same port and protocol twice is api/duplicate-key
    else if (seen.protocol !== protocol)
      out.push(
        finder(o, 'warning')(
          'api/port-merge-key',
          [...at, i, numberField],
          `port ${number}/${String(protocol)} has the number of ports[${seen.index}] (${number}/${String(seen.protocol)}): valid, but client-side kubectl apply merges ${whose} by number alone, ` +
            'so a later apply that adds, removes or changes one of them drops or mixes up the other',
          `apply the ${o.kind} with server-side apply (kubectl apply --server-side), which keys ports by number and protocol (distinct port names do not help client-side apply); ` +
            `or give each protocol its own port number; or, after changing these ports, replace the ${o.kind} (kubectl replace -f) rather than apply it`,
        ),
      );
  });
}

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

/**
 * How applies merge the lists of a workload's pod spec, which decides the rules of their repeated
 * keys (checkPodSpec): 'plain' for a custom workload's, whose CRD (Argo's, OpenKruise's) declares
 * plain lists that either apply replaces whole; 'created' for a Pod's or a Job's, keyed by the
 * built-in kinds' merge keys (env by name for server-side apply: envRepeats) but never updated (the
 * API server refuses an update of a Pod's containers and of a Job's pod template), so no later apply
 * mixes up their ports; 'updated' for the other built-in workloads, whose ports a later client-side
 * apply merges by number alone (sharedPortNumbers).
 */
type ListMerge = 'plain' | 'created' | 'updated';

const listMerge = (o: KubeObject): ListMerge =>
  !isBuiltInWorkload(o) ? 'plain' : o.kind === 'Pod' || o.kind === 'Job' ? 'created' : 'updated';

/** The API server's rules of the pod spec of `o`, and those of how applies merge its lists (`merge`). */
function checkPodSpec(
  o: KubeObject,
  emit: Emit,
  spec: Record<string, unknown>,
  at: FieldPath,
  out: Finding[],
  engine: Engine | undefined,
  merge: ListMerge,
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
    if (typeof c.name === 'string' && nameProblem(c.name, 'label')) {
      out.push(emit('api/name', [...cp, 'name'], `container name '${c.name}' is not a DNS-1123 label`, NAME_HINT.label));
    }
    if (c.image === undefined || c.image === '') {
      out.push(emit('api/image', cp, `container '${String(c.name)}' has no image`, 'set image, e.g. nginx:1.25'));
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
    if (name === undefined) continue;
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
 * and whether an environment variable named twice is an error (Flux applies server-side).
 */
export function checkApiRules(o: KubeObject, { engine }: { engine?: Engine } = {}): Finding[] {
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
      checkPodSpec(o, emit, template.spec, [...templatePath, 'spec'], out, engine, listMerge(o));
      checkPodSpecValues(emit, template.spec, [...templatePath, 'spec'], out);
    }
  }
  // a CronJob without its pod template still has its schedule checked
  if ((o.kind === 'Job' || o.kind === 'CronJob') && isBuiltInWorkload(o))
    checkBatch(emit, o, template, POD_TEMPLATE_PATHS[o.kind], out, engine);
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
