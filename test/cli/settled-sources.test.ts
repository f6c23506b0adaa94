import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MTIME_MARGIN_MS, compilerChangedSince } from '../../lib/cli/digests.js';
import { settledSources } from '../helpers/settled-sources.js';

describe("the test run's wait for the compiler's sources (global setup)", () => {
  it('returns once a process started then would trust a source saved just before: it was changed more than MTIME_MARGIN_MS before', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-sources-'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib', 'x.ts'), 'export {};\n');
    const saved = statSync(join(root, 'lib', 'x.ts')).mtimeMs;
    expect(await settledSources(root)).toBe(true);
    // what compilerRecentlyChanged asks in a process started now
    expect(compilerChangedSince(Date.now() - MTIME_MARGIN_MS, root)).toBe(false);
    expect(Date.now() - saved).toBeGreaterThan(MTIME_MARGIN_MS);
  });

  it('does not wait for sources changed long ago, nor forever for a source dated in the future', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stagecraft-sources-'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib', 'x.ts'), 'export {};\n');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'lib', 'x.ts'), old, old);
    expect(await settledSources(root)).toBe(false);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(join(root, 'lib', 'x.ts'), future, future);
    const start = Date.now();
    await settledSources(root, 300);
    expect(Date.now() - start).toBeLessThan(5_000);
  });
});
