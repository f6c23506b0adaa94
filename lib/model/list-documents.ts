/**
 * Documents of a manifest file that are not one object each: a List's items (flattened as kubectl and kustomize
 * take them) and a kustomization written without apiVersion and kind. Read alike by `npm run check`
 * (lib/checks/manifests.ts) and a manifests app's included files (apps/manifests.ts), so that the two never differ
 * on one file. Pure.
 */
import { posix } from 'node:path';
import { parseAllDocuments, type Document } from 'yaml';
import { MAX_MANIFEST_ALIASES, describeValue } from './limits.js';
import { builtInClusterScoped, isListDocument } from '../k8s.js';
import { detectSecretOrEncoded, maskValue } from './secret-rules.js';
import type { FieldPath } from './field-path.js';
import type { KubeObject } from './object.js';

/** Whether `v` is a Kubernetes object as a manifest document: a mapping with a string apiVersion and kind. */
export function isManifestObject(v: unknown): v is KubeObject {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof (v as KubeObject).kind === 'string' &&
    typeof (v as KubeObject).apiVersion === 'string'
  );
}

/** The kinds kustomize reads a kustomization file as (konfig: `kind should be Kustomization or Component`). */
export const KUSTOMIZATION_KINDS: readonly string[] = ['Kustomization', 'Component'];

/** The names kustomize reads a directory's kustomization from (konfig.RecognizedKustomizationFileNames). */
const KUSTOMIZATION_FILES: ReadonlySet<string> = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/**
 * Whether `value`, a document of `file`, is a kustomization written without apiVersion, and without kind or with one
 * kustomize takes (which it does not need: `resources: [...]` alone, or `kind: Kustomization`): kustomize's configuration, skipped as a typed Kustomization is
 * (lib/checks/manifests.ts NOT_API_OBJECTS), rather than refused as a mapping without apiVersion when a kustomize directory is checked;
 * a manifests app (apps/manifests.ts) skips it alike.
 */
export function isUntypedKustomization(file: string, value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const { apiVersion, kind } = value as Partial<KubeObject>;
  // kustomize fills in the apiVersion of a kind it takes (`kind: Kustomization` alone)
  return apiVersion === undefined && (kind === undefined || KUSTOMIZATION_KINDS.includes(kind)) && isKustomizationFile(file);
}

/**
 * The files that the kustomizations among `files` read as no object of their own, as `files` names them (relative to the
 * kustomization's folder, normalized): its patches (`patches[].path`, `patchesStrategicMerge[]` but an inline patch,
 * `patchesJson6902[].path`), a part of an object (a Deployment's `spec.replicas` alone) or a list of JSON patch
 * operations, which kustomize applies to the object it targets; and the files it reads as data (a generator's `files`,
 * `key=file` too, `envs` and `env`; `replacements[].path`, `configurations`, `openapi.path`, a Helm chart's
 * `valuesFile` and `additionalValuesFiles`), which `kubectl kustomize` builds into a ConfigMap or reads as its own
 * configuration. No manifest: skipped as the kustomization is. A file that a kustomization among them names as a resource
 * too is an object all the same, and kept (kustomize applies it, patched by itself). A kustomization that does not
 * parse names none (whoever reads it for its documents says why).
 */
export function kustomizationParts(files: readonly { readonly file: string; readonly text: string }[]): ReadonlySet<string> {
  const parts = new Set<string>();
  const resources = new Set<string>();
  for (const { file, text } of files) {
    if (!isKustomizationFile(file)) continue;
    const dir = file.slice(0, file.lastIndexOf('/') + 1);
    const add = (to: Set<string>, paths: readonly unknown[]) => {
      for (const path of paths)
        if (typeof path === 'string' && path && !path.includes('\n')) to.add(posix.normalize(posix.isAbsolute(path) ? path : dir + path));
    };
    for (const doc of parseAllDocuments(text)) {
      const k = doc.errors.length ? undefined : kustomizationValue(doc);
      if (!k || typeof k !== 'object') continue;
      add(resources, [k.resources, k.bases].flatMap(list));
      add(
        parts,
        [k.patches, k.patchesJson6902, k.replacements].flatMap((l) => list(l).map((p) => field(p, 'path'))),
      );
      add(parts, [...list(k.patchesStrategicMerge), ...list(k.configurations), field(k.openapi, 'path')]);
      for (const g of [k.configMapGenerator, k.secretGenerator].flatMap(list)) {
        // `files: [settings.yaml, key=settings.yaml]`: the file after the key
        add(
          parts,
          list(field(g, 'files')).map((f) => (typeof f === 'string' ? f.slice(f.indexOf('=') + 1) : f)),
        );
        add(parts, [...list(field(g, 'envs')), field(g, 'env')]);
      }
      for (const chart of list(k.helmCharts)) add(parts, [field(chart, 'valuesFile'), ...list(field(chart, 'additionalValuesFiles'))]);
    }
  }
  for (const r of resources) parts.delete(r);
  return parts;
}

/** `value` if it is a list, else none. */
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** The field `name` of `value` if it is a mapping. */
const field = (value: unknown, name: string): unknown =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;

/** A kustomization's value, or none where its aliases expand too far (an alias bomb: said by whoever reads its documents). */
function kustomizationValue(doc: Document): Record<string, unknown> | null | undefined {
  try {
    return doc.toJS({ maxAliasCount: MAX_MANIFEST_ALIASES }) as Record<string, unknown> | null;
  } catch {
    return undefined;
  }
}

/**
 * The hint for files among which no object was found but a kustomization is (an overlay whose objects are its bases'
 * and its patches'): to check what kustomize builds from the outermost one. `undefined` without a kustomization.
 */
export function kustomizeBuildHint(files: readonly string[]): string | undefined {
  const [outer] = files.filter(isKustomizationFile).sort((a, b) => a.split('/').length - b.split('/').length);
  if (outer === undefined) return undefined;
  const dir = outer.slice(0, outer.lastIndexOf('/') + 1) || './';
  return `${outer} makes its objects of other files (resources, bases, patches): check what kustomize builds, kubectl kustomize ${dir} | npm run check -- -`;
}

/** Whether `file` is named as kustomize reads a directory's kustomization (`KUSTOMIZATION_FILES`). */
export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_FILES.has(file.slice(file.lastIndexOf('/') + 1));
}

/**
 * The items of a List document (`kind: List`, `ConfigMapList`...) with their paths in it, a List among them
 * flattened in turn, as kubectl (FlattenListVisitor) and kustomize (inlineAnyEmbeddedLists) take its items;
 * an item that is no object is given as it is, for its caller to refuse.
 */
export function listItems(list: KubeObject, at: FieldPath = []): { item: unknown; path: FieldPath }[] {
  return (list.items as readonly unknown[]).flatMap((item, i) => {
    const path = [...at, 'items', i];
    return isManifestObject(item) && isListDocument(item) ? listItems(item, path) : [{ item, path }];
  });
}

/**
 * Whether `o` is a List of the built-in API: a `v1 List`, or a typed List of a built-in kind of its group
 * (`v1 ConfigMapList`, `apps/v1 DeploymentList`), whose schema requires `items`. A custom kind ending in `List`
 * (`example.com AllowList`) is not: its CRD says what its fields hold.
 */
export function isBuiltInList(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  if (typeof o.kind !== 'string' || !o.kind.endsWith('List')) return false;
  if (o.kind === 'List') return o.apiVersion === 'v1';
  return builtInClusterScoped(o.apiVersion, o.kind.slice(0, -'List'.length)) !== undefined;
}

/**
 * Whether `o` is a List with no list of items: `items: null` (or `items:` with nothing after it, as a template
 * renders an empty range) or items that are no list (`items: {}`, `items: ""`), of any kind ending in `List`, or a
 * built-in List (`isBuiltInList`: `v1 List`, `v1 ConfigMapList`) without `items`. kubectl reads any document with
 * `items` as a List (apimachinery's unstructured decoder) and refuses items that are no list, as kustomize refuses
 * them of a kind ending in List but `v1 List`, which it reads as empty; null items are a List of no objects to both;
 * a built-in List without items is no object any cluster serves. A custom kind ending in `List` without `items` is
 * no List (its CRD says what its fields hold).
 */
export function isItemlessList(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  if (typeof o.kind !== 'string' || !o.kind.endsWith('List')) return false;
  if (!Object.hasOwn(o, 'items')) return isBuiltInList(o);
  return !Array.isArray((o as { items?: unknown }).items);
}

/** What kubectl apply says of a `v1 List` without a list of items, when it validates the file itself (kubectl 1.32, no server). */
const KUBECTL_LIST_REFUSAL =
  "kubectl apply refuses the file ('error validating data: invalid object to validate', a List's items must be a list)";

/** What an itemless List (`isItemlessList`) is said as, and where: at `items` (its key) when it has one, else at the document. */
export function itemlessList(o: KubeObject): {
  readonly message: string;
  readonly hint: string;
  readonly path: FieldPath;
  readonly atKey: boolean;
} {
  const has = Object.hasOwn(o, 'items');
  const v1List = o.apiVersion === 'v1' && o.kind === 'List';
  return {
    message: has ? withItems(o, v1List) : `this ${o.kind} has no items: ${v1List ? KUBECTL_LIST_REFUSAL : withoutItems(o.kind)}`,
    hint: `write items: [] for a List of no objects (or remove the document), or list its objects under items${o.items === null ? ', indented below it' : ''}`,
    path: has ? ['items'] : [],
    atKey: has,
  };
}

/** Why a typed built-in List (`v1 ConfigMapList`) without `items` is refused. */
function withoutItems(kind: string): string {
  return `kubectl apply refuses it, an object of a kind no cluster serves (the schema of a ${kind} requires items, a list of ${kind.slice(0, -'List'.length)} objects), and kubectl kustomize passes it on as one`;
}

/**
 * What was found where an object or a list was expected (`describeValue`), a secret string hidden (`ghp_...` pasted as a
 * List's items or as a document: the message would print the token).
 */
export function describeFound(v: unknown): string {
  return typeof v === 'string' && detectSecretOrEncoded(v) ? maskValue(v) : describeValue(v);
}

/** Why a List whose `items` are null or no list is refused, or applies nothing. */
function withItems(o: KubeObject, v1List: boolean): string {
  if (o.items === null) {
    const read = 'which kustomize reads as an empty List';
    return `the items of this ${o.kind} are null (items: with no value): ${v1List ? `${KUBECTL_LIST_REFUSAL}, ${read}` : `kubectl and kustomize read it as a List of no objects, and apply nothing of it`}`;
  }
  const what = `the items of this ${o.kind} are no list (found ${describeFound(o.items)})`;
  if (v1List) return `${what}: ${KUBECTL_LIST_REFUSAL}, which kustomize reads as an empty List`;
  return `${what}: kubectl apply refuses the file (it reads a document with items as a List, whose items must be a list), and kubectl kustomize alike ('expected array in ${o.kind}/items')`;
}
