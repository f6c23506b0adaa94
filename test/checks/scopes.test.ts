import { describe, expect, it } from 'vitest';
import { groupByScope, scopeOf } from '../../lib/checks/scopes.js';

const stages = new Set(['dist/lab', 'dist/raspberry', 'dist/mink8s']);
const isStageDir = (d: string) => stages.has(d);

describe('cluster scopes of npm run check', () => {
  it('makes each stage directory one scope, and each node directory of a stage another', () => {
    expect([
      ...groupByScope(['dist/lab/10-flannel.yaml', 'dist/raspberry/10-flannel.yaml', 'dist/lab/00-namespace.yaml'], { isStageDir }),
    ]).toEqual([
      ['dist/lab', ['dist/lab/10-flannel.yaml', 'dist/lab/00-namespace.yaml']],
      ['dist/raspberry', ['dist/raspberry/10-flannel.yaml']],
    ]);
    expect(scopeOf('dist/mink8s/nodes/mink8s/etcd.yaml', { isStageDir })).toBe('dist/mink8s/nodes/mink8s');
  });

  it('puts plain files in one shared scope, or one per directory with perDir', () => {
    expect(scopeOf('manifests/a/x.yaml', { isStageDir })).toBe('');
    expect(scopeOf('manifests/a/x.yaml', { isStageDir, perDir: true })).toBe('manifests/a');
  });
});
