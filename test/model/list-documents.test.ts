import { describe, expect, it } from 'vitest';
import { kustomizationPatches, kustomizeBuildHint } from '../../lib/model/list-documents.js';

describe('kustomizationPatches', () => {
  it("names each patch file of a kustomization from its folder, normalized, and no inline patch or other kustomization's", () => {
    const text =
      'patches:\n  - path: p.yaml\n  - patch: "[]"\npatchesStrategicMerge: [../x/q.yaml, "kind: A\\nmetadata: {}"]\npatchesJson6902: [{ path: ./j.yaml }]\n';
    expect([
      ...kustomizationPatches([
        { file: 'a/b/kustomization.yaml', text },
        { file: 'a/b/other.yaml', text },
      ]),
    ]).toEqual(['a/b/p.yaml', 'a/b/j.yaml', 'a/x/q.yaml']);
  });

  it('names none of a kustomization that does not parse, or holds no patches', () => {
    expect(kustomizationPatches([{ file: 'kustomization.yaml', text: 'patches: [path: \n  : x' }]).size).toBe(0);
    expect(kustomizationPatches([{ file: 'kustomization.yaml', text: 'resources: [a.yaml]\n' }]).size).toBe(0);
    // an alias bomb is no crash: it names none (whoever reads its documents says it)
    let bomb = 'a: &l0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    expect(kustomizationPatches([{ file: 'kustomization.yaml', text: `${bomb}patches: [{ path: p.yaml }]\n` }]).size).toBe(0);
  });
});

describe('kustomizeBuildHint', () => {
  it('tells to check what kustomize builds from the outermost kustomization, and nothing without one', () => {
    expect(kustomizeBuildHint(['o/p.yaml', 'o/base/kustomization.yaml', 'o/kustomization.yaml'])).toBe(
      'o/kustomization.yaml makes its objects of other files (resources, bases, patches): check what kustomize builds, kubectl kustomize o/ | npm run check -- -',
    );
    expect(kustomizeBuildHint(['Kustomization'])).toContain('kubectl kustomize ./ |');
    expect(kustomizeBuildHint(['o/p.yaml'])).toBeUndefined();
  });
});
