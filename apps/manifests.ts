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
 */
import { ApiObject, Chart } from 'cdk8s';
import { parseAllDocuments, LineCounter } from 'yaml';
import { ProblemsError, type Problem } from '../lib/errors.js';
import { Name } from '../lib/config/workload.js';
import { Settings, Type, Mapping } from '../lib/config/types.js';
import { defineStack } from '../lib/stack.js';

/** A path relative to the project root: segments of letters, digits, '-', '_' and '.', none starting with '.' (so never '..'). */
const RepoPath = Type.String({
  pattern: '^[A-Za-z0-9_][-A-Za-z0-9_.]*(/[A-Za-z0-9_][-A-Za-z0-9_.]*)*/?$',
  expected: 'a path relative to the project root, such as manifests/legacy or manifests/app.yaml',
});
const SecretKey = Type.String({ pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, expected: "a Secret key (letters, digits, '-', '_', '.')" });

export const manifestsSettings = Settings({
  include: Type.Array(RepoPath, {
    minItems: 1,
    uniqueItems: true,
    description: 'Files, or folders of .yaml, .yml and .json files (recursively, in name order), relative to the project root.',
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

/** The files of `files` that `include` names: a file itself, or every file below a folder. */
export function includedFiles(files: ReadonlyMap<string, string>, include: readonly string[]): [string, string][] {
  const named = include.map((p) => p.replace(/\/$/, ''));
  return [...files].filter(([path]) => named.some((p) => path === p || path.startsWith(`${p}/`)));
}

export const manifests = defineStack({
  name: 'manifests',
  settings: manifestsSettings,
  version: (s) => s.version ?? 'latest',
  sources: (s) => s.include.map((path, i) => ({ path, at: ['include', i] })),
  secrets: (_name, s) => Object.entries(s.secrets ?? {}).map(([name, keys]) => ({ name, keys, path: ['secrets', name] })),
  chart(app, name, s, stage) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    const problems: Problem[] = [];
    for (const [file, text] of includedFiles(stage.files ?? new Map(), s.include)) {
      const lines = new LineCounter();
      parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }).forEach((doc, i) => {
        const at = (offset: number) => ({ file, line: lines.linePos(offset).line, column: lines.linePos(offset).col });
        if (doc.errors.length) {
          problems.push(
            ...doc.errors.map((e) => ({ code: 'manifests/yaml', location: at(e.pos[0]), message: e.message.replace(/\.$/, '') })),
          );
          return;
        }
        const object = doc.toJS({ maxAliasCount: 100 }) as unknown;
        if (object === null || object === undefined) return; // an empty document, e.g. after a trailing ---
        const o = object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
        if (
          typeof object !== 'object' ||
          Array.isArray(object) ||
          typeof o.apiVersion !== 'string' ||
          typeof o.kind !== 'string' ||
          typeof o.metadata?.name !== 'string'
        ) {
          problems.push({
            code: 'manifests/not-an-object',
            location: at(doc.contents?.range?.[0] ?? 0),
            message: 'is not a Kubernetes object with apiVersion, kind and metadata.name',
            hint: 'include only files of Kubernetes manifests (a List is not expanded: write its items as documents)',
          });
          return;
        }
        // one id per file and document: unique, and stable while the files are
        new ApiObject(chart, `${file}#${i}`, object as ConstructorParameters<typeof ApiObject>[2]);
      });
    }
    if (problems.length) throw new ProblemsError(problems);
    return chart;
  },
});
