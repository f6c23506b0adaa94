import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { StageLoader } from '../../lib/config/load.js';
import { appName, fleetStageFiles } from '../../bench/fleet.js';
import { formatTable, summarize } from '../../bench/stats.js';
import { parseBench } from '../../bench/args.js';

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
    expect(
      formatTable(
        ['what', 'n'],
        [
          ['a', '10'],
          ['bbb', '2'],
        ],
      ),
    ).toBe('what   n\n----  --\na     10\nbbb    2\n');
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

describe('npm run bench arguments', () => {
  it('honour --help and --version everywhere, checks included, without measuring', () => {
    for (const argv of [['--help'], ['checks', '--help'], ['checks', '100', '-h']]) {
      const r = parseBench(argv);
      expect(r).toMatchObject({ code: 0 });
      expect('text' in r && r.text).toMatch(/^Usage: npm run bench/);
    }
    expect(parseBench(['checks', '--version'])).toMatchObject({ code: 0, text: expect.stringMatching(/^stagecraft \d/) });
  });

  it('measure the checks of the apps asked for, or the fleets with the options given', () => {
    expect(parseBench(['checks'])).toEqual({ checks: 5000 });
    expect(parseBench(['checks', '200'])).toEqual({ checks: 200 });
    expect(parseBench(['--quick'])).toMatchObject({ options: { sizes: [10, 100], runs: 2, plain: false } });
  });

  it('refuse unknown arguments, options and numbers with exit code 2', () => {
    expect(parseBench(['check'])).toMatchObject({
      code: 2,
      text: expect.stringMatching(/^error: unknown argument 'check' \(the only one is checks\)\n/),
    });
    expect(parseBench(['checks', '10', '20'])).toMatchObject({
      code: 2,
      text: expect.stringMatching(/^error: checks takes at most one argument/),
    });
    expect(parseBench(['checks', '--quick'])).toMatchObject({
      code: 2,
      text: expect.stringMatching(/^error: checks takes no options but --help \(found --quick\)/),
    });
    expect(parseBench(['--runs', 'x'])).toMatchObject({
      code: 2,
      text: expect.stringMatching(/^error: --runs takes whole numbers >= 1 \(found 'x'\)/),
    });
    expect(parseBench(['--frobnicate'])).toMatchObject({ code: 2, text: expect.stringContaining("Unknown option '--frobnicate'") });
  });
});
