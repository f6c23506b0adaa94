/**
 * An app from the render cache is staged from the bytes of its YAML stream (lib/cli/render-cache.ts,
 * `encodeEntry`), never turned back into text: a synth that takes most apps from the cache must
 * write byte for byte what a synth without the cache writes, non-ASCII values included.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetStageFile } from '../../bench/fleet.js';
import { RENDER_CACHE_DIR } from '../../lib/cli/render-cache.js';
import { runCli, snapshotDir, tempProject } from '../helpers/cli.js';

/** A stage of `apps` fleet apps whose config holds non-ASCII text of 1, 2, 3 and 4 UTF-8 bytes a character. */
function stageFile(apps: number): string {
  return fleetStageFile('dev', apps).replace(/LOG_LEVEL: info/g, (_, i: number) => `LOG_LEVEL: "café ✓ 日本語 🚀 ${i}"`);
}

describe('apps staged from the render cache', () => {
  it('are the bytes a synth without the cache writes, when one app of many changed', () => {
    const cached = tempProject({ dev: stageFile(6) });
    expect(runCli('synth', [], cached).code).toBe(0);
    expect(readdirSync(join(cached, RENDER_CACHE_DIR)).filter((f) => f.endsWith('.pack'))).not.toEqual([]);
    // one app changed: the five others come from the cache
    const text = readFileSync(join(cached, 'environments', 'dev.yaml'), 'utf8').replace('replicas: 2', 'replicas: 3');
    writeFileSync(join(cached, 'environments', 'dev.yaml'), text);
    expect(runCli('synth', [], cached).code).toBe(0);
    const plain = tempProject({ dev: text });
    expect(runCli('synth', ['--no-cache'], plain).code).toBe(0);
    const written = snapshotDir(join(cached, 'dist'));
    expect(Object.values(written).join('')).toContain('café ✓ 日本語 🚀');
    expect(written).toEqual(snapshotDir(join(plain, 'dist')));
  });
});
