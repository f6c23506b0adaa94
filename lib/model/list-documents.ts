/**
 * Documents of a manifest file that are not one object each: a List's items (flattened as kubectl and kustomize
 * take them) and a kustomization written without apiVersion and kind. Read alike by `npm run check`
 * (lib/checks/manifests.ts) and a manifests app's included files (apps/manifests.ts), so that the two never differ
 * on one file. Pure.
 */
import { describeValue } from './limits.js';
import { isListDocument } from '../k8s.js';
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
 * Whether `o` is a List with no list of items: `items: null` (or `items:` with nothing after it, as a template
 * renders an empty range), a `v1 List` whose items are no list (`items: {}`, `items: ""`), or a `v1 List` without
 * `items`. kubectl apply's validation refuses the file ("error validating data: invalid object to validate": a List's
 * items must be a list), while kustomize reads such items as an empty List and passes a List without items on as an
 * object of a kind no cluster serves. Not a kind ending in `List` of another group without `items`, or with items of
 * another shape (a custom kind may be so named, and its CRD says what its fields hold).
 */
export function isItemlessList(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): boolean {
  if (typeof o.kind !== 'string' || !o.kind.endsWith('List')) return false;
  const list = o.apiVersion === 'v1' && o.kind === 'List';
  if (!Object.hasOwn(o, 'items')) return list;
  const { items } = o as { items?: unknown };
  return items === null || (list && !Array.isArray(items));
}

/** What an itemless List (`isItemlessList`) is said as, and where: at `items` (its key) when it has one, else at the document. */
export function itemlessList(o: KubeObject): {
  readonly message: string;
  readonly hint: string;
  readonly path: FieldPath;
  readonly atKey: boolean;
} {
  const has = Object.hasOwn(o, 'items');
  const what = o.items === null ? 'are null (items: with no value)' : `are no list (found ${describeValue(o.items)})`;
  return {
    message: `${has ? `the items of this ${o.kind} ${what}` : `this ${o.kind} has no items`}: kubectl apply refuses the file ('error validating data: invalid object to validate', a List's items must be a list)${has ? ', which kustomize reads as an empty List' : ''}`,
    hint: `write items: [] for a List of no objects (or remove the document), or list its objects under items${o.items === null ? ', indented below it' : ''}`,
    path: has ? ['items'] : [],
    atKey: has,
  };
}
