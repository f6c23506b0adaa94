import { describe, expect, it } from 'vitest';
import { crdFiles, crdStageFile } from '../../bench/crds.js';
import { compileStages } from '../../lib/compile.js';
import { readBlockYaml } from '../../lib/model/block-yaml.js';

describe('the stage of the benchmark that includes CRDs (bench/crds.ts)', () => {
  const files = crdFiles(700_000);

  it('writes CRDs as controller-gen does, in the block reader subset, so that the benchmark measures that path', () => {
    expect(files.size).toBeGreaterThan(1);
    for (const text of files.values()) {
      expect(text).toMatch(/description: '.*''/); // single-quoted over lines, quotes doubled
      expect(readBlockYaml(text)?.values).toHaveLength(1);
    }
  });

  it('compiles without errors: the CRDs, their cluster-scoped kind, and the fleet apps beside them', () => {
    const compiled = compileStages([
      {
        stage: 'dev',
        file: 'environments/dev.yaml',
        text: crdStageFile('dev', 2),
        readSource: (p) => new Map([...files].filter(([f]) => f.startsWith(`${p}/`))),
      },
    ]);
    const objects = compiled.stages[0].charts.flatMap((c) => c.objects);
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(files.size);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['app-0001', 'app-0002']);
    expect(compiled.checks.get('dev')!.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});
