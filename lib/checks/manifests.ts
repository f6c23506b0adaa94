/**
 * Manifests from YAML text (hand-written, or produced by other tools): every document that is a
 * Kubernetes object, remembered with where it came from, so that findings can be placed at
 * `file:line:col`. Pure: the CLI reads the files and passes their text.
 *
 * One parser per file, so that the value checked is the value placed: the block reader
 * (lib/model/block-yaml.ts) where it is sure to read what the yaml library reads, else the yaml
 * library with a LineCounter (lib/model/read-yaml.ts); there the documents are counted as the
 * parser counts them, empty ones (`--- ~`) included, and findings after an empty document point
 * into the right one.
 */
import { type AppFinding, ExitCode, ProblemsError, comparePlaces, type Problem, type SourceLocation } from '../errors.js';
import { describeObject, type KubeObject } from '../model/object.js';
import { fieldPath, toProblem, type FieldPath, type Finding } from './finding.js';
import { isApiObject } from './schema.js';
import { firstDefinitionOf } from './object-index.js';
import { DocumentsReadAgain, SourceFile } from './source-file.js';
import type { RelatedPlace } from './report.js';
import { isKptPackageContext, isListDocument } from '../k8s.js';
import {
  KUSTOMIZATION_KINDS,
  isItemlessList,
  isKustomizationFile,
  isManifestObject as isObject,
  isUntypedKustomization,
  kustomizationParts,
  describeFound,
  itemlessList,
  listItems,
} from '../model/list-documents.js';
import { didYouMean } from '../model/did-you-mean.js';
import { capProblems } from '../model/limits.js';

/** The file that makes a folder a Helm chart (as a manifests app reads one: apps/manifests.ts). */
const HELM_CHART_FILE = /(^|\/)Chart\.ya?ml$/;

export { SourceFile } from './source-file.js';

interface Source {
  readonly file: SourceFile;
  /** Index of the document among the file's non-empty documents. */
  readonly index: number;
  /** Where the object sits in its document: [] or ['items', i] for the items of a `List`. */
  readonly prefix: FieldPath;
}

export interface Manifests {
  readonly objects: readonly KubeObject[];
  /** How many non-empty YAML documents were read (including skipped ones such as a Kustomization). */
  readonly documents: number;
  /** The place of a finding in its file. */
  locate(f: Finding): SourceLocation | undefined;
  /** The file an object was read from (as passed in). */
  fileOf(o: KubeObject): string | undefined;
  /** The other places a finding is about: the first definition of an object defined twice. */
  related(f: Finding): RelatedPlace[];
}

/** What a value that is no Kubernetes object (`isObject`) is instead: a list, a mapping without apiVersion or kind, a scalar. */
function notAnObject(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (!v || typeof v !== 'object') return describeFound(v);
  return `a mapping without ${typeof (v as Partial<KubeObject>).apiVersion === 'string' ? 'kind' : 'apiVersion'}`;
}

export interface ParseOptions {
  /**
   * Whether files in the plain block style are read by the block reader; `false` reads every
   * file with the yaml library, as before it (to compare the two: tests, bench/check-findings.ts).
   * @default true
   */
  readonly blockReader?: boolean;
  /**
   * Whether plain values that kubectl reads otherwise (YAML 1.1, lib/model/yaml11.ts) are bad
   * input; `false` where the files are read only to place problems, or for the CRDs in them, and
   * whoever reads them for their objects reports those values.
   * @default true
   */
  readonly yaml11?: boolean;
  /**
   * Where the documents read again to place findings are kept (lib/checks/source-file.ts), shared with other readings
   * whose places are asked for together (a stage's included files, one file per reading), which then keep its budget
   * between them. @default - the reading's own
   */
  readonly again?: DocumentsReadAgain;
}

/** Where a kustomization inflates the Helm charts of its `charts/` folder (kustomize's helmCharts, chartHome `charts`). */
const HELM_CHARTS_KEY = /^helmCharts\s*:/m;

/**
 * The problem of the Helm chart in `dir` (its `Chart.yaml`: `file`): what to check instead, the charts the nearest
 * kustomization above it inflates (`helmCharts`) being what `kubectl kustomize --enable-helm` builds.
 */
function helmChart(dir: string, file: string, files: readonly { file: string; text: string }[]): Problem {
  const nearest = files
    .filter((f) => isKustomizationFile(f.file) && dir.startsWith(f.file.slice(0, f.file.lastIndexOf('/') + 1)))
    .sort((a, b) => b.file.length - a.file.length)[0];
  const inflating = nearest && HELM_CHARTS_KEY.test(nearest.text) ? nearest.file : undefined;
  return {
    code: 'input/not-kubernetes',
    location: { file, line: 1, column: 1 },
    message: `${dir || './'} is a Helm chart: its templates are not manifests until Helm renders them, and stagecraft does not run Helm`,
    hint:
      inflating === undefined
        ? `check what it renders: helm template <release> ${dir || '.'} -f <values file> | npm run check -- -`
        : `${inflating} inflates it (helmCharts): check what kustomize builds, kubectl kustomize --enable-helm ${inflating.slice(0, inflating.lastIndexOf('/') + 1) || '.'} | npm run check -- -`,
  };
}

/**
 * Parses the YAML files (path as shown, text). Documents that are not Kubernetes objects, YAML
 * errors, and plain scalars that kubectl reads otherwise (YAML 1.1, lib/model/yaml11.ts) are bad input.
 * @throws ProblemsError (exit code 2) listing every document that is not a Kubernetes object
 */
export function parseManifests(files: readonly { file: string; text: string }[], options: ParseOptions = {}): Manifests {
  const objects: KubeObject[] = [];
  const sources = new Map<KubeObject, Source>();
  const problems: Problem[] = [];
  let documents = 0;
  // a Helm chart's templates are not manifests (`{{ ... }}`), nor are its Chart.yaml and values.yaml: one problem per
  // chart, as a manifests app says it (apps/manifests.ts), rather than a YAML error per template
  const chartFiles = files.filter(({ file }) => HELM_CHART_FILE.test(file)).map(({ file }) => file);
  const charts = chartFiles.map((file) => file.slice(0, file.lastIndexOf('/') + 1));
  problems.push(...charts.map((dir, i) => helmChart(dir, chartFiles[i], files)));
  // a patch a kustomization names is part of an object, which kustomize merges into it, and a generator's file its data:
  // skipped, as the kustomization is
  const patches = kustomizationParts(files);
  // the documents read again to place findings: the files' together, within one budget
  const again = options.again ?? new DocumentsReadAgain();
  for (const { file, text } of files) {
    if (charts.some((dir) => file.startsWith(dir)) || patches.has(file)) continue;
    const src = new SourceFile(file, text, options.blockReader ?? true, again);
    const { result } = src;
    if ('problems' in result) {
      problems.push(...capProblems(result.problems, src.at(text.length)));
      continue;
    }
    // a value kubectl reads otherwise is bad input, as a YAML error is: the file does not mean one thing
    if (options.yaml11 ?? true) problems.push(...capProblems(src.yaml11Problems(), src.at(text.length)));
    result.values.forEach(({ value: o, index }) => {
      documents++;
      if (!isObject(o)) {
        if (isUntypedKustomization(file, o)) return;
        // a kustomization without apiVersion whose kind kustomize does not take (`Kustomisation`): said at the kind
        const kind = (o as Partial<KubeObject> | null)?.kind;
        if (isKustomizationFile(file) && typeof kind === 'string' && !KUSTOMIZATION_KINDS.includes(kind)) {
          const meant = didYouMean(kind, KUSTOMIZATION_KINDS);
          problems.push({
            code: 'input/not-kubernetes',
            location: src.locate(index, ['kind'], false),
            message: `kustomize refuses this kustomization of kind ${kind} ('kind should be Kustomization or Component')`,
            hint: `${meant === undefined ? '' : `did you mean '${meant}'? `}write kind: Kustomization (or Component), or leave out kind and apiVersion`,
          });
          return;
        }
        problems.push({
          code: 'input/not-kubernetes',
          location: src.locate(index, [], false),
          message: `this document is not a Kubernetes object (found ${notAnObject(o)})`,
          hint: 'point npm run check at Kubernetes manifests: YAML documents with apiVersion, kind and metadata',
        });
        return;
      }
      if (!isApiObject(o) || isKptPackageContext(o)) return;
      // no object to check: kustomize makes an empty List of it, and kubectl apply refuses the file
      const itemless = (list: KubeObject, at: FieldPath) => {
        const { path, atKey, ...said } = itemlessList(list);
        problems.push({ code: 'input/not-kubernetes', location: src.locate(index, [...at, ...path], atKey), ...said });
      };
      if (isItemlessList(o)) {
        itemless(o, []);
        return;
      }
      if (isListDocument(o)) {
        for (const { item, path } of listItems(o)) {
          if (isObject(item) && isItemlessList(item)) itemless(item, path);
          else if (isObject(item)) {
            objects.push(item);
            sources.set(item, { file: src, index, prefix: path });
          } else {
            problems.push({
              code: 'input/not-kubernetes',
              location: src.locate(index, path, false),
              message: `${fieldPath(path)} of this ${o.kind} is not a Kubernetes object (found ${notAnObject(item)})`,
              hint: `each item of a ${o.kind} is an object with apiVersion, kind and metadata, which kubectl applies one by one: complete it or remove it`,
            });
          }
        }
        return;
      }
      objects.push(o);
      sources.set(o, { file: src, index, prefix: [] });
    });
  }
  if (problems.length) throw new ProblemsError(problems, ExitCode.badInput);
  const locate = (f: Finding): SourceLocation | undefined => {
    const s = sources.get(f.object);
    return s ? s.file.locate(s.index, [...s.prefix, ...f.path], f.atKey ?? false) : undefined;
  };
  // functions, not methods: each may be passed on alone (locateFindings(findings, manifests.locate, manifests.related))
  return {
    objects,
    documents,
    locate,
    fileOf: (o) => sources.get(o)?.file.file,
    related(f) {
      const first = firstDefinitionOf(f);
      const location = first && locate({ ...f, object: first, atKey: false });
      return location ? [{ location, message: 'first defined' }] : [];
    },
  };
}

/**
 * The CustomResourceDefinitions among `files` (path -> text), read as `parseManifests` reads them.
 * Only files that name the kind are read; one that does not parse gives none (whoever reads it for
 * its objects says why, at its place).
 */
export function crdsIn(files: ReadonlyMap<string, string>): KubeObject[] {
  const crds: KubeObject[] = [];
  for (const [file, text] of files) {
    if (!text.includes('CustomResourceDefinition')) continue;
    try {
      crds.push(...parseManifests([{ file, text }], { yaml11: false }).objects.filter((o) => o.kind === 'CustomResourceDefinition'));
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
    }
  }
  return crds;
}

/** A document of an included file that holds an object. */
interface IncludedDocument {
  /** The namespace the document names. */
  readonly namespace?: string;
  readonly locate: (f: Finding) => SourceLocation | undefined;
}

/**
 * Where findings on the objects of included files (a stage's `StageContext.files`: the manifests
 * a team brought in as they are) stand in those files, so that they are reported at `file:line:col`
 * as `npm run check` reports them. A finding's object is the document with its apiVersion, kind and
 * name, and its namespace or none where the object has the stage's (which the namespace transform
 * gives a document without one); its field is looked up in the document, or the deepest field on
 * the way that the document has (a label the transforms added is placed at `metadata`). The files
 * are parsed when a place is first asked for; a file that does not parse places nothing.
 */
export function includedPlaces(
  files: ReadonlyMap<string, string> | undefined,
  namespace: string,
): (f: Finding) => SourceLocation | undefined {
  const documents = includedDocuments(files, namespace);
  return (f) => documents(f.object)[0]?.locate(f);
}

/**
 * The documents of included files that may hold `o` (`includedPlaces`), in file and document order: more than one
 * where the files define the object more than once (`refs/duplicate-object`).
 */
function includedDocuments(files: ReadonlyMap<string, string> | undefined, namespace: string): (o: KubeObject) => IncludedDocument[] {
  if (!files?.size) return () => [];
  const key = (o: KubeObject) => `${o.apiVersion}\n${o.kind}\n${String(o.metadata?.name)}`;
  let documents: Map<string, IncludedDocument[]> | undefined;
  const read = () => {
    const found = new Map<string, IncludedDocument[]>();
    const again = new DocumentsReadAgain();
    for (const [file, text] of files) {
      let manifests: Manifests;
      try {
        manifests = parseManifests([{ file, text }], { yaml11: false, again });
      } catch (e) {
        if (e instanceof ProblemsError) continue;
        throw e;
      }
      for (const o of manifests.objects) {
        const ns = o.metadata?.namespace;
        const entry = { namespace: typeof ns === 'string' ? ns : undefined, locate: (f: Finding) => manifests.locate({ ...f, object: o }) };
        const same = found.get(key(o));
        if (same) same.push(entry);
        else found.set(key(o), [entry]);
      }
    }
    return found;
  };
  return (o) => {
    documents ??= read();
    const candidates = documents.get(key(o)) ?? [];
    const ns = o.metadata?.namespace;
    // those naming its namespace and, in the stage's, those leaving it out (one object: the n-th copy is the n-th of them)
    const same = candidates.filter((c) => c.namespace === ns || (c.namespace === undefined && ns === namespace));
    if (same.length) return same;
    // a cluster-scoped object loses the namespace its document gave it
    return ns === undefined && candidates.length === 1 ? candidates : [];
  };
}

/** What of a stage places problems on the objects of its included files. */
export interface IncludingStage {
  /** The included files (path -> text): a stage's `StageContext.files`. */
  readonly files?: ReadonlyMap<string, string>;
  /** The stage's namespace, which the namespace transform gives a document without one. */
  readonly namespace: string;
  /** The stage's name: what a problem placed nowhere else is said of (`test: warning: ...`), as the synth summary says it. @default - none */
  readonly name?: string;
}

/**
 * `findings` as problems, those on the objects of a stage's included files at their place there
 * (`includedPlaces`), the others said of the stage (its name). The problems of one file are in line and column order, after those placed
 * nowhere (which keep the findings' order), files in code-point order; one place keeps its order.
 */
export function placedProblems(findings: readonly AppFinding[], stage: IncludingStage | undefined): Problem[] {
  const documents = includedDocuments(stage?.files, stage?.namespace ?? '');
  // the objects defined again (apiVersion, kind, namespace and name): the n-th finding on one is on its n-th later
  // document, in the order the app read them (files, then documents), which its objects and their findings keep
  const again = new Map<string, number>();
  const place = (f: AppFinding): Problem => {
    const found = documents(f.object);
    if (f.code !== DUPLICATE || found.length < 2) return toProblem(f, found[0]?.locate(f) ?? f.appAt);
    const { apiVersion, kind, metadata } = f.object;
    const key = `${apiVersion}\n${kind}\n${String(metadata?.namespace)}\n${String(metadata?.name)}`;
    const n = Math.min((again.get(key) ?? 0) + 1, found.length - 1);
    again.set(key, n);
    const at = found[0].locate(f);
    return { ...toProblem(f, found[n].locate(f)), ...(at ? { lines: [`first defined at ${at.file}:${at.line}:${at.column}`] } : {}) };
  };
  // a stable sort: the findings' order (object, field, message) decides between problems at one place
  const subject = stage?.name;
  return findings
    .map((f) => {
      const problem = place(f);
      return problem.location || subject === undefined ? problem : { ...problem, subject };
    })
    .sort(comparePlaces);
}

/** The code of an object defined twice, whose later definitions `placedProblems` places each at its own document. */
const DUPLICATE = 'refs/duplicate-object';

/**
 * `problems` with those about a field of an object of a stage's included files (`Problem.field`:
 * a transform's) placed at that field in its file (or at the deepest field on the way that the
 * file has), as `placedProblems` places the checks' findings: `file:line:col: Kind
 * namespace/name: field: message`. The others keep their subject; none keeps its object.
 */
export function placedFieldProblems(problems: readonly Problem[], stage: IncludingStage | undefined): Problem[] {
  if (!problems.some((p) => p.field)) return [...problems];
  const place = includedPlaces(stage?.files, stage?.namespace ?? '');
  return problems.map(({ field, ...problem }) => {
    if (!field || problem.location) return problem;
    const { subject, ...rest } = problem;
    const { object, path } = field;
    const location = place({ code: rest.code, severity: rest.severity ?? 'error', message: rest.message, object, path });
    return location ? { ...rest, location, message: `${subject ?? describeObject(object)}: ${rest.message}` } : problem;
  });
}
