import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkoutPasses } from '../../bench/check-passes.js';

const root = resolve(import.meta.dirname, '../..');

describe('checkoutPasses', () => {
  it('checks objects never checked before in every pass, so the secret screen (kept per object) is paid in each', async () => {
    const pass = await checkoutPasses(root, root);
    // a fixture, not an example stage: a team that changes its stages stays green
    const source = join('test', 'fixtures', 'stages', 'day-two.yaml');
    const first = pass(source);
    const second = pass(source);
    expect(first.objects.length).toBeGreaterThan(0);
    expect(second.objects).toHaveLength(first.objects.length);
    // a pass over the first pass's objects would find every object's secret strings already kept
    for (const o of second.objects) expect(first.objects).not.toContain(o);
    expect(second.digest).toBe(first.digest);
  }, 60_000);
});
