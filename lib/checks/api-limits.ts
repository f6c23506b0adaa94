/**
 * The API server's limits and grammars that its schema does not say: sizes (ConfigMap and
 * Secret data, annotations), int32 ranges, requests within limits, node names, base64 of
 * ConfigMap binaryData and Secret data, image references (the kubelet's grammar: the API server takes any image but an empty one), NodePorts unique in a cluster, and strings that kubectl kustomize cannot carry. What the API server refuses, the checks refuse first, at synth.
 * And what it takes but surely is a mistake: a container's cpu or memory quantity off by its unit (warnings, lib/checks/quantity.ts).
 */
import { describeObject, isRecord, type KubeObject, ownEntry } from '../model/object.js';
import { placedContainers, workloadTemplate } from '../model/pod-specs.js';
import { fieldPath, finder, type Emit, type FieldPath, type Finding } from './finding.js';
import { carelessQuantities } from './quantity.js';
import { isCustomGroup } from './crds.js';
import { customJobSpecPath } from '../model/custom-workloads.js';
import { requestAboveLimitText, requestsAboveLimits } from '../model/quantity.js';
import { imageReferencePattern } from '../model/image.js';
import { isStandardBase64, unwrapBase64 } from '../model/base64.js';

/** ConfigMap and Secret data, in bytes (the etcd object limit the API server enforces for them). */
export const MAX_DATA_BYTES = 1024 * 1024;
/** All annotations of one object together, keys and values, in bytes. */
export const MAX_ANNOTATION_BYTES = 256 * 1024;
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
/** Integer fields that are int64 in the API (every other integer field is an int32). */
const INT64_FIELDS = new Set([
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'supplementalGroups',
  'activeDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'startingDeadlineSeconds',
  'expirationSeconds',
  'observedGeneration',
  'generation',
  'gracePeriodSeconds',
]);
/**
 * Where a number is a resource.Quantity, of any size (memory: 4294967296 is 4Gi; cpu: 1e21), not an
 * int32: resource requirements, capacities, quotas, limit ranges, pod overhead, an emptyDir's sizeLimit.
 */
const QUANTITY_FIELDS = [
  'requests',
  'limits',
  'capacity',
  'allocatable',
  'hard',
  'used',
  'overhead',
  'podFixed',
  'sizeLimit',
  'maximumVolumeSize',
];
/** Where free-form strings and numbers live, and quantities (no integer there is an int32 field). */
const FREE_FORM = new Set(['data', 'stringData', 'binaryData', 'annotations', 'labels', 'openAPIV3Schema', 'value', ...QUANTITY_FIELDS]);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The distribution reference grammar, as the kubelet parses it. */
const IMAGE = new RegExp(imageReferencePattern());
/** Hex digits of a digest by algorithm. */
const DIGEST_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
/**
 * Characters kubectl kustomize cannot carry, however they are written (see
 * test/synth/kubectl-roundtrip.test.ts): DEL and the C1 controls, the line and paragraph
 * separators, U+FFFE and U+FFFF, and half of a surrogate pair alone (no UTF-8 holds it; written as
 * the escape `\ud800`, go-yaml refuses it as an invalid Unicode escape).
 */
const KUSTOMIZE_CANNOT = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
const KiB = (n: number) => `${Math.round(n / 1024)} KiB`;

/** The UTF-8 bytes of a mapping's keys and values (its strings'), as the API server counts a size: for..in, no entry pairs per key. */
function entryBytes(m: Readonly<Record<string, unknown>>): number {
  let n = 0;
  for (const k in m) if (Object.hasOwn(m, k)) n += bytes(k) + bytes(m[k]);
  return n;
}

/** Whether an image reference is one the kubelet can pull: the reference grammar, a digest of the right length. */
export function imageProblem(image: string): string | undefined {
  if (!IMAGE.test(image)) return 'is not a valid image reference (name[:tag][@algorithm:hex]; the name in lowercase)';
  const at = image.indexOf('@');
  if (at >= 0) {
    const [algorithm, hex] = image.slice(at + 1).split(':');
    const want = Object.hasOwn(DIGEST_LENGTH, algorithm) ? DIGEST_LENGTH[algorithm] : undefined;
    if (want !== undefined && hex.length !== want) return `has a ${algorithm} digest of ${hex.length} hex digits (it needs ${want})`;
  }
  return undefined;
}

/** What the walk of one object (`walk`) finds, each list in document order. */
interface Walked {
  readonly emit: Emit;
  /** Integers out of their field's range, and numbers that are none (outside free-form fields). */
  readonly numbers: Finding[];
  /** Strings holding a character kubectl kustomize cannot carry. */
  readonly characters: Finding[];
}

/** What an api/int32 finding says happens (of a custom workload's template, what happens to what its controller makes). */
const REFUSED = ', so the API server refuses the object';

/**
 * Walks every node of `value` in document order (depth first): a number outside free-form fields
 * (`free`: a FREE_FORM key is on its path) and a string are checked where they are, `key` the
 * nearest key above. This walk runs on every node of every object checked: one path array is reused
 * (a finding copies it), and what it checks is written here rather than called per node.
 */
function walk(value: unknown, path: (string | number)[], key: string | number | undefined, free: boolean, w: Walked): void {
  if (typeof value === 'string') {
    if (KUSTOMIZE_CANNOT.test(value)) w.characters.push(characterFinding(w.emit, value, [...path]));
  } else if (typeof value === 'number') {
    if (free) return;
    if (Number.isInteger(value) && typeof key === 'string' && !INT64_FIELDS.has(key) && (value < INT32.min || value > INT32.max)) {
      w.numbers.push(
        w.emit(
          'api/int32',
          [...path],
          `${value} is out of range for ${key} (an int32: ${INT32.min} to ${INT32.max})${REFUSED}`,
          `write a number from ${INT32.min} to ${INT32.max}`,
        ),
      );
    } else if (!Number.isFinite(value)) {
      w.numbers.push(w.emit('api/number', [...path], `${value} is not a number the API server accepts`, 'write a finite number'));
    }
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], path, key, free, w);
      path.pop();
    }
  } else if (isRecord(value)) {
    // for..in, not Object.keys: no array of keys per node
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      path.push(k);
      walk(value[k], path, k, free || FREE_FORM.has(k), w);
      path.pop();
    }
  }
}

/** The finding of a string holding a character kubectl kustomize cannot carry (the first). */
function characterFinding(emit: Emit, value: string, path: FieldPath): Finding {
  const c = KUSTOMIZE_CANNOT.exec(value)![0].charCodeAt(0);
  return emit(
    'api/character',
    path,
    `holds the character U+${c.toString(16).toUpperCase().padStart(4, '0')}, which kubectl kustomize refuses or changes`,
    c >= 0xd800 && c <= 0xdfff
      ? 'remove it: it is half of a UTF-16 surrogate pair, no character on its own (write the whole character, or its \\U escape in YAML)'
      : 'remove it (write a line break as \\n)',
  );
}

/** A base64 alphabet character, or padding. */
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * Why the API server cannot decode `value` as base64, if it cannot: StdEncoding drops '\r' and
 * '\n' and nothing else, and wants '=' padding to a multiple of 4. Never quotes the value (a
 * Secret's). Exported for tests.
 */
export function base64Problem(value: string): string | undefined {
  const text = unwrapBase64(value);
  if (isStandardBase64(text)) return undefined;
  const bad = [...text].findIndex((c) => !BASE64_CHAR.test(c));
  if (bad >= 0) return `character ${bad + 1} is outside the base64 alphabet (A-Z, a-z, 0-9, '+', '/', '=' padding)`;
  if (text.length % 4 !== 0) return `its length (${text.length}, line breaks aside) is not a multiple of 4: base64 is padded with '='`;
  return "'=' is padding, allowed only at the end (at most two)";
}

/** The fields whose values are base64 per kind: the API server decodes them and refuses what it cannot. */
const BASE64_FIELDS: Readonly<Record<string, string>> = { ConfigMap: 'binaryData', Secret: 'data' };

/** A finding for each value of a ConfigMap's binaryData or a Secret's data that is not base64, at its key. */
function checkBase64(o: KubeObject, emit: ReturnType<typeof finder>): Finding[] {
  const field = ownEntry(BASE64_FIELDS, o.kind);
  if (field === undefined) return [];
  const d = o[field];
  if (!isRecord(d)) return [];
  return Object.entries(d).flatMap(([k, v]) => {
    const why = typeof v === 'string' ? base64Problem(v) : undefined;
    return why === undefined
      ? []
      : [
          emit(
            'api/base64',
            [field, k],
            `the value of key '${k}' is not base64, which ${field} must be: ${why}`,
            o.kind === 'ConfigMap'
              ? 'encode the file with base64 (base64 -w0 <file>), or put text under data instead'
              : 'encode the value with base64 (base64 -w0), or put text under stringData instead',
          ),
        ];
  });
}

/** The API server's limits and grammars within one object (sizes, names, label values, images, ...). */
export function checkObjectLimits(o: KubeObject): Finding[] {
  const emit = finder(o);
  const out: Finding[] = [];
  // the core group's: an example.com ConfigMap's data is its CRD's to judge
  if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1') {
    out.push(...checkBase64(o, emit));
    let total = 0;
    for (const field of ['data', 'binaryData', 'stringData']) {
      const d = o[field];
      if (!isRecord(d)) continue;
      total += entryBytes(d);
    }
    if (total > MAX_DATA_BYTES)
      out.push(
        emit(
          'api/data-size',
          ['data'],
          `holds ${KiB(total)} of data; the API server accepts at most 1 MiB per ${o.kind}`,
          `split it into several ${o.kind}s, or mount the files another way`,
        ),
      );
  }
  const annotationSize = (path: FieldPath, a: unknown) => {
    if (!isRecord(a)) return;
    const total = entryBytes(a);
    if (total > MAX_ANNOTATION_BYTES)
      out.push(
        emit(
          'api/annotation-size',
          path,
          `annotations total ${KiB(total)}; the API server accepts at most 256 KiB`,
          'keep large data in a ConfigMap, not in annotations',
        ),
      );
  };
  annotationSize(['metadata', 'annotations'], o.metadata?.annotations);
  // numbers outside free-form fields, then strings anywhere: each in document order
  const walked: Walked = { emit, numbers: [], characters: [] };
  walk(o, [], undefined, false, walked);
  const { path: at, template } = workloadTemplate(o) ?? {};
  // a custom resource's integers are its CRD's to bound (one of no format is an int64: Strimzi's retention.bytes of
  // 100 GiB; the API server checks no `format: int32`), but for those of what a custom workload's controller makes
  // objects of: its pod template (a ReplicaSet's, a Service's pods), or the Job's spec around it (a KEDA ScaledJob's
  // jobTargetRef: backoffLimit, parallelism), which the API server refuses there rather than in the custom resource
  const custom = walked.numbers.length > 0 && typeof o.apiVersion === 'string' && isCustomGroup(o.apiVersion);
  const made = custom ? (customJobSpecPath(o) ?? at) : undefined;
  const numbers = custom
    ? walked.numbers.flatMap((f) => {
        if (f.code !== 'api/int32') return [f];
        if (!made?.every((k, i) => f.path[i] === k)) return [];
        return [{ ...f, message: f.message.replace(REFUSED, `, so the API server refuses what the ${o.kind}'s controller makes of it`) }];
      })
    : walked.numbers;
  if (numbers.length || walked.characters.length) out.push(...numbers, ...walked.characters);
  // a custom workload's template too (an Argo Rollout's): the pods its controller makes are held to these limits
  if (template?.spec && at) {
    annotationSize([...at, 'metadata', 'annotations'], template.metadata?.annotations);
    const spec = template.spec;
    if (typeof spec.nodeName === 'string' && (spec.nodeName.length > 253 || !DNS_SUBDOMAIN.test(spec.nodeName))) {
      out.push(
        emit(
          'api/node-name',
          [...at, 'spec', 'nodeName'],
          `'${spec.nodeName}' is not a DNS-1123 subdomain`,
          "a node name is lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit",
        ),
      );
    }
    const containers = placedContainers(spec);
    for (let n = 0; n < containers.length; n++) {
      const { container: c, list, index: i } = containers[n];
      const cp = [...at, 'spec', list, i];
      if (typeof c.image === 'string' && c.image) {
        const bad = imageProblem(c.image);
        if (bad)
          out.push(
            emit(
              'api/image',
              [...cp, 'image'],
              // the API server takes any image but an empty one (and, in a Pod, one with spaces around it)
              `'${c.image}' ${bad}: the kubelet cannot pull it (InvalidImageName), so no pod of it ever starts`,
              'e.g. nginx:1.25-alpine, registry.example.com:5000/team/app:2 or nginx@sha256:<64 hex digits>',
            ),
          );
      }
      const r = isRecord(c.resources) ? c.resources : {};
      out.push(...carelessQuantities(emit, r, cp));
      for (const above of requestsAboveLimits(r)) {
        const { message, hint } = requestAboveLimitText(above);
        out.push(emit('api/requests-above-limits', [...cp, 'resources', 'requests', above.resource], message, hint));
      }
    }
  }
  return out;
}

/** NodePorts are cluster-wide: two Services of one stage may not take the same one. */
export function checkNodePorts(objects: readonly KubeObject[]): Finding[] {
  const first = new Map<number, { o: KubeObject; path: FieldPath }>();
  const out: Finding[] = [];
  for (const o of objects) {
    if (o.kind !== 'Service') continue;
    const ports = (o.spec as { ports?: unknown } | undefined)?.ports;
    if (!Array.isArray(ports)) continue;
    ports.forEach((p: unknown, i: number) => {
      if (!isRecord(p) || typeof p.nodePort !== 'number') return;
      const path = ['spec', 'ports', i, 'nodePort'];
      const seen = first.get(p.nodePort);
      if (!seen) first.set(p.nodePort, { o, path });
      else if (seen.o !== o || fieldPath(seen.path) !== fieldPath(path)) {
        out.push(
          finder(o)(
            'api/node-port',
            path,
            `nodePort ${p.nodePort} is also taken by ${describeObject(seen.o)}`,
            'give each Service its own nodePort (30000-32767); one no edge publishes may leave it out to have one assigned, one the edge publishes must declare its own',
          ),
        );
      }
    });
  }
  return out;
}

/** The API server's limits and grammars over a set of objects (one stage, or one `check`). */
export function checkApiLimits(objects: readonly KubeObject[]): Finding[] {
  return [...objects.flatMap(checkObjectLimits), ...checkNodePorts(objects)];
}
