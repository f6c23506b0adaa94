/**
 * A stack's warning about a field of one of its objects (`Problem.field`, which a project's own
 * stack may set in `addChartWarning`) is kept by the render cache as the stage says it: placed, or
 * named by its object, never with the object itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { diskRenderCache } from '../../lib/cli/render-cache.js';
import { withPlacedWarnings } from '../../lib/compile-stage.js';
import { StageLoader } from '../../lib/config/load.js';
import { Settings, Type } from '../../lib/config/types.js';
import { addChartWarning, defineStack, type Stack } from '../../lib/stack.js';
import { renderStage } from '../../lib/synth/render.js';
import { keepApps } from '../../lib/synth/rendered.js';

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
const stacks = { warner } as Record<string, Stack>;

describe("a stack's warning about a field of an object", () => {
  it('is kept by the render cache, named by its object: the next run takes the app from the cache, with the same warning', () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-warned-'));
    const loaded = new StageLoader(stacks).load('apps:\n  warner:\n    value: TODO\n', 'environments/t.yaml') as never;
    const cold = diskRenderCache(root);
    const first = withPlacedWarnings(renderStage(loaded, stacks, '0.0.0', { cache: cold }), loaded);
    const said = first.charts.find((c) => c.name === 'warner')?.warnings;
    expect(said).toEqual([
      { code: 'warner/value', message: 'the value is a placeholder', severity: 'warning', subject: 'ConfigMap warner' },
    ]);
    keepApps(first, cold, new Map());
    cold.flush();
    const warm = diskRenderCache(root);
    const again = withPlacedWarnings(renderStage(loaded, stacks, '0.0.0', { cache: warm }), loaded);
    expect(warm.stats).toMatchObject({ hits: 1, misses: 0 });
    expect(again.charts.find((c) => c.name === 'warner')?.warnings).toEqual(said);
  });
});
