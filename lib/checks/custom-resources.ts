/**
 * A custom resource checked against its CustomResourceDefinition in the registry (crds.ts), as the
 * API server checks it: a version the CRD does not serve, a kind no CRD defines (of the severity
 * asked: an error for what synth writes), the schema findings of its structural schema (nulls dropped
 * and defaults filled in first; a pattern, a format, a list-map key repeated), and an apiVersion not
 * in lowercase, which no API server serves. Pure: objects in, findings out.
 */
import type { ErrorObject } from 'ajv';
import { groupOf } from '../k8s.js';
import { shorten } from '../model/limits.js';
import { asRecord, type KubeObject } from '../model/object.js';
import type { CrdRegistry, CustomKind } from './crds.js';
import { LIST_MAP_KEYS, WRITTEN_FORMAT, asValidated, type Schema } from './crd-schema.js';
import { formatExpected } from './crd-formats.js';
import { finder, listed, type FieldPath, type Finding } from './finding.js';
import { kubernetesSchemas } from './k8s-schema.js';
import { findingFromAjv } from './schema.js';
import { misspeltCustomKind } from './moved-kinds.js';
import { withoutStatus } from './exported-status.js';
import { shownJson } from '../model/shown-values.js';

/**
 * An apiVersion whose group or version is not all lowercase (`RBAC.AUTHORIZATION.K8S.IO/V1`): API
 * groups are DNS subdomains and versions lowercase, so no API server serves it, and it would
 * otherwise pass for a custom resource of an unknown CRD (a warning). Says the right spelling when
 * Kubernetes or a known CRD serves the kind under the lowercase apiVersion.
 */
export function apiVersionCaseFinding(o: KubeObject, registry: CrdRegistry): Finding | undefined {
  const apiVersion = o.apiVersion;
  if (typeof apiVersion !== 'string') return undefined;
  const lower = apiVersion.toLowerCase();
  if (lower === apiVersion) return undefined;
  const known = kubernetesSchemas().validator(lower, o.kind) !== undefined || registry.lookup(lower, o.kind) !== undefined;
  return finder(o)(
    'api/api-version',
    ['apiVersion'],
    `apiVersion '${apiVersion}' is not lowercase; API groups and versions are, so no API server serves it`,
    known ? `write apiVersion: ${lower}` : 'write the group and version in lowercase, as the API serves them (kubectl api-versions)',
  );
}

export interface CustomResourceOptions {
  /**
   * What a custom resource whose CRD is not known is: an error where the object is to be written
   * (synth: what is written must pass validation with the CRDs it is applied with, as the strict
   * check of dist/ does), a warning for manifests checked on their own (`npm run check`), which may
   * be meant for a cluster where the CRD is installed.
   * @default 'warning'
   */
  readonly unknownKind?: Finding['severity'];
  /**
   * Whether the object is to be written to dist/ (synth), which decides where the hint of an unknown
   * kind sends its CRD: the project's crds/ folder, or beside the files checked.
   * @default false
   */
  readonly written?: boolean;
  /**
   * Whether stagecraft made the object itself (`CheckOptions.ownObjects`: a stage's ExternalSecrets), whose unknown
   * kind stays a warning: what the hint says of npm run check -- --require-crds.
   * @default false
   */
  readonly own?: boolean;
}

/**
 * The hint of a custom resource whose CRD is not known: synth's, where the CRD goes in the project; and
 * `npm run check`'s, where it is given beside the files, and what its severity is (a warning unless
 * --require-crds: a file checked on its own may be meant for a cluster that has the CRD installed).
 */
function unknownKindHint(severity: Finding['severity'], written: boolean, own: boolean): string {
  if (own && !written)
    return "stagecraft made it from the stage file's settings (a secret store's ExternalSecret), so it stays a warning, as synth keeps it, --require-crds or not: give its CustomResourceDefinition with --crds <file or dir> to validate it";
  if (written)
    return severity === 'error'
      ? "add the kind's CustomResourceDefinition to the project's crds/ folder or to the manifests the stage includes"
      : 'add the CRD to the input, to the stage, or to a CRD folder (npm run check -- --crds <dir>)';
  const beside =
    "give its CustomResourceDefinition beside it: among the files checked, or with --crds <file or dir> (the project's crds/ is read when --crds is not given)";
  return severity === 'error'
    ? `${beside}; --require-crds makes a custom resource that cannot be validated an error`
    : `${beside}; a warning, for a cluster that has the CRD installed: npm run check -- --require-crds makes it an error, as synth and the strict check of dist/ do`;
}

/**
 * Findings of one custom resource against its CRD: schema findings (`schema/*` codes, placed at
 * the field), a version the CRD does not serve, or, when no CRD defines the kind, one finding of
 * the severity `unknownKind` says.
 */
export function checkCustomResource(
  o: KubeObject,
  registry: CrdRegistry,
  { unknownKind = 'warning', written = false, own = false }: CustomResourceOptions = {},
): Finding[] {
  const emit = finder(o);
  const apiVersion = String(o.apiVersion);
  const custom = registry.lookup(apiVersion, o.kind);
  if (!custom) {
    const group = groupOf(apiVersion);
    const known = registry.versionsOf(group, o.kind);
    if (known.length) {
      return [
        emit(
          'crd/version',
          ['apiVersion'],
          `the CustomResourceDefinition of ${o.kind} defines the versions ${known.join(', ')}, not ${apiVersion.slice(group.length + 1)}`,
          `use apiVersion ${group}/${known[0]}`,
        ),
      ];
    }
    // the CRDs of its group are known, and one defines the kind it misspells: an error, whatever the cluster has installed
    const groupKinds = [...registry.kindsOf(group)].sort();
    const guess = misspeltCustomKind(o.kind, groupKinds);
    if (guess?.sure)
      return [
        emit(
          'crd/unknown-kind',
          ['kind'],
          `no CustomResourceDefinition of ${group} defines ${o.kind}: the CRDs known define ${listed(groupKinds)}`,
          `did you mean '${guess.meant}'? The API server serves no kind of the group but those its CRDs define`,
        ),
      ];
    // a kind merely near one of them (HelmRepository beside GitRepository) may be a CRD not given: the guess, and the severity asked
    const unknown = emit(
      'crd/unknown-kind',
      ['apiVersion'],
      `${apiVersion} ${o.kind} is a custom resource whose CustomResourceDefinition is not known, so it is not validated`,
      `${guess ? `did you mean '${guess.meant}' (the CRDs known of ${group} define ${listed(groupKinds)})? If not, ` : ''}${unknownKindHint(unknownKind, written, own)}`,
    );
    return [unknownKind === 'error' ? unknown : { ...unknown, severity: 'warning' }];
  }
  if (!custom.served) {
    // the versions it does serve, by name: the one to move to (External Secrets' v1 for its v1beta1, no longer served) is
    // the storage version, which every object is converted to, before the others in the CRD's order (a v1alpha2 listed first)
    const group = groupOf(apiVersion);
    const kinds = registry.versionsOf(group, o.kind).flatMap((v) => registry.lookup(`${group}/${v}`, o.kind) ?? []);
    const served = [...kinds.filter((k) => k.served && k.storage), ...kinds.filter((k) => k.served && !k.storage)].map((k) => k.version);
    return [
      emit(
        'crd/version',
        ['apiVersion'],
        `the CustomResourceDefinition of ${o.kind} does not serve version ${custom.version}`,
        served.length
          ? `use apiVersion ${group}/${served[0]}${served.length > 1 ? ` (it serves ${served.join(', ')})` : ''}, and check what changed between the versions in the operator's upgrade notes`
          : 'the CRD serves no version of it: install a CRD that serves the version the manifest is written for',
      ),
    ];
  }
  const out: Finding[] = [];
  // the API server drops the status where the CRD has the subresource, as a built-in kind's (schema.ts)
  const subject = custom.statusSubresource ? withoutStatus(o, out, true) : o;
  const validate = custom.validator();
  // nulls dropped and defaults filled in, as the API server does before it validates
  if (!validate || validate(asValidated(subject, custom.schema))) return out;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const f =
      e.keyword === 'pattern'
        ? patternFinding(e, emit, custom)
        : e.keyword === 'format'
          ? formatFinding(e, emit)
          : e.keyword === LIST_MAP_KEYS
            ? emit('schema/duplicate-key', instancePath(e.instancePath), e.message ?? 'repeats the key of an earlier item')
            : findingFromAjv(e, o);
    const id = `${f.code}|${f.path.join('/')}|${f.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      out.push(f);
    }
  }
  return out;
}

/**
 * The schema `checkCustomResource` validates custom resource `o` against: its served version's, when that compiles;
 * undefined for a built-in object, a kind no CRD defines, a version not served, or a schema that does not compile.
 */
export function validatingSchema(o: KubeObject, registry: CrdRegistry): Schema | undefined {
  if (typeof o.apiVersion !== 'string') return undefined;
  const custom = registry.lookup(o.apiVersion, o.kind);
  return custom?.served && custom.validator() ? custom.schema : undefined;
}

/**
 * What `schema` (a structural schema: `properties` and `items`) makes of an empty `field` of the mapping at `path` that
 * holds `value` there (undefined or null), as the API server validates it (`asValidated`): `filled`, a default filled in;
 * `missing`, reported missing (`schema/required`: a null dropped unless nullable); else undefined (not said there).
 */
export function emptyFieldAsValidated(
  schema: Schema | undefined,
  path: FieldPath,
  field: string,
  value: unknown,
): 'filled' | 'missing' | undefined {
  let s: Schema | undefined = schema;
  for (const step of path) s = asRecord(typeof step === 'number' ? s?.items : asRecord(s?.properties)?.[step]);
  if (!s) return undefined;
  const validated = (asValidated(value === undefined ? {} : { [field]: value }, s) as Schema)[field];
  if (validated !== undefined && validated !== null) return 'filled';
  return validated === undefined && Array.isArray(s.required) && s.required.includes(field) ? 'missing' : undefined;
}

/**
 * A string its field's pattern does not match. The value and the pattern are said shortened
 * (`shorten`): a CRD's pattern may be hundreds of characters (Gateway API's of a path, a hostname's),
 * so a longer one is said in part, with where its CRD holds it whole.
 */
function patternFinding(e: ErrorObject, emit: ReturnType<typeof finder>, custom: CustomKind): Finding {
  const pattern = String((e.params as { pattern: string }).pattern);
  const shown = shorten(pattern);
  const field = e.schemaPath.replace(/^#\/?/, '').split('/').map(unescapePointer).join('.');
  return emit(
    'schema/pattern',
    instancePath(e.instancePath),
    `${shorten(shownJson(e.data))} does not match the pattern ${shown}, which its CRD gives the field: the API server refuses it`,
    shown === pattern
      ? 'write a value the pattern matches'
      : `write a value the pattern matches (the whole of it: openAPIV3Schema.${field} of version ${custom.version} of CustomResourceDefinition ${String(custom.crd.metadata?.name)})`,
  );
}

/**
 * A string that is not of its field's format, where the API server checks the format
 * (crd-formats.ts), named as the CRD writes it (`date-time`, not the `datetime` it is checked by).
 * The value is named, except base64 (`byte`), which may hold a key or a password.
 */
function formatFinding(e: ErrorObject, emit: ReturnType<typeof finder>): Finding {
  const format = String((e.params as { format: string }).format);
  const written = String(asRecord(e.parentSchema)?.[WRITTEN_FORMAT] ?? format);
  const expected = formatExpected(format);
  const what = format === 'byte' ? 'the value' : shownJson(e.data);
  return emit(
    'schema/format',
    instancePath(e.instancePath),
    `${what} is not ${expected}, which the CRD's format (${written}) asks for: the API server refuses it`,
    `write ${expected}`,
  );
}

/** A JSON pointer's token as written (`~1` a `/`, `~0` a `~`). */
const unescapePointer = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

function instancePath(p: string): FieldPath {
  return p
    ? p
        .slice(1)
        .split('/')
        .map(unescapePointer)
        .map((k) => (/^\d+$/.test(k) ? Number(k) : k))
    : [];
}
