import { describe, expect, it } from 'vitest';
import { kustomizationParts, kustomizeBuildHint } from '../../lib/model/list-documents.js';

describe('kustomizationParts', () => {
  it("names each patch file of a kustomization from its folder, normalized, and no inline patch or other kustomization's", () => {
    const text =
      'patches:\n  - path: p.yaml\n  - patch: "[]"\npatchesStrategicMerge: [../x/q.yaml, "kind: A\\nmetadata: {}"]\npatchesJson6902: [{ path: ./j.yaml }]\n';
    expect([
      ...kustomizationParts([
        { file: 'a/b/kustomization.yaml', text },
        { file: 'a/b/other.yaml', text },
      ]),
    ]).toEqual(['a/b/p.yaml', 'a/b/j.yaml', 'a/x/q.yaml']);
  });

  it('names the files a generator, replacements, configurations, openapi and helmCharts read, but none named as a resource too', () => {
    const text =
      'resources: [deploy.yaml, ../base/x.yaml]\nbases: [old]\npatches: [{ path: deploy.yaml }, { path: p.yaml }]\n' +
      'configMapGenerator: [{ name: a, files: [s.yaml, key=../c/t.yaml, 7], envs: [e.env] }]\n' +
      'secretGenerator: [{ name: b, env: f.env }]\nreplacements: [{ path: r.yaml }]\nconfigurations: [n.yaml]\n' +
      'openapi: { path: o.json }\nhelmCharts: [{ valuesFile: v.yaml, additionalValuesFiles: [w.yaml] }]\n';
    expect([...kustomizationParts([{ file: 'a/kustomization.yml', text }])].sort()).toEqual(
      ['a/e.env', 'a/f.env', 'a/n.yaml', 'a/o.json', 'a/p.yaml', 'a/r.yaml', 'a/s.yaml', 'a/v.yaml', 'a/w.yaml', 'c/t.yaml'].sort(),
    );
    // a resource of another kustomization among the files is checked all the same
    const base = { file: 'base/kustomization.yaml', text: 'resources: [x.yaml]\n' };
    expect([...kustomizationParts([base, { file: 'o/Kustomization', text: 'patches: [{ path: ../base/x.yaml }]\n' }])]).toEqual([]);
  });

  it('names none of a kustomization that does not parse, or holds no patches', () => {
    expect(kustomizationParts([{ file: 'kustomization.yaml', text: 'patches: [path: \n  : x' }]).size).toBe(0);
    expect(kustomizationParts([{ file: 'kustomization.yaml', text: 'resources: [a.yaml]\n' }]).size).toBe(0);
    // an alias bomb is no crash: it names none (whoever reads its documents says it)
    let bomb = 'a: &l0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++)
      bomb += `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(', ')}]\n`;
    expect(kustomizationParts([{ file: 'kustomization.yaml', text: `${bomb}patches: [{ path: p.yaml }]\n` }]).size).toBe(0);
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
