/**
 * A stack's warning about a field of one of its objects (`Problem.field`, which a project's own
 * stack may set in `addChartWarning`) is kept by the render cache as the stage says it: placed, or
 * named by its object, never with the object itself. Compiled as the commands compile a stage
 * (compileStage), with a stack of the project's own among apps/'s.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.mock('../../apps/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../apps/index.js')>();
  const { Settings, Type } = await import('../../lib/config/types.js');
  const { addChartWarning, defineStack } = await import('../../lib/stack.js');
  /** A stack of a project's own that warns of a field of the ConfigMap it makes. */
  const warner = defineStack({
    name: 'warner',
    settings: Settings({ value: Type.String() }),
    version: () => '1',
    chart: (app, name, s) => {
      const chart = new Chart(app, name, { disableResourceNameHashes: true });
      const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { value: s.value } };
      new ApiObject(chart, 'config', object);
      addChartWarning(chart, { code: 'warner/value', message: 'the value is a placeholder', field: { object, path: ['data', 'value'] } });
      return chart;
    },
  });
  return { ...real, STACKS: { ...real.STACKS, warner } };
});

// the suite keeps a worker's modules between files (isolate: false): compile-stage.js and what reads
// the stacks are loaded again here, with the mocked apps/
vi.resetModules();
const { compileStage } = await import('../../lib/compile-stage.js');
const { diskRenderCache } = await import('../../lib/cli/render-cache.js');
// and dropped after it, so that the next file of this worker loads the real stacks (the stage schema
// would otherwise list 'warner' there)
afterAll(() => {
  vi.doUnmock('../../apps/index.js');
  vi.resetModules();
});

describe("a stack's warning about a field of an object", () => {
  it('is said named by its object, and kept so by the render cache: the next compilation takes the app from the cache, with the same warning', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-warned-'));
    const source = { stage: 't', file: 'environments/t.yaml', text: 'apps:\n  warner:\n    value: TODO\n' };
    const cold = diskRenderCache(root);
    const first = compileStage(source, { cache: cold });
    expect(first.problems).toEqual([]);
    const said = first.warnings?.filter((w) => w.code === 'warner/value');
    expect(said).toEqual([
      { code: 'warner/value', message: 'the value is a placeholder', severity: 'warning', subject: 'ConfigMap warner' },
    ]);
    cold.flush();
    expect(cold.stats).toMatchObject({ misses: 1, stored: 1 });
    const warm = diskRenderCache(root);
    const again = compileStage(source, { cache: warm });
    expect(warm.stats).toMatchObject({ hits: 1, misses: 0 });
    expect(again.warnings?.filter((w) => w.code === 'warner/value')).toEqual(said);
  });
});
