import { describe, expect, it, vi } from 'vitest';
import type { SourceFile as SourceFileType } from '../../lib/checks/source-file.js';

// the documents SourceFile reads again, counted
vi.mock('../../lib/model/read-yaml.js', async (original) => {
  const actual = await original<typeof import('../../lib/model/read-yaml.js')>();
  return { ...actual, documentAgain: vi.fn(actual.documentAgain) };
});

// the suite keeps a worker's modules between files (isolate: false): the checks and SourceFile loaded by an earlier file
// would read again with the real documentAgain, so they are loaded again here, with the counted one
vi.resetModules();
const { checkObjects } = await import('../../lib/checks/index.js');
const { parseManifests } = await import('../../lib/checks/manifests.js');
const { locateFindings } = await import('../../lib/checks/report.js');
const { DocumentsReadAgain, SourceFile } = await import('../../lib/checks/source-file.js');
const readAgain = vi.mocked((await import('../../lib/model/read-yaml.js')).documentAgain);

const text = [
  '# Source: web/templates/cm.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: { name: a }',
  'data:',
  '  k: "quoted"',
  '---',
  '# Source: web/templates/deploy.yaml',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: c',
  '          image: nginx:1.25',
  '---',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: web',
  '',
].join('\n');

describe('a file the yaml library read', () => {
  it('places paths in each document as the block reader does, its Documents let go and each read again alone', () => {
    const block = new SourceFile('f.yaml', text, true);
    const library = new SourceFile('f.yaml', text, false);
    // each reader numbers its documents its own way (the yaml library counts the empty one): the n-th value of each
    const indexes = (f: SourceFileType) => ('values' in f.result ? f.result.values.map((v) => v.index) : []);
    expect(indexes(library)).toHaveLength(3);
    const asked: [number, (string | number)[], boolean][] = [
      [0, ['data', 'k'], false],
      [0, ['metadata', 'name'], true],
      [1, ['spec', 'template', 'spec', 'containers', 0, 'image'], false],
      [0, ['kind'], false],
      [2, ['metadata', 'name'], false],
      [1, ['spec', 'template', 'spec', 'containers', 0], false],
    ];
    for (const [n, path, atKey] of asked)
      expect(library.locate(indexes(library)[n], path, atKey), `${n} ${path.join('.')}`).toEqual(
        block.locate(indexes(block)[n], path, atKey),
      );
    expect(library.locate(indexes(library)[1], ['spec', 'template', 'spec', 'containers', 0, 'image'], false)).toEqual({
      file: 'f.yaml',
      line: 18,
      column: 18,
    });
  });
});

describe('the documents read again', () => {
  /** A List of `n` ConfigMaps with an anchor each (the block reader declines it), named `cm<i>`. */
  const list = (n: number) =>
    [
      'apiVersion: v1',
      'kind: List',
      'items:',
      ...Array.from({ length: n }, (_, i) =>
        [
          `- apiVersion: v1`,
          `  kind: ConfigMap`,
          `  metadata:`,
          `    name: cm${i}`,
          `    labels: &l${i} { app: x }`,
          `  data: { k: v }`,
        ].join('\n'),
      ),
    ].join('\n');

  it('are kept for more places: an object defined twice is placed at its two documents with two readings, not two per object', () => {
    // kept one at a time, each of 50 objects read both Lists again (100 readings; 2,000 objects took minutes)
    const manifests = parseManifests([{ file: 'twice.yaml', text: `${list(50)}\n---\n${list(50)}\n` }]);
    const { findings } = checkObjects(manifests.objects, { sort: false });
    const duplicates = findings.filter((f) => f.code === 'refs/duplicate-object');
    expect(duplicates).toHaveLength(50);
    readAgain.mockClear();
    const located = locateFindings(duplicates, manifests.locate, manifests.related);
    expect(readAgain).toHaveBeenCalledTimes(2);
    expect(located[0].location).toEqual({ file: 'twice.yaml', line: 311, column: 11 });
    expect(located[0].related).toEqual([{ location: { file: 'twice.yaml', line: 7, column: 11 }, message: 'first defined' }]);
  });

  it('are let go beyond their budget, oldest first, and the two asked for last kept whatever their size', () => {
    const twoLists = `${list(20)}\n---\n${list(20)}\n`;
    const indexesOf = (f: SourceFileType) => ('values' in f.result ? f.result.values.map((v) => v.index) : []);
    const alternately = (f: SourceFileType, rounds: number) => {
      for (let i = 0; i < rounds; i++) for (const index of indexesOf(f)) f.locate(index, ['items', i, 'metadata', 'name'], false);
    };
    // a budget of no document: the two asked for last are kept still
    const none = new SourceFile('big.yaml', twoLists, false, new DocumentsReadAgain(0));
    readAgain.mockClear();
    alternately(none, 5);
    expect(readAgain).toHaveBeenCalledTimes(2);
    // three files of one document each, shared within a budget of about two of them: the oldest let go each time
    const again = new DocumentsReadAgain(2 * list(1).length + 10);
    const small = Array.from({ length: 3 }, (_, i) => new SourceFile(`s${i}.yaml`, list(1), false, again));
    readAgain.mockClear();
    for (let round = 0; round < 2; round++) for (const s of small) s.locate(0, ['items', 0], false);
    expect(readAgain).toHaveBeenCalledTimes(6);
    // within a budget of the three, each read once
    const roomy = new DocumentsReadAgain(3 * list(1).length);
    const kept = Array.from({ length: 3 }, (_, i) => new SourceFile(`s${i}.yaml`, list(1), false, roomy));
    readAgain.mockClear();
    for (let round = 0; round < 2; round++) for (const s of kept) s.locate(0, ['items', 0], false);
    expect(readAgain).toHaveBeenCalledTimes(3);
    expect(kept[2].locate(0, ['items', 0, 'data', 'k'], false)).toEqual({ file: 's2.yaml', line: 9, column: 14 });
  });
});
