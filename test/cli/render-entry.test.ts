/**
 * An entry of the render cache (lib/cli/render-entry.ts, `encodeEntry`): its line of JSON, then
 * the app's YAML stream as UTF-8, written into one buffer whatever the stream is (text just
 * serialized, bytes, or bytes stored in a pack), non-ASCII text included; and read back only when
 * its line has the shape `encodeEntry` writes (`entryHead`), whatever else a pack's entry holds.
 */
import { describe, expect, it } from 'vitest';
import { encodeEntry, entryHead } from '../../lib/cli/render-entry.js';
import type { StoredBytes } from '../../lib/synth/file-content.js';
import type { KeptApp } from '../../lib/synth/rendered.js';
import { changeLine } from '../helpers/entry-lines.js';

/** Text of 1, 2, 3 and 4 UTF-8 bytes a character, and a lone surrogate (written as U+FFFD, as Buffer.from writes it). */
const STREAM = 'data:\n  LOG_LEVEL: café ✓ 日本語 🚀\n---\nkind: ConfigMap \ud800\n';

const app = (stream: KeptApp['serialized']['stream']): KeptApp => ({
  serialized: { stream, digests: ['sha256:0123456789abcdef'], file: { source: 'environments/qa.yaml', sha256: 'ab'.repeat(32) } },
  summary: { heads: [['v1', 'ConfigMap', 'café', 'qa']], workloads: [], images: [], written: [], plain: true },
});

const stored = (bytes: Uint8Array): StoredBytes => ({ length: bytes.length, read: (use) => use(bytes) });

describe('an entry of the render cache', () => {
  it.each([
    ['text', STREAM],
    ['bytes', new Uint8Array(Buffer.from(STREAM))],
    ['bytes stored in a pack', stored(Buffer.from(STREAM))],
  ] as const)('holds its line, then the stream given as %s byte for byte, and nothing more', (_, stream) => {
    const entry = encodeEntry(app(stream));
    const head = entryHead(entry)!;
    expect(head.kept.summary.heads).toEqual([['v1', 'ConfigMap', 'café', 'qa']]);
    expect(head.kept.digests).toEqual(['sha256:0123456789abcdef']);
    expect(entry.subarray(0, head.start).toString('utf8')).toMatch(/^\{.*\}\n$/);
    expect(Buffer.compare(entry.subarray(head.start), Buffer.from(STREAM))).toBe(0);
  });
});

/** An app with every field an entry's line may hold: kept checks with findings, exceptions and references, classes, warnings. */
const FULL: KeptApp = {
  serialized: {
    stream: 'kind: PriorityClass\n',
    digests: ['sha256:0123456789abcdef', 'sha256:fedcba9876543210'],
    file: { source: 'environments/qa.yaml', sha256: 'ab'.repeat(32) },
  },
  checks: {
    context: '{"podSecurity":"baseline"}',
    checks: 6,
    results: [
      null,
      [
        [
          4,
          {
            findings: [
              {
                code: 'policy/probes',
                severity: 'warning',
                object: null,
                path: ['spec', 'containers', 0],
                message: 'no probe',
                hint: 'add one',
              },
            ],
            exceptions: [{ control: 'host-path', code: 'policy/host-path', reason: 'needs it', allows: 'hostPath /run', object: null }],
          },
        ],
      ],
    ],
    // the second object a custom resource, its results kept for the CRD defining its kind (lib/checks `crdContext`)
    crds: [null, '["error","sha256:0123456789abcdef",null]'],
    references: {
      context: '{}',
      traces: [['get:/Namespace//qa', 'json:sha256:0123456789abcdef']],
      findings: [
        [],
        [
          {
            code: 'schema/unknown-field',
            severity: 'error',
            object: null,
            path: ['spec', 'x'],
            message: 'unknown',
            atKey: true,
            lines: ['a'],
            series: { first: 'unknown', index: 1 },
          },
        ],
      ],
    },
  },
  summary: {
    heads: [
      ['scheduling.k8s.io/v1', 'PriorityClass', 'high', null],
      ['apps/v1', 'Deployment', 'web', 'qa'],
    ],
    workloads: [[1, { app: 'web' }]],
    images: [{ object: 'Deployment qa/web', container: 'web', from: 'web:1', to: 'web:1-arm' }],
    written: ['web:1'],
    plain: false,
    classes: { storage: [['fast', true]], priority: [['high', { priority: -5, preemptionPolicy: 'Never', globalDefault: true }]] },
    scaleTargets: ['apps/Deployment/qa/web'],
  },
  warnings: [
    {
      code: 'manifests/null-label',
      message: 'null',
      hint: 'write ""',
      location: { file: 'manifests/a.yaml', line: 3, column: 5 },
      severity: 'warning',
    },
  ],
};

/** `FULL`'s entry with its line as `edit` makes it of the line's JSON (the documents after it unchanged). */
function edited(edit: (line: string) => string): Buffer {
  const entry = encodeEntry(FULL);
  const end = entry.indexOf(0x0a);
  return Buffer.concat([Buffer.from(edit(entry.toString('utf8', 0, end))), entry.subarray(end)]);
}

/** An edit of the line's text: `from` (which it must hold) replaced with `to`. */
const replace =
  (from: string, to: string) =>
  (line: string): string => {
    expect(line).toContain(from);
    return line.replace(from, to);
  };

/** Lines that are not of the shape `encodeEntry` writes, by what is wrong with them. */
const CRAFTED: Record<string, (line: string) => string> = {
  'not JSON': () => 'not json',
  'JSON cut short': (line) => line.slice(0, -1),
  'a list': (line) => `[${line}]`,
  null: () => 'null',
  'a string': () => '"summary"',
  'no digests': changeLine((h) => delete h.digests),
  'no summary': changeLine((h) => delete h.summary),
  'a summary without heads': changeLine((h) => delete h.summary.heads),
  'a finding without its message': changeLine((h) => delete h.checks.results[1][0][1].findings[0].message),
  'a file without its SHA-256': changeLine((h) => delete h.file.sha256),
  'kept checks without their results': changeLine((h) => delete h.checks.results),
  "a custom resource's CRDs as a number": changeLine((h) => (h.checks.crds[1] = 1)),
  'digests in an object': changeLine((h) => (h.digests = { 0: h.digests[0], 1: h.digests[1] })),
  'a head of numbers': changeLine((h) => (h.summary.heads[0] = [1, 2, 3, 4])),
  'a head of three fields': changeLine((h) => h.summary.heads[0].pop()),
  'plain as text': changeLine((h) => (h.summary.plain = 'yes')),
  'the number of checks as text': changeLine((h) => (h.checks.checks = '6')),
  'a path as text': changeLine((h) => (h.checks.results[1][0][1].findings[0].path = 'spec.containers')),
  'a severity of no kind': changeLine((h) => (h.checks.results[1][0][1].findings[0].severity = 'fatal')),
  "a finding's object kept": changeLine((h) => (h.checks.results[1][0][1].findings[0].object = { kind: 'Pod' })),
  'a label value of a number': changeLine((h) => (h.summary.workloads[0][1].app = 1)),
  'a line number as text': changeLine((h) => (h.warnings[0].location.line = '3')),
  "a warning's object and field": changeLine((h) => (h.warnings[0].field = { object: {}, path: [] })),
  'a summary that is a list': changeLine((h) => (h.summary = [])),
  'kept checks that are a list': changeLine((h) => (h.checks = [])),
  'a result that is a list': changeLine((h) => (h.checks.results[1][0][1] = [])),
  'labels that are a list': changeLine((h) => (h.summary.workloads[0][1] = ['web'])),
  'an image that is text': changeLine((h) => (h.summary.images[0] = 'web:1')),
  'heads in an object': changeLine((h) => (h.summary.heads = { 0: h.summary.heads[0] })),
  'a field of no kind': changeLine((h) => (h.summary.extra = 1)),
  'a number of checks of 1e400 (Infinity)': replace('"checks":6', '"checks":1e400'),
  'a place of 2^60': replace('"workloads":[[1,', '"workloads":[[1152921504606846976,'),
  'a place beyond the objects': replace('"workloads":[[1,', '"workloads":[[2,'),
  'a check beyond those counted': replace('[[4,{', '[[6,{'),
  'a negative check': replace('[[4,{', '[[-1,{'),
  'a fractional place in a path': replace('"containers",0]', '"containers",0.5]'),
  'line 0': replace('"line":3', '"line":0'),
  'a priority of 1e400': replace('"priority":-5', '"priority":-1e400'),
  '__proto__ at the top': (line) => `{"__proto__":{"plain":true},${line.slice(1)}`,
  '__proto__ in the summary': replace('"summary":{', '"summary":{"__proto__":{"heads":[]},'),
  '__proto__ in a finding': replace('{"code":"policy/probes"', '{"__proto__":{"hint":"x"},"code":"policy/probes"'),
  '__proto__ among labels': replace('{"app":"web"}', '{"__proto__":"web","app":"web"}'),
  'a digest cut short': replace('sha256:fedcba9876543210', 'sha256:fedcba98'),
  'a digest of other characters': replace('sha256:fedcba9876543210', 'sha256:fedcba987654321\\n'),
  'a digest fewer than objects': changeLine((h) => h.digests.pop()),
  'a digest more than objects': changeLine((h) => h.digests.push('sha256:0000000000000000')),
  "a file's SHA-256 cut short": changeLine((h) => (h.file.sha256 = h.file.sha256.slice(1))),
};

describe("an entry's line that is not of the shape encodeEntry writes", () => {
  it('is read when it is (every optional field present)', () => {
    const { serialized, checks, summary, warnings } = FULL;
    expect(entryHead(edited((line) => line))?.kept).toEqual({
      digests: serialized.digests,
      file: serialized.file,
      checks,
      summary,
      warnings,
    });
  });

  it.each(Object.entries(CRAFTED))('is not read (a miss): %s', (_, edit) => {
    expect(entryHead(edited(edit))).toBeUndefined();
  });

  it('is not read without the line feed that ends it', () => {
    expect(entryHead(Buffer.from(JSON.stringify({ digests: [] })))).toBeUndefined();
  });
});
