import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { appName, fleetStageFiles } from '../../bench/fleet.js';
import { formatTable, summarize } from '../../bench/stats.js';

describe('summarize', () => {
  it('takes the middle sample as the median, or the mean of the middle two', () => {
    expect(summarize([3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toMatchObject({ median: 2.5, min: 1, max: 4 });
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow('cannot summarize no samples');
  });
});

describe('formatTable', () => {
  it('pads the first column to the left and the others to the right', () => {
    expect(formatTable(['what', 'n'], [['a', '10'], ['bbb', '2']])).toBe('what   n\n----  --\na     10\nbbb    2\n');
  });
});

describe('fleetStageFiles', () => {
  it('writes stage files that load, with one demoapp instance per app', () => {
    const files = fleetStageFiles(3, 2);
    expect([...files.keys()]).toEqual(['dev', 'test']);
    const loaded = new StageLoader(STACKS).load(files.get('test')!, 'environments/test.yaml');
    expect(loaded.apps.map((a) => [a.name, a.stack])).toEqual([0, 1, 2].map((i) => [appName(i), 'demoapp']));
  });
});
