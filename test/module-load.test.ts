import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

const TSX = import.meta.resolve('tsx');

/** The modules of lib/ (but the commands, which run when loaded) and apps/. */
function modules(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'cli' ? [] : modules(join(dir, e.name))) : e.name.endsWith('.ts') ? [join(REPO, dir, e.name)] : [],
  );
}

/**
 * Loads `files` in a fresh process whose fs reads are watched, and returns the files read that are
 * not code (module sources and their source maps are read by the loaders).
 */
function dataFilesReadWhileLoading(files: readonly string[]): string[] {
  const script = `
    import fs from 'node:fs';
    import { syncBuiltinESMExports } from 'node:module';
    const read = [];
    for (const name of ['readFileSync', 'readFile', 'openSync', 'createReadStream']) {
      const original = fs[name];
      fs[name] = function (path, ...rest) { read.push(String(path)); return original.call(this, path, ...rest); };
    }
    syncBuiltinESMExports();
    for (const f of ${JSON.stringify(files.map((f) => pathToFileURL(f).href))}) await import(f);
    console.log(JSON.stringify(read.filter((p) => !/\\.(ts|mjs|cjs|js|json|node|map)$/.test(p))));
  `;
  const r = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[];
}

describe('loading the modules of lib/ and apps/', () => {
  it('reads no file: data files are read on first use', () => {
    expect(dataFilesReadWhileLoading(modules('lib').concat(modules('apps')))).toEqual([]);
  });

  it('is watched by this test: a read at load is seen', () => {
    const reads = dataFilesReadWhileLoading([join(REPO, 'test/fixtures/reads-at-load.ts')]);
    expect(reads.some((p) => p.endsWith('api-resources.txt'))).toBe(true);
  });
});
