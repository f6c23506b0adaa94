/** Compiling a stage file given as text (a fixture), for the edge tests. */
import { compileStages } from '../../lib/compile.js';
import { formatProblem } from '../../lib/errors.js';
import { toProblem } from '../../lib/checks/finding.js';
import type { FileTree } from '../../lib/synth/file-content.js';
import { problemsThrownBy } from '../helpers/problems.js';

/** The header every stage fixture starts with; the tests give the rest. */
export const FILE = 'environments/edge.yaml';

/**
 * Compiles `text` as stage `edge`, with the files a `manifests` app includes (`included`: by the
 * path it includes, the files there by path and text); the files of dist/edge/ and the edge's
 * warnings, formatted: those placed in the stage file, then those on objects.
 */
export function compileEdge(
  text: string,
  included: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
): { files: FileTree; warnings: string[] } {
  const compiled = compileStages([{ stage: 'edge', file: FILE, text, readSource: readerOf(included) }]);
  const findings = compiled.checks.get('edge')?.findings ?? [];
  const placed = compiled.warnings.get('edge') ?? [];
  return {
    files: compiled.tree.get('edge')!,
    warnings: [
      ...placed.filter((p) => p.code.startsWith('edge/')).map(formatProblem),
      ...findings.filter((f) => f.code.startsWith('edge/')).map((f) => formatProblem(toProblem(f))),
    ],
  };
}

/** The `nodes:` (one, `a`) and `edge:` (one machine, one frontend sending www.example.com to `app`) of a stage fixture, with `apps:` to follow. */
export const oneNodeEdge = (app: string) => `nodes:
  a: { address: 10.0.0.1 }
edge:
  machines: { lb1: { address: 10.0.0.5 } }
  frontends:
    web:
      certificates: [/etc/haproxy/certs/example.com.pem]
      hosts: { www.example.com: ${app} }
apps:
`;

/** The files a `manifests` app includes (`included`: by the path it includes, the files there by path and text), read as `readSource` reads them. */
const readerOf = (included: Readonly<Record<string, Readonly<Record<string, string>>>>) => (path: string) =>
  Object.hasOwn(included, path) ? new Map(Object.entries(included[path]!)) : undefined;

/** The problems compiling `text` (with the files a `manifests` app includes, as `compileEdge` takes them) fails with, formatted (`file:line:col: message` and hint). */
export function edgeProblems(text: string, included: Readonly<Record<string, Readonly<Record<string, string>>>> = {}): string[] {
  const problems = problemsThrownBy(() => compileStages([{ stage: 'edge', file: FILE, text, readSource: readerOf(included) }]));
  if (problems.length === 0) throw new Error('the stage compiled without a problem');
  return problems.map(formatProblem);
}

/**
 * The manifests of a `manifests` app `legacy`: a NodePort Service with `ports` (flow YAML) and a
 * Deployment whose pods run `containers` (flow YAML, one each), with `annotations` (`, annotations: {...}`) if given.
 */
export const legacy = (containers: readonly string[], ports: string, annotations = '') =>
  [
    'apiVersion: v1',
    'kind: Service',
    'metadata: { name: legacy }',
    `spec: { type: NodePort, selector: { app: legacy }, ports: ${ports} }`,
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: { name: legacy }',
    'spec:',
    '  replicas: 1',
    '  selector: { matchLabels: { app: legacy } }',
    '  template:',
    `    metadata: { labels: { app: legacy }${annotations} }`,
    '    spec:',
    '      containers:',
    ...containers.map((c) => `        - ${c}`),
    '',
  ].join('\n');
