import { describe, expect, it } from 'vitest';
import { alternate } from '../../bench/alternating.js';

describe('passes of two checkouts in turns (bench/alternating.ts)', () => {
  it('runs both checkouts on each stage file in turn, the order reversed every other pass, and leaves the first pass out of the median', () => {
    const calls: string[] = [];
    const run = (name: string, ms: (pass: number) => number) => {
      let pass = 0;
      return (source: string) => {
        calls.push(`${name}:${source}`);
        return { ms: ms(pass++), digest: source };
      };
    };
    const table = alternate(
      ['this', 'that'],
      [run('this', (p) => (p === 0 ? 900 : 100)), run('that', () => 200)],
      ['dev', 'test'],
      2,
      'differs',
    );
    expect(calls).toEqual(['this:dev', 'that:dev', 'that:test', 'this:test', 'this:dev', 'that:dev']);
    const [, , thisRow, thatRow] = table.split('\n');
    expect(thisRow.split(/\s{2,}/)).toEqual(['this', '900', '100', '100-100']);
    expect(thatRow.split(/\s{2,}/)).toEqual(['that', '200', '200', '200-200', 'x0.50']);
  });

  it('refuses a pass where the checkouts made something else, naming the checkout and the stage file', () => {
    const runs = [(s: string) => ({ ms: 1, digest: s }), (s: string) => ({ ms: 1, digest: `${s}!` })];
    expect(() => alternate(['/a', '/b'], runs, ['environments/dev.yaml'], 1, 'wrote other bytes')).toThrow(
      '/b wrote other bytes in environments/dev.yaml',
    );
  });
});
