/**
 * A stage that brings existing YAML with it (adoption): fleet apps, and a manifests app that
 * includes generated CustomResourceDefinitions written as controller-gen writes them (an
 * operator's CRDs, as Argo CD, Flux, External Secrets and cert-manager ship them): long
 * descriptions wrapped over plain lines, single-quoted ones where the text needs quotes, patterns
 * with backslashes, nested schemas. Pure text generation, deterministic; `writeCrdProject` is the
 * one function that touches the disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fleetStageFile, writeProject } from './fleet.js';

/** The project's one stage. */
export const CRD_STAGE_NAME = 'dev';
/** Where the project keeps the CRDs its stage includes. */
const CRD_DIR = 'manifests/crds';

const WORDS =
  'the controller reconciles this field when it changes and reports what it found in the status of the object, so that a user can tell whether the value was applied; see the documentation of the operator for the accepted values and their defaults'.split(
    ' ',
  );

/** Deterministic text of about `words` words, from `seed`. */
function sentence(seed: number, words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[(seed * 7 + i * 13) % WORDS.length]).join(' ');
}

/** `text` wrapped at about 80 columns into lines that start at `indent` (the first after `head`). */
function wrapped(head: string, text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length + word.length > 80 && line.trim() !== head.trim()) {
      lines.push(line);
      line = indent;
    } else if (line !== head && line !== indent) line += ' ';
    line += word;
  }
  lines.push(line);
  return lines;
}

/**
 * A description as controller-gen writes it at `indent`: plain lines, or single-quoted ones when
 * the text holds `: ` (quotes doubled), or a literal block when it has paragraphs.
 */
function description(seed: number, indent: string): string[] {
  const text = sentence(seed, 20 + (seed % 40));
  const more = `${indent}  `;
  switch (seed % 3) {
    case 0:
      return wrapped(`${indent}description: `, text, more);
    case 1:
      return wrapped(`${indent}description: '`, `Note: it''s ${text}.'`, more);
    default:
      return [
        `${indent}description: |-`,
        ...wrapped(more, text, more),
        '', // between the paragraphs
        ...wrapped(more, sentence(seed + 1, 12), more),
      ];
  }
}

/** The properties of a schema at `depth`, at `indent`. */
function properties(seed: number, depth: number, indent: string): string[] {
  const lines: string[] = [`${indent}properties:`];
  for (let i = 0; i < 4; i++) {
    const name = `${WORDS[(seed + i * 5) % WORDS.length].replace(/[^a-z]/g, '') || 'field'}${i}`;
    const at = `${indent}  `;
    lines.push(`${at}${name}:`);
    lines.push(...description(seed * 4 + i, `${at}  `));
    if (depth > 0 && i % 2 === 0) {
      lines.push(...properties(seed * 4 + i + 1, depth - 1, `${at}  `), `${at}  type: object`);
    } else if (i === 1) {
      lines.push(`${at}  pattern: ^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$`, `${at}  type: string`);
    } else if (i === 3) {
      lines.push(`${at}  items:`, `${at}    type: string`, `${at}  maxItems: ${10 + (seed % 5)}`, `${at}  type: array`);
    } else lines.push(`${at}  format: int32`, `${at}  type: integer`);
  }
  return lines;
}

/** The i-th CRD: kind `Gadget<i>` of group bench.example.com, served as v1 and v1beta1. */
export function crdText(i: number, depth: number): string {
  const versions = ['v1', 'v1beta1'].flatMap((version, v) => [
    `  - name: ${version}`,
    '    schema:',
    '      openAPIV3Schema:',
    ...description(i + v, '        '),
    '        properties:',
    '          apiVersion:',
    ...description(i + 1, '            '),
    '            type: string',
    '          kind:',
    ...description(i + 2, '            '),
    '            type: string',
    '          metadata:',
    '            type: object',
    '          spec:',
    ...description(i + 3, '            '),
    ...properties(i * 31 + v, depth, '            '),
    '            type: object',
    '        type: object',
    `    served: true`,
    `    storage: ${v === 0}`,
  ]);
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  annotations:',
    '    controller-gen.kubebuilder.io/version: v0.16.0',
    `  name: gadget${i}s.bench.example.com`,
    'spec:',
    '  group: bench.example.com',
    '  names:',
    `    kind: Gadget${i}`,
    `    listKind: Gadget${i}List`,
    `    plural: gadget${i}s`,
    `    singular: gadget${i}`,
    `  scope: ${i % 4 === 3 ? 'Cluster' : 'Namespaced'}`,
    '  versions:',
    ...versions,
    '',
  ].join('\n');
}

/** CRD files (path below the project -> text) of about `bytes` bytes in all, each about 400 KB. */
export function crdFiles(bytes: number): Map<string, string> {
  const files = new Map<string, string>();
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const text = crdText(i, 5);
    files.set(`${CRD_DIR}/gadget${i}.yaml`, text);
    total += text.length;
  }
  return files;
}

/** The stage file: `apps` fleet apps after a manifests app that includes the CRDs. */
export function crdStageFile(stage: string, apps: number): string {
  return fleetStageFile(stage, apps).replace('apps:\n', `apps:\n  operator-crds:\n    stack: manifests\n    include: [${CRD_DIR}]\n`);
}

/** A project (as `writeProject` makes one) whose one stage is `crdStageFile`, with the CRDs of `crdFiles(bytes)`. */
export function writeCrdProject(repo: string, apps: number, bytes: number): string {
  const dir = writeProject(repo, new Map([[CRD_STAGE_NAME, crdStageFile(CRD_STAGE_NAME, apps)]]), 'crds');
  for (const [path, text] of crdFiles(bytes)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
