/**
 * Existing manifests, brought in as they are: the YAML (or JSON) files and folders of the project
 * named in the stage file become API objects of this chart, as cdk8s's `Include` makes them (one
 * `ApiObject` per document, `metadata.name` kept), and then go through the same transforms
 * (namespace where namespaced and missing, labels, ARM image substitution) and checks as every
 * other object: Secrets with values are refused, references checked, custom resources checked
 * against their CRD when it is known.
 *
 * Why not `Include` itself: it reads the file (`Yaml.load(url)`), and stacks never read files.
 * The CLI reads the files this stack names (`sources`) and passes their text in
 * `StageContext.files`; the chart parses that text exactly as `Include` would.
 *
 * Documents that are no API objects (`NOT_API_OBJECTS`: a folder's `kustomization.yaml`, a
 * kubeconfig) and kpt's package context (`isKptPackageContext`) are skipped, as `npm run check` skips them; a kustomization that asks for more than
 * listing its files (a namespace, patches, generators...) is refused, since that is not applied.
 * Values that JSON cannot carry (YAML tags such as `!!timestamp` or `!!binary`) are refused at their place,
 * and so are plain values that kubectl reads otherwise (YAML 1.1: `yes`, `1_000`, `010`, lib/model/yaml11.ts).
 * A label, annotation, selector or nodeSelector value written as null is kept as "" (what the API
 * server stores), with a warning at its place (lib/model/null-labels.ts); a null in any other field
 * is written as null, as kubectl apply sends it (cdk8s would drop it: IncludedObject).
 * The files are read as `npm run check` reads manifests (lib/model/read-yaml.ts): the same YAML
 * problems at the same places (a duplicate key, a key that is a mapping, as a Helm template's
 * `{{ .Values.x }}` is), merge keys (`<<: *defaults`) expanded as kubectl expands them.
 */
import { ApiObject, Chart } from 'cdk8s';
import { isMap, isNode, isPair, isScalar, isSeq, type Document } from 'yaml';
import { ProblemsError, type Problem, type SourceLocation } from '../lib/errors.js';
import { NOT_API_OBJECTS, isKptPackageContext, isListDocument } from '../lib/k8s.js';
import { formatFieldPath, type FieldPath } from '../lib/model/field-path.js';
import { offsetOf, readBlockYaml } from '../lib/model/block-yaml.js';
import { isMergeKey, offsetInDocument, readYaml } from '../lib/model/read-yaml.js';
import { emptyNullLabels } from '../lib/model/null-labels.js';
import { describeObject, isRecord, type KubeObject } from '../lib/model/object.js';
import { MAX_MANIFEST_ALIASES } from '../lib/model/limits.js';
import { yaml11Places, yaml11Problem } from '../lib/model/yaml11.js';
import { isItemlessList, isUntypedKustomization, itemlessList, listItems } from '../lib/model/list-documents.js';
import { Name } from '../lib/config/workload.js';
import { ConfigKey, Settings, Type, Mapping } from '../lib/config/types.js';
import { addChartWarning, defineStack } from '../lib/stack.js';

/** A path relative to the project root: segments of letters, digits, '-', '_' and '.', none starting with '.' (so never '..'). */
const RepoPath = Type.String({
  pattern: '^[A-Za-z0-9_][-A-Za-z0-9_.]*(/[A-Za-z0-9_][-A-Za-z0-9_.]*)*/?$',
  expected: 'a path relative to the project root, such as manifests/legacy or manifests/app.yaml',
});
const SecretKey = ConfigKey('a Secret key');

export const manifestsSettings = Settings({
  include: Type.Array(RepoPath, {
    minItems: 1,
    uniqueItems: true,
    description:
      'Files, or folders of .yaml, .yml and .json files (recursively, in name order; entries starting with a dot and node_modules/ skipped), relative to the project root.',
  }),
  version: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$',
      expected: 'a label value such as 1.4 or 2024-05-01',
      description: 'The release of the manifests, written as app.kubernetes.io/version. @default latest',
    }),
  ),
  secrets: Type.Optional(
    Mapping(Name('Name of the Secret.'), Type.Array(SecretKey, { uniqueItems: true }), {
      description:
        'Secrets the manifests read, by name, with their keys (never their values): `npm run secrets` prints them. @default - none',
    }),
  ),
});

/**
 * Why an included document is not an object that can be applied, naming what it lacks (the
 * articles' Pod without metadata.name is a Pod, not "no object").
 */
function notAnObject(object: unknown): { message: string; hint: string } {
  const list = 'include only files of Kubernetes manifests (a List holds its objects under items)';
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    return { message: `is not a Kubernetes object but ${Array.isArray(object) ? 'a list' : `a ${typeof object}`}`, hint: list };
  }
  const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  const missing = [
    ...(typeof o.apiVersion === 'string' ? [] : ['apiVersion']),
    ...(typeof o.kind === 'string' ? [] : ['kind']),
    ...(typeof o.metadata?.name === 'string' ? [] : ['metadata.name']),
  ];
  const what = typeof o.kind === 'string' ? `this ${o.kind}` : 'this document';
  const message = `${what} has no ${missing.join(', ')}: a Kubernetes object needs apiVersion, kind and metadata.name`;
  if (typeof o.kind === 'string' && o.kind.endsWith('List')) return { message, hint: list };
  return {
    message,
    hint: missing.includes('metadata.name')
      ? 'name the object (metadata.name): kubectl apply refuses an object without one, and generateName works only with kubectl create'
      : 'add the missing fields, or include only files of Kubernetes manifests',
  };
}

/** The files of `files` that `include` names: a file itself, or every file below a folder. */
export function includedFiles(files: ReadonlyMap<string, string>, include: readonly string[]): [string, string][] {
  const named = include.map((p) => p.replace(/\/$/, ''));
  return [...files].filter(([path]) => named.some((p) => path === p || path.startsWith(`${p}/`)));
}

/**
 * The tags of the values JSON has, and of the merge key (`!!merge <<`, expanded): any other
 * (`!!timestamp`, `!!binary`, `!!set`, `!!omap`, `!local`) makes a value no API object holds.
 */
const JSON_TAGS: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'merge'].map((t) => `tag:yaml.org,2002:${t}`),
);

/** The file that makes a folder a Helm chart. */
const HELM_CHART_FILE = /(^|\/)Chart\.ya?ml$/;

/** The fields of a kustomization that only lists files: skipped, since the app includes its files itself. */
const LISTING_FIELDS: ReadonlySet<string> = new Set(['apiVersion', 'kind', 'metadata', 'resources']);

/** Each node below `node` whose tag is not JSON's, with its path and offset (a key's path is its mapping's). */
function foreignTags(node: unknown, path: FieldPath, out: { tag: string; path: FieldPath; offset: number }[] = []) {
  if (!isNode(node)) return out;
  if (node.tag !== undefined && !JSON_TAGS.has(node.tag)) {
    out.push({ tag: node.tag.replace(/^tag:yaml\.org,2002:/, '!!'), path, offset: node.range?.[0] ?? 0 });
    return out;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      foreignTags(pair.key, path, out);
      // a merged mapping written in place (`<<: {a: 1}`) holds keys of this one
      const key = isMergeKey(pair.key) ? [] : [isScalar(pair.key) ? String(pair.key.value) : '?'];
      foreignTags(pair.value, [...path, ...key], out);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) foreignTags(item, [...path, i], out);
  }
  return out;
}

/** Where the tag before the value at `offset` starts (yaml places a node at its value, after its tag and anchor). */
function tagStart(text: string, offset: number): number {
  let bang = text.lastIndexOf('!', offset);
  while (bang > 0 && text[bang - 1] === '!') bang--; // the first of `!!`
  return bang >= 0 && /^!\S*(\s+&\S+)?\s*$/.test(text.slice(bang, offset)) ? bang : offset;
}

type ObjectProps = ConstructorParameters<typeof ApiObject>[2];

/** Whether `value` is an object that can be applied: a mapping with apiVersion, kind and metadata.name. */
function isNamedObject(value: unknown): value is ObjectProps {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string';
}

/**
 * Whether a document's value is an object to include as it is: a named object, not a list
 * (isListDocument) nor one of NOT_API_OBJECTS or kpt's package context (those take the yaml
 * library's path, which places their problems and skips them).
 */
const isPlainObject = (value: unknown): value is ObjectProps =>
  isNamedObject(value) &&
  !isListDocument(value) &&
  !isItemlessList(value) &&
  !NOT_API_OBJECTS.has(`${value.apiVersion}/${value.kind}`) &&
  !isKptPackageContext(value);

/** The keys of a kustomization that ask for more than listing files (stagecraft applies none of it), with their offsets. */
function kustomizeFields(doc: Document): { key: string; offset: number }[] {
  if (!isMap(doc.contents)) return [];
  return doc.contents.items.flatMap((pair) =>
    isPair(pair) && isScalar(pair.key) && !LISTING_FIELDS.has(String(pair.key.value))
      ? [{ key: String(pair.key.value), offset: pair.key.range?.[0] ?? 0 }]
      : [],
  );
}

/**
 * Keeps each label, annotation, selector and nodeSelector value of `object` written as null as ""
 * (lib/model/null-labels.ts), with a warning at its place (`locate`): cdk8s would drop the key,
 * which the API server stores as "" (a selector without it is another, immutable, selector).
 */
function keepNullLabels(chart: Chart, named: ObjectProps, locate: (path: FieldPath) => SourceLocation): void {
  const object = named as KubeObject; // a named object (isNamedObject)
  for (const { path, what, selector } of emptyNullLabels(object)) {
    const key = String(path[path.length - 1]);
    const dropped = what === 'value' ? 'key' : what;
    // the object's own metadata is rendered by cdk8s, which drops a null; any other null is written (IncludedObject)
    const left =
      path[0] === 'metadata' && path.length === 3
        ? `rendering would drop the ${dropped}`
        : `the next kubectl apply would send the null, which removes the ${dropped}`;
    addChartWarning(chart, {
      code: 'manifests/null-label',
      location: locate(path),
      message: `${describeObject(object)}: ${formatFieldPath(path)}: ${what === 'value' ? 'value' : `${what} value`} null: dist/ holds it as "", the empty value the API server stores for it (left as null, ${left})`,
      // leaving a selector's key out selects other pods (and a workload's selector cannot change once applied)
      hint: selector
        ? `write ${key}: "" (the selector the API server holds; leaving the key out would change it)`
        : `write ${key}: "" for an empty value, or leave the ${what === 'value' ? 'key' : what} out`,
    });
  }
}

/**
 * `rendered` (an object as cdk8s renders it, keys sorted) with the nulls of `written` (the object
 * as the file has it) put back where rendering dropped them, in sorted place; `rendered` itself
 * when `written` holds none below. `metadata` at the top is cdk8s's (keepNullLabels keeps its
 * labels and annotations as ""; a null creationTimestamp means nothing to the API server).
 */
function withNulls(rendered: unknown, written: unknown, top = false): unknown {
  if (Array.isArray(written) && Array.isArray(rendered)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < written.length; i++) {
      const item = written[i] === null ? null : withNulls(rendered[i], written[i]);
      if (item !== rendered[i]) (copy ??= [...rendered])[i] = item;
    }
    return copy ?? rendered;
  }
  if (!isRecord(written) || !isRecord(rendered)) return rendered;
  let changed = false;
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(written)) {
    if (top && key === 'metadata') continue;
    const value = written[key] === null ? null : withNulls(rendered[key], written[key]);
    if (value !== rendered[key]) {
      values[key] = value;
      changed = true;
    }
  }
  if (!changed) return rendered;
  const keys = [...new Set([...Object.keys(rendered), ...Object.keys(values)])];
  // in cdk8s's order: sorted as its sanitizeValue sorts them, apiVersion, kind and metadata first at the top
  keys.sort();
  if (top) keys.sort((a, b) => TOP_KEYS.indexOf(b) - TOP_KEYS.indexOf(a));
  return Object.fromEntries(keys.map((k) => [k, Object.hasOwn(values, k) ? values[k] : rendered[k]]));
}
const TOP_KEYS = ['metadata', 'kind', 'apiVersion'];

/**
 * An included object, rendered with its nulls. cdk8s drops a field whose value is null, but
 * kubectl apply sends it: its patch clears that field of the live object (a value the API server's
 * defaults or another writer put there), and a custom resource keeps a null where its CRD makes
 * the field nullable. Kept, the field means in dist/ what it meant in the file.
 */
class IncludedObject extends ApiObject {
  constructor(
    scope: Chart,
    id: string,
    private readonly written: ObjectProps,
  ) {
    super(scope, id, written);
  }

  override toJson(): ReturnType<ApiObject['toJson']> {
    return withNulls(super.toJson(), this.written, true);
  }
}

/**
 * The construct id of an included document: its file, then `#` and its place in the file. The
 * constructs library turns '/' in an id into '--', which would give `a--b.yaml` and `a/b.yaml`
 * of one folder the same id; '%' and '/' are percent-encoded instead, so that no two files share
 * one (the place after the last '#' never holds a '#'). Ids name nothing in the output.
 */
export function documentId(file: string, place: string): string {
  return `${file.replaceAll('%', '%25').replaceAll('/', '%2F')}#${place}`;
}

export const manifests = defineStack({
  name: 'manifests',
  settings: manifestsSettings,
  version: (s) => s.version ?? 'latest',
  // the team's pods keep their templates: adopting running workloads replaces no pod for a label
  podTemplatesAsWritten: true,
  sources: (s) => s.include.map((path, i) => ({ path, at: ['include', i] })),
  secrets: (_name, s) => Object.entries(s.secrets ?? {}).map(([name, keys]) => ({ name, keys, path: ['secrets', name] })),
  chart(app, name, s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const problems: Problem[] = [];
    const files = includedFiles(stage.files ?? new Map(), s.include);
    // a Helm chart's templates are not manifests (`{{ ... }}`), nor are its Chart.yaml and values.yaml: one problem per chart
    const helmCharts = files.flatMap(([path]) => (HELM_CHART_FILE.test(path) ? [path] : []));
    const chartDirs = helmCharts.map((path) => path.slice(0, path.lastIndexOf('/') + 1));
    helmCharts.forEach((path, i) => {
      const dir = chartDirs[i] || './';
      problems.push({
        code: 'manifests/helm-chart',
        location: { file: path, line: 1, column: 1 },
        message: `${dir} is a Helm chart: its templates are not manifests until Helm renders them, and stagecraft does not run Helm`,
        hint: `render it (helm template <release> ${dir} -f <values file> > manifests/<name>.yaml), commit that file and include it instead`,
      });
    });
    for (const [file, text] of files) {
      if (chartDirs.some((dir) => file.startsWith(dir))) continue;
      // one id per file, document (counting those that hold something) and item: unique, and
      // stable while the files are
      let document = 0;
      // a file in the block reader's subset whose every document is an object (no tags, lists or
      // kustomizations in it) is read by it: the values the yaml library reads, several times faster
      const block = readBlockYaml(text);
      if (block?.values.every(isPlainObject)) {
        // a value kubectl reads otherwise (YAML 1.1: `yes`, `1_000`, `010`) means two things: refused at its place
        problems.push(
          ...block.yaml11.map((p) =>
            yaml11Problem(p, (offset) => {
              const { line, col } = block.lines.linePos(offset);
              return { file, line, column: col };
            }),
          ),
        );
        block.values.forEach((object, index) => {
          keepNullLabels(chart, object, (path) => {
            const { line, col } = block.lines.linePos(offsetOf(block.nodes, block.roots[index], path, false));
            return { file, line, column: col };
          });
          new IncludedObject(chart, documentId(file, String(document++)), object);
        });
        continue;
      }
      // else read as npm run check reads manifests (lib/model/read-yaml.ts): the same problems at the
      // same places, merge keys expanded as kubectl expands them, the same bounds on depth and aliases
      const read = readYaml(text, file, { maxAliasCount: MAX_MANIFEST_ALIASES, multi: true, what: 'manifest documents' });
      if (read.problems.length) {
        problems.push(...read.problems);
        continue;
      }
      problems.push(...yaml11Places(read.docs).map((p) => yaml11Problem(p, read.at)));
      read.docs.forEach((doc, index) => {
        // cdk8s renders plain values only: a Date, a Buffer or a Set would fail there, placed nowhere
        const tagged = foreignTags(doc.contents, []);
        if (tagged.length) {
          problems.push(
            ...tagged.map(({ tag, path, offset }) => ({
              code: 'manifests/yaml-tag',
              location: read.at(tagStart(text, offset)),
              message: `${formatFieldPath(path) || 'the document'}: the YAML tag ${tag} makes a value that a Kubernetes object cannot hold`,
              hint: `quote the value or drop the ${tag} tag: objects hold strings, numbers, booleans, null, mappings and lists`,
            })),
          );
          return;
        }
        const object = read.values[index];
        if (object === null || object === undefined) return; // an empty document, e.g. after a trailing ---
        const i = document++;
        const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
        // a kustomization needs no metadata.name (nor apiVersion and kind, in a kustomization.yaml):
        // recognized before an object's fields are required
        // (kustomization.yaml, .yml or Kustomization: isUntypedKustomization, as npm run check skips it)
        const untyped = isUntypedKustomization(file, o);
        if (untyped || NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`)) {
          // a kustomization's transformations would be silently lost: refused rather than skipped
          if (o.kind !== 'Config') {
            problems.push(
              ...kustomizeFields(doc).map(({ key, offset }) => ({
                code: 'manifests/kustomization',
                location: read.at(offset),
                message: `this ${untyped ? 'Kustomization' : String(o.kind)} sets ${key}, which stagecraft does not apply (it skips kustomization files)`,
                hint: `write the effect of ${key} into the manifests themselves (or the stage file) and keep only resources in the file, or include the manifest files rather than their folder`,
              })),
            );
          }
          return;
        }
        // kpt's package context: its functions' input, which kpt and kustomize never apply
        if (isKptPackageContext(o)) return;
        // a List whose items are null, or a v1 List without items: refused as npm run check refuses it
        if (isItemlessList(o)) {
          const { path, atKey, ...said } = itemlessList(o as KubeObject);
          problems.push({ code: 'manifests/not-an-object', location: read.at(offsetInDocument(doc, path, atKey)), ...said });
          return;
        }
        // a list (a v1 List, what kubectl get -o yaml prints of several objects, or a typed one such
        // as a ServiceList) is applied item by item, as kubectl applies it and npm run check reads it;
        // a List among its items in turn (listItems, as kubectl's FlattenListVisitor and npm run check take it);
        // one id per file, document and item (`i.j`, `i.j.k` for an item of a List item): unique, and stable while the files are
        const entries = isListDocument(o)
          ? listItems(o as KubeObject).map(({ item, path }) => ({
              item,
              at: path,
              id: documentId(file, [i, ...path.filter((k) => typeof k === 'number')].join('.')),
            }))
          : [{ item: object, at: [] as FieldPath, id: documentId(file, String(i)) }];
        for (const { item, at, id } of entries) {
          if (!isNamedObject(item)) {
            problems.push({ code: 'manifests/not-an-object', location: read.at(offsetInDocument(doc, at, false)), ...notAnObject(item) });
            continue;
          }
          keepNullLabels(chart, item, (path) => read.at(offsetInDocument(doc, [...at, ...path], false)));
          new IncludedObject(chart, id, item);
        }
      });
    }
    if (problems.length) throw new ProblemsError(problems);
    return chart;
  },
});
