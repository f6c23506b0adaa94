/**
 * A worker thread's render cache on a full disk: a stage worker stages its stage's files (lib/cli/stage-workers.ts)
 * before it hands back the pack it wrote rendering them, and what a write refused for want of room may give up
 * is the thread's own (lib/synth/full-disk.ts): the worker's cache registers its packs there. Run in this
 * thread, with no main thread's cache, as a worker's thread has none.
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDER_CACHE_DIR, workerRenderCache } from '../../lib/cli/render-cache.js';
import { withRoom } from '../../lib/synth/full-disk.js';
import type { KeptApp } from '../../lib/synth/rendered.js';

const app = { serialized: { digests: [], file: 'x.yaml', stream: 'kind: X\n' }, summary: { heads: [] } } as unknown as KeptApp;
const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });

describe("a worker's render cache when a staged file finds the disk full", () => {
  it('gives up the pack it is writing, the write is made once more, and the refusal is handed back for the one warning', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stagecraft-worker-cache-')), RENDER_CACHE_DIR);
    mkdirSync(dir, { recursive: true });
    const staging = mkdtempSync(join(dir, '.staging-test-'));
    const cache = workerRenderCache({ dir, salt: 'salt', staging });
    cache.set('an app', app);
    expect(readdirSync(staging)).toHaveLength(1);
    let tries = 0;
    expect(
      withRoom(() => {
        if (tries++ === 0) throw noSpace();
        return 'written';
      }),
    ).toBe('written');
    expect(readdirSync(staging)).toEqual([]);
    // nothing more is written, and nothing is handed back to be put in place
    cache.set('another app', app);
    expect(readdirSync(staging)).toEqual([]);
    const taken = cache.take();
    expect(taken.packs).toEqual([]);
    expect(taken.refused).toEqual({ code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' });
    // given up once: a later full disk is the error
    expect(() =>
      withRoom(() => {
        throw noSpace();
      }),
    ).toThrow('ENOSPC');
  });

  it('frees nothing, and says so, when it wrote no pack', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stagecraft-worker-cache-')), RENDER_CACHE_DIR);
    mkdirSync(dir, { recursive: true });
    workerRenderCache({ dir, salt: 'salt', staging: mkdtempSync(join(dir, '.staging-test-')) });
    expect(() =>
      withRoom(() => {
        throw noSpace();
      }),
    ).toThrow('ENOSPC');
  });
});
