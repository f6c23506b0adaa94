import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../lib/checks/manifests.js';
import { checkObjects } from '../../lib/checks/index.js';
import { ProblemsError } from '../../lib/errors.js';

const placesOf = (text: string) => {
  const m = parseManifests([{ file: 'm.yaml', text }]);
  return checkObjects(m.objects)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => {
      const l = m.locate(f)!;
      return `${l.line}:${l.column} ${f.code}`;
    });
};

describe('reading manifests', () => {
  const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  key: 1\n';

  it('places findings in the right document of a multi-document file', () => {
    expect(placesOf(`# first\n---\n${broken}---\n${broken.replace('name: a', 'name: b')}`)).toEqual([
      '8:8 schema/type',
      '15:8 schema/type',
    ]);
  });

  it('reads files with anchors and aliases through the guarded parser, with the same places', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l { app: a }\n  annotations: *l\ndata:\n  key: 1\n';
    expect(placesOf(text)).toEqual(['8:8 schema/type']);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect(() => parseManifests([{ file: 'bomb.yaml', text: `${bomb}\n` }])).toThrow(ProblemsError);
  });

  it('expands merge keys as kubectl does, rather than checking `<<` as a key, and places a merged value at the merge', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: &common\n    team: web\n  labels:\n    <<: *common\n    tier: "front end"\ndata:\n  <<: { key: 1 }\n';
    const m = parseManifests([{ file: 'm.yaml', text }]);
    expect(m.objects[0]).toMatchObject({ metadata: { labels: { team: 'web', tier: 'front end' } }, data: { key: 1 } });
    expect(placesOf(text)).toEqual(['11:7 schema/type', '9:11 api/label-value']);
  });

  it('reads the items of a v1 List as objects', () => {
    const m = parseManifests([
      { file: 'l.yaml', text: `apiVersion: v1\nkind: List\nitems:\n  - ${broken.trimEnd().replace(/\n/g, '\n    ')}\n` },
    ]);
    expect(m.objects.map((o) => o.metadata.name)).toEqual(['a']);
    expect(placesOf(`apiVersion: v1\nkind: List\nitems:\n  - ${broken.trimEnd().replace(/\n/g, '\n    ')}\n`)).toEqual([
      '9:12 schema/type',
    ]);
  });
});
