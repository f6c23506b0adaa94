/**
 * The bundles of lib/cli/bundle-files.cjs, their manifests and V8's code caches of them are each
 * written beside their place and renamed into it; each staging file is created anew, so that a link
 * planted or left at that name is never written through nor renamed into place.
 */
import { createRequire } from 'node:module';
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFlags } from '../../lib/cli/start-flags.cjs';

/** The launcher's plain JavaScript, which has no declaration file: what these tests call of it. */
const { buildBanner, current, readCodeCache, writeCodeCache } = createRequire(import.meta.url)('../../lib/cli/bundle-files.cjs') as {
  buildBanner(build: string): string;
  current(
    dir: string,
    name: string,
    key: string,
    make: (out: string, build: string) => Promise<{ inputs: string[]; code: string }>,
  ): Promise<{ manifest: { build: string }; rebuilt: boolean }>;
  readCodeCache(dir: string, name: string, identity: string): Buffer | undefined;
  writeCodeCache(dir: string, name: string, identity: string, data: Buffer): void;
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh directory holding `elsewhere.txt`, the file links are planted to; returns both. */
function withTarget() {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-files-'));
  dirs.push(dir);
  const elsewhere = join(dir, 'elsewhere.txt');
  writeFileSync(elsewhere, 'not a bundle\n');
  return { dir, elsewhere };
}

describe('the staging files of a bundle', () => {
  it('are written anew where links stand at the names of the bundle and of its manifest: the file they lead to keeps its bytes', async () => {
    const { dir, elsewhere } = withTarget();
    for (const name of ['app.cjs', 'app.json']) symlinkSync(elsewhere, join(dir, `${name}.${process.pid}.tmp`));
    const code = (_out: string, build: string) => `${buildBanner(build)}module.exports = 1;\n`;
    const { manifest } = await current(dir, 'app', 'k', async (out, build) => ({ inputs: [], code: code(out, build) }));
    expect(readFileSync(elsewhere, 'utf8')).toBe('not a bundle\n');
    expect(lstatSync(join(dir, 'app.cjs')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'app.cjs'), 'utf8')).toBe(code('', manifest.build));
    expect(lstatSync(join(dir, 'app.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'app.json'), 'utf8')).build).toBe(manifest.build);
  });
});

describe('the staging file of a code cache', () => {
  it('is written anew where a link stands at its name: the file the link leads to keeps its bytes, and the cache reads back', () => {
    const { dir, elsewhere } = withTarget();
    const file = join(dir, `app.${startFlags()}.v8`);
    symlinkSync(elsewhere, `${file}.${process.pid}.tmp`);
    writeCodeCache(dir, 'app', 'identity', Buffer.from('data'));
    expect(readFileSync(elsewhere, 'utf8')).toBe('not a bundle\n');
    expect(lstatSync(file).isFile()).toBe(true);
    expect(Buffer.from(readCodeCache(dir, 'app', 'identity') ?? []).toString()).toBe('data');
  });
});
