import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../lib/checks/source-file.js';

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
    const indexes = (f: SourceFile) => ('values' in f.result ? f.result.values.map((v) => v.index) : []);
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
