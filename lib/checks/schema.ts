/**
 * Strict schema check: every object against its Kubernetes 1.25 definition (unknown fields,
 * required fields, types, enums, the quantity grammar).
 */
import { withoutClaimTemplateStatus, withoutStatus } from './exported-status.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fromAjvPath, valueAt } from '../model/field-path.js';
import { describeValue, yamlTagOf } from '../model/limits.js';
import { didYouMean } from '../model/did-you-mean.js';
import { kindInfo } from '../model/kinds.js';
import { isRecord, type KubeObject } from '../model/object.js';
import { finder, type FieldPath, type Finding } from './finding.js';
import { quotedModeHint } from './file-modes.js';
import { kubernetesSchemas } from './k8s-schema.js';
import { changesOnMove, guessNote, misspeltKind, REMOVED_KINDS } from './moved-kinds.js';

/** Kinds that are not API objects but may sit next to manifests are skipped, not reported (lib/k8s.ts `NOT_API_OBJECTS`). */
export { isApiObject } from '../k8s.js';

const QUANTITY_HINT =
  'a quantity is a number with an optional suffix: Ki Mi Gi Ti Pi Ei (powers of 2), n u m k M G T P E (powers of 10) or an exponent like e3; e.g. 2Gi, 500m';

function typeWords(t: unknown): string {
  const words: Record<string, string> = {
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
  };
  return (Array.isArray(t) ? t : [t]).map((x) => words[String(x)] ?? String(x)).join(' or ');
}

const UNQUOTE = 'remove the quotes around the value: quoted, YAML reads it as a string';

/**
 * What to write where a value is of another type: a number or true/false written in quotes (a file
 * mode, the `field`, written in octal), or one written bare where a string is meant, as YAML reads them. Never the value itself, which may
 * be a secret (the message shows it as describeValue allows).
 */
function typeHint(type: unknown, data: unknown, field: unknown): string {
  const types = Array.isArray(type) ? type : [type];
  if (typeof data === 'string') {
    // a leading 0 (010) is no number to take out of quotes: bare, stagecraft refuses it as YAML 1.1's octal
    const numeric = /^-?(0|[1-9]\d*)$/.test(data)
      ? ['integer', 'number']
      : /^-?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(data)
        ? ['number']
        : [];
    // a volume's file mode: octal digits quoted without their 0 ("644") are not the mode meant once bare
    if ((field === 'defaultMode' || field === 'mode') && types.includes('integer'))
      return quotedModeHint(data, numeric.includes('integer')) ?? UNQUOTE;
    if (numeric.some((t) => types.includes(t)) || ((data === 'true' || data === 'false') && types.includes('boolean'))) return UNQUOTE;
  }
  if (types.includes('string') && (typeof data === 'number' || typeof data === 'boolean'))
    return 'quote the value: unquoted, YAML reads it as a number or true/false';
  return `write ${typeWords(type)} here`;
}

/** The hint of a value not among `allowed`: the one meant when it differs in case alone or by a typo, else to pick one. */
function enumHint(allowed: readonly unknown[], data: unknown): string {
  const words = allowed.map(String);
  if (typeof data === 'string') {
    const cased = words.find((w) => w.toLowerCase() === data.toLowerCase());
    if (cased !== undefined) return `write '${cased}': the values are case-sensitive`;
    const guess = didYouMean(data, words);
    if (guess !== undefined) return `did you mean '${guess}'?`;
  }
  return 'write one of the values listed';
}

/** One ajv error as a finding (`schema/*` codes), with "did you mean" for unknown fields. */
export function findingFromAjv(e: ErrorObject, object: KubeObject): Finding {
  const f = finder(object);
  const path: FieldPath = fromAjvPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((e.parentSchema?.properties as object | undefined) ?? {});
      const guess = didYouMean(key, known);
      return {
        ...f(
          'schema/unknown-field',
          [...path, key],
          `unknown field '${key}'${guess ? `; did you mean '${guess}'?` : ''}`,
          guess ? `rename it to '${guess}'` : `the fields here are: ${known.join(', ')}`,
        ),
        atKey: true,
      };
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return f('schema/required', path, `required field '${missing}' is missing`, `add '${missing}'`);
    }
    case 'type': {
      const type = (e.params as { type: unknown }).type;
      // a value of a YAML tag JSON has no type for (!!timestamp...) says what to write instead
      return f(
        'schema/type',
        path,
        `must be ${typeWords(type)} (found ${describeValue(e.data)})`,
        yamlTagOf(e.data)?.hint ?? typeHint(type, e.data, path[path.length - 1]),
      );
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return f(
        'schema/enum',
        path,
        `must be one of ${allowed.map((v) => `'${v}'`).join(', ')} (found ${describeValue(e.data)})`,
        enumHint(allowed, e.data),
      );
    }
    case 'pattern':
      return f('schema/quantity', path, `${describeValue(e.data)} is not a valid quantity`, QUANTITY_HINT);
    case 'const':
      return f(
        'schema/const',
        path,
        `must be ${describeValue((e.params as { allowedValue: unknown }).allowedValue)} (found ${describeValue(e.data)})`,
        `write ${describeValue((e.params as { allowedValue: unknown }).allowedValue)} here`,
      );
    default:
      return f(`schema/${e.keyword}`, path, `${e.message ?? 'is not valid'} (found ${describeValue(e.data)})`);
  }
}

/** What Kubernetes 1.25 has for a securityContext's appArmorProfile: the beta annotation on the pod, per container. */
const APPARMOR_HINT =
  "in Kubernetes 1.25 AppArmor is the pod's annotation container.apparmor.security.beta.kubernetes.io/<container name>: runtime/default " +
  "(or localhost/<profile>, unconfined): remove 'appArmorProfile' and annotate the pod template, or take the release of the manifests made for Kubernetes 1.25";

/**
 * Fields of built-in kinds that published manifests carry and Kubernetes added after 1.25, by the
 * definition they sit in and their name (`Container#restartPolicy`: a container's, not a pod's),
 * with the release that added them and, where removing the field alone is not the fix, the hint.
 * The 1.25 API server refuses an object with one (kubectl apply's strict field validation: `strict
 * decoding error: unknown field`), so the finding says why the field is unknown rather than guessing
 * a misspelling: cert-manager's and External Secrets' CRDs declare `selectableFields`, and CRDs of
 * 1.28 on write their CEL rules' messages as `messageExpression`.
 */
const LATER_FIELDS: ReadonlyMap<string, { readonly came: string; readonly hint?: string }> = new Map([
  [
    'CustomResourceDefinitionVersion#selectableFields',
    {
      came: "a CustomResourceDefinition version's selectableFields came with Kubernetes 1.30",
      hint: "remove 'selectableFields' from every version of the CRD (only kubectl get --field-selector on those fields goes), or take the release of the manifests made for Kubernetes 1.25",
    },
  ],
  ['Container#resizePolicy', { came: "a container's resizePolicy came with Kubernetes 1.27" }],
  [
    'Container#restartPolicy',
    {
      came: "an init container's restartPolicy (a sidecar, restartPolicy: Always) came with Kubernetes 1.28",
      hint: "run the sidecar among the containers instead, without 'restartPolicy' (an init container of 1.25 must finish before the others start), or take the release of the manifests made for Kubernetes 1.25",
    },
  ],
  ['PodSpec#schedulingGates', { came: "a pod's schedulingGates came with Kubernetes 1.26" }],
  ['JobSpec#podReplacementPolicy', { came: "a Job's podReplacementPolicy came with Kubernetes 1.28" }],
  ['ServiceSpec#trafficDistribution', { came: "a Service's trafficDistribution came with Kubernetes 1.30" }],
  ['ValidationRule#messageExpression', { came: "a CRD validation rule's messageExpression came with Kubernetes 1.27" }],
  ['ValidationRule#reason', { came: "a CRD validation rule's reason came with Kubernetes 1.28" }],
  ['ValidationRule#fieldPath', { came: "a CRD validation rule's fieldPath came with Kubernetes 1.28" }],
  // charts made for 1.30 on (Bitnami's among them) write AppArmor as a field, which 1.25 knew only as an annotation
  [
    'SecurityContext#appArmorProfile',
    { came: "a container's securityContext.appArmorProfile came with Kubernetes 1.30", hint: APPARMOR_HINT },
  ],
  [
    'PodSecurityContext#appArmorProfile',
    { came: "a pod's securityContext.appArmorProfile came with Kubernetes 1.30", hint: APPARMOR_HINT },
  ],
  [
    'LifecycleHandler#sleep',
    {
      came: "a lifecycle hook's sleep came with Kubernetes 1.29",
      hint: "write the pause as exec: { command: [sleep, '<seconds>'] } where the image has a sleep, or take the release of the manifests made for Kubernetes 1.25",
    },
  ],
  ['VolumeMount#recursiveReadOnly', { came: "a volume mount's recursiveReadOnly came with Kubernetes 1.30" }],
]);

/** The names of LATER_FIELDS' fields, to look no further for any other unknown field. */
const LATER_FIELD_NAMES = new Set([...LATER_FIELDS.keys()].map((k) => k.slice(k.indexOf('#') + 1)));

/**
 * The definition (by its name in the schemas: `Container`, `PodSpec`) of the mapping at `path` in
 * an object of a built-in kind, following the schema's properties, items and references; undefined
 * where the schema names none.
 */
function definitionAt(object: KubeObject, path: FieldPath): string | undefined {
  const { kinds, definitions } = kubernetesSchemas();
  const fqn = kinds.get(`${object.apiVersion}/${object.kind}`)?.fqn;
  let name = fqn?.slice(fqn.lastIndexOf('.') + 1);
  let schema: unknown = name === undefined ? undefined : definitions[name];
  for (const key of path) {
    if (!isRecord(schema)) return undefined;
    const properties = isRecord(schema.properties) ? schema.properties : {};
    let next = typeof key === 'number' ? schema.items : Object.hasOwn(properties, key) ? properties[key] : schema.additionalProperties;
    name = undefined;
    if (isRecord(next) && typeof next.$ref === 'string') {
      name = next.$ref.slice(next.$ref.lastIndexOf('/') + 1);
      next = definitions[name];
    }
    schema = next;
  }
  return name;
}

/** An unknown field that a later Kubernetes added where it sits, said so, with what to do (LATER_FIELDS). */
function laterField(finding: Finding, object: KubeObject): Finding {
  const field = finding.path.at(-1);
  if (finding.code !== 'schema/unknown-field' || typeof field !== 'string' || !LATER_FIELD_NAMES.has(field)) return finding;
  const later = LATER_FIELDS.get(`${definitionAt(object, finding.path.slice(0, -1))}#${field}`);
  if (!later) return finding;
  return {
    ...finding,
    message: `unknown field '${field}' in Kubernetes 1.25: ${later.came}, and the 1.25 API server refuses the object with it (kubectl apply: strict decoding error)`,
    hint: later.hint ?? `remove '${field}', or take the release of the manifests made for Kubernetes 1.25`,
  };
}

/**
 * A null item of a list of a built-in kind (`args: [--port, null]`, a `-` with nothing after it,
 * a template's empty value): the API server decodes it as the empty value of the item's type
 * (`types`, as the schema says it). A string's is "", so it would take the object and run the
 * program with an empty argument: refused all the same, since an empty item is rarely meant, but
 * with what the API server would make of it. A mapping's is an empty one (`ports: [ - ]`), which
 * the API server refuses for the fields the item needs. (A custom resource's null item is refused
 * by the API server too: no hint there.)
 */
function nullItem(finding: Finding, types: unknown, object: KubeObject): Finding {
  if (finding.code !== 'schema/type' || typeof finding.path.at(-1) !== 'number' || valueAt(object, finding.path) !== null) return finding;
  const type = Array.isArray(types) ? types : [types];
  if (type.includes('string'))
    return {
      ...finding,
      hint: 'a list item written as null is not left out: the API server would store it as an empty value ("" for a string); write the item, "" if an empty one is meant, or remove it',
    };
  if (type.includes('object'))
    return {
      ...finding,
      hint: "a list item written as null is not left out: the API server reads it as an empty mapping, and refuses the object for the fields the item needs (a port's containerPort, an env variable's name); write the item, or remove it",
    };
  return finding;
}

/**
 * A value as the API server decodes it: an explicit null in a mapping is an absent field
 * (`schedulerName:` with no value, as Helm renders an empty one; `creationTimestamp: null`), so a
 * required field given as null is still missing and an optional one is simply not there. The
 * value itself when it holds no such null, as most objects do: nothing is copied then.
 */
function withoutNulls(value: unknown): unknown {
  return holdsNull(value) ? copiedWithoutNulls(value) : value;
}

/**
 * Whether a null sits in a mapping anywhere in `value` (walked without copying: most objects hold
 * none). Walked for every object its schema refuses as it is (`nullsDecideOnlyFailures`), and every
 * object of a kind that needs it: plain loops, and no call for a scalar (`some` took a callback per item).
 */
function holdsNull(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'object' && v !== null && holdsNull(v)) return true;
    }
    return false;
  }
  if (!isPlain(value)) return false;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'object' && (v === null || holdsNull(v))) return true;
  }
  return false;
}

function copiedWithoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copiedWithoutNulls);
  if (!isPlain(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, copiedWithoutNulls(v)]),
  );
}

/** A mapping as parsed, not a tagged YAML value (!!timestamp...), which the schema names as it is. */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Per kind's validator, `nullsDecideOnlyFailures`' answer, worked out once. */
const nullsDecide = new WeakMap<ValidateFunction, boolean>();

/**
 * Whether an object of this kind that passes its schema as it is passes it without its nulls too
 * (`withoutNulls`), so that only one that fails need be walked for them: taking a key out fails
 * nothing but `required`, so this holds when no mapping the kind's schema reaches (through its
 * references) requires a field whose schema takes null (a free-form `{}`, a type that includes
 * null). Of the 1.25 kinds only a StorageVersion (its `spec`) has one: checked as before.
 */
function nullsDecideOnlyFailures(validate: ValidateFunction, o: KubeObject): boolean {
  let answer = nullsDecide.get(validate);
  if (answer === undefined) nullsDecide.set(validate, (answer = !requiresNullable(o.apiVersion, o.kind)));
  return answer;
}

/** Whether the schema of `apiVersion/kind` reaches a required field that may be null (true when it cannot tell). */
export function requiresNullable(apiVersion: string, kind: string): boolean {
  const { kinds, definitions } = kubernetesSchemas();
  const fqn = kinds.get(`${apiVersion}/${kind}`)?.fqn;
  if (fqn === undefined) return true;
  const refOf = (s: Record<string, unknown>) => (typeof s.$ref === 'string' ? s.$ref.slice(s.$ref.lastIndexOf('/') + 1) : undefined);
  const takesNull = (s: unknown, follow = true): boolean => {
    if (!isRecord(s)) return true;
    const ref = refOf(s);
    if (ref !== undefined) return !follow || takesNull(definitions[ref], false);
    if ('const' in s) return s.const === null;
    if (s.type === undefined) return true;
    return Array.isArray(s.type) ? s.type.includes('null') : s.type === 'null';
  };
  const seen = new Set<string>();
  const reaches = (s: unknown): boolean => {
    if (!isRecord(s)) return false;
    const ref = refOf(s);
    if (ref !== undefined) {
      if (seen.has(ref)) return false;
      seen.add(ref);
      return reaches(definitions[ref]);
    }
    const properties = isRecord(s.properties) ? s.properties : {};
    if (Array.isArray(s.required) && s.required.some((r) => !Object.hasOwn(properties, r) || takesNull(properties[r]))) return true;
    return Object.values(properties).some(reaches) || reaches(s.items) || reaches(s.additionalProperties);
  };
  return reaches({ $ref: fqn.slice(fqn.lastIndexOf('.') + 1) });
}

/**
 * Schema findings of one object. `customKinds` are `apiVersion/kind` of custom resources whose
 * CustomResourceDefinition is among the objects checked: their objects are not validated here.
 */
export function checkSchema(object: KubeObject, customKinds: ReadonlySet<string> = new Set()): Finding[] {
  const gvk = `${object.apiVersion}/${object.kind}`;
  const validate = kubernetesSchemas().validator(object.apiVersion, object.kind);
  if (!validate) {
    if (customKinds.has(gvk)) return [];
    const removed = REMOVED_KINDS.get(object.kind);
    if (removed?.apiVersions.includes(object.apiVersion))
      return [
        finder(object)(
          'schema/unknown-kind',
          ['apiVersion'],
          `${object.apiVersion} ${object.kind} is not a Kubernetes 1.25 kind: ${removed.removed}`,
          removed.hint,
        ),
      ];
    const sameKind = [...kubernetesSchemas().kinds.values()].filter((k) => k.kind === object.kind).map((k) => k.apiVersion);
    const guess = sameKind.length ? undefined : misspeltKind(object);
    const message = `${object.apiVersion} ${object.kind} is not a Kubernetes 1.25 kind`;
    // a misspelt kind is said at the kind, with the kind its apiVersion has that it meant
    if (guess !== undefined)
      return [finder(object)('schema/unknown-kind', ['kind'], message, `did you mean '${guess}'? ${guessNote(object, guess)}`)];
    return [
      finder(object)(
        'schema/unknown-kind',
        ['apiVersion'],
        message,
        sameKind.length
          ? [`Kubernetes 1.25 serves ${object.kind} as apiVersion ${sameKind.join(' or ')}`, ...changesOnMove(object)].join('; ')
          : 'check the spelling of kind and apiVersion, or add the CustomResourceDefinition that defines it',
      ),
    ];
  }
  const out: Finding[] = [];
  const unstripped = withoutClaimTemplateStatus(withoutStatus(object, out, kindInfo(object.kind)?.status === true));
  if (nullsDecideOnlyFailures(validate, object)) {
    // the object as it is first: one that passes passes without its nulls too, so most objects are never walked
    // for nulls; one that fails is validated again as the API server decodes it, unless it held none
    if (validate(unstripped)) return out;
    const subject = withoutNulls(unstripped);
    if (subject !== unstripped && validate(subject)) return out;
  } else if (validate(withoutNulls(unstripped))) return out;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const finding = nullItem(laterField(findingFromAjv(e, object), object), e.keyword === 'type' ? e.params.type : undefined, object);
    const id = `${finding.code}|${finding.path.join('/')}|${finding.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(finding);
    }
  }
  return out;
}
