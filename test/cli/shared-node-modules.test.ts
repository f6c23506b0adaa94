/**
 * Checkouts that share one node_modules (a worktree or clone whose node_modules links to another's,
 * as teams and CI caches share installs), each with a cache directory of its own in it
 * (lib/cli/root-cache.cjs): they start alternately without rebuilding each other's bundles, a stage
 * worker never loads another checkout's build, and a start that evicts directories leaves the one
 * a running start uses. Real processes; what another checkout's start does while one runs is
 * injected, at the moment in question, by a module preloaded with `--require` (no timing).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as RootCache from '../../lib/cli/root-cache.cjs';
import { compilerCopy, listFiles, repoStage } from '../helpers/cli.js';

const { MAX_ROOTS, rootCacheDir } = createRequire(import.meta.url)('../../lib/cli/root-cache.cjs') as typeof RootCache;

let base: string;
/** Two checkouts: `a` with node_modules of its own, `b` and `c` with links to a's. */
let a: string;
let b: string;
let c: string;

/**
 * What another checkout does, preloaded: when this start's main thread, having run its synth
 * bundle, starts its first stage worker (which runs the bundles again), `OTHER_ROOT`'s start
 * runs to its end first; before it, with `CROWD`, that many other checkouts' directories are in
 * the cache, last used 10 minutes ago, and this one's `OWN_AGE` seconds ago, longer: it is the
 * least recently used (its directory: `OWN_DIR`).
 */
const PRELOAD = `
const fs = require('node:fs');
const { join } = require('node:path');
const threads = require('node:worker_threads');
if (threads.isMainThread) {
  const { Worker } = threads;
  let first = true;
  threads.Worker = class extends Worker {
    constructor(url, ...rest) {
      if (first) {
        first = false;
        const crowd = Number(process.env.CROWD || 0);
        const ago = (s) => Date.now() / 1000 - s;
        for (let i = 0; i < crowd; i++) {
          const dir = join(process.env.CACHE, 'root-' + String(i).padStart(16, '0'));
          fs.mkdirSync(dir, { recursive: true });
          fs.utimesSync(dir, ago(600), ago(600));
        }
        if (crowd) fs.utimesSync(process.env.OWN_DIR, ago(Number(process.env.OWN_AGE)), ago(Number(process.env.OWN_AGE)));
        const { NODE_OPTIONS, CROWD, OWN_AGE, OWN_DIR, ...env } = process.env;
        require('node:child_process').spawnSync(process.execPath, [join(process.env.OTHER_ROOT, 'lib', 'cli', 'run.cjs'), 'synth'], {
          cwd: process.env.OTHER_ROOT, stdio: 'ignore', env,
        });
      }
      super(url, ...rest);
    }
  };
}
`;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-shared-node-modules-'));
  a = compilerCopy(join(base, 'a'), { lab: repoStage('lab') });
  b = compilerCopy(join(base, 'b'), { lab: repoStage('lab') }, join(a, 'node_modules'));
  c = compilerCopy(join(base, 'c'), { lab: repoStage('lab') }, join(a, 'node_modules'));
  writeFileSync(join(base, 'preload.cjs'), PRELOAD);
  // the copies' sources settled (2 s), so that the bundles built now get their manifests
  await new Promise((resolve) => setTimeout(resolve, 2100));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** The shared node_modules/.cache/stagecraft/. */
const cache = () => join(a, 'node_modules', '.cache', 'stagecraft');

/** `node lib/cli/run.cjs synth` in the checkout `root` after an edit of its stage file (so that the synth bundle runs), with `env`. */
function synth(root: string, env: Record<string, string> = {}, preload = false) {
  appendFileSync(join(root, 'environments', 'lab.yaml'), '# edited\n');
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  return spawnSync(
    process.execPath,
    [...(preload ? ['--require', join(base, 'preload.cjs')] : []), join(root, 'lib', 'cli', 'run.cjs'), 'synth'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...inherited, ...env },
    },
  );
}

/** The build id of every bundle manifest in the shared cache, in whichever directory. */
function builds(): Set<string> {
  const manifests = listFiles(cache()).filter((f) => f.endsWith('.json') && !f.endsWith('digests.json'));
  return new Set(manifests.map((f) => (JSON.parse(readFileSync(join(cache(), f), 'utf8')) as { build: string }).build));
}

describe('checkouts sharing one node_modules', () => {
  it("start alternately without building each other's bundles again", () => {
    for (const root of [a, b]) expect(synth(root).status).toBe(0);
    const first = builds();
    // each its own: the fast path's and synth's, each with its packages' bundle
    expect(first.size).toBe(8);
    for (let round = 0; round < 2; round++) {
      for (const root of [a, b]) {
        const r = synth(root);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\//m);
      }
    }
    expect(builds()).toEqual(first);
  });

  it("keep each the digests of its own compiler's files", () => {
    const kept = listFiles(cache())
      .filter((f) => f.endsWith('digests.json'))
      .map((f) => Object.keys((JSON.parse(readFileSync(join(cache(), f), 'utf8')) as { files: object }).files));
    for (const root of [a, b])
      expect(kept.some((paths) => paths.length > 0 && paths.every((p) => p.startsWith(join(root, '/'))))).toBe(true);
  });

  it('are not held up by the leases and eviction markers of running processes that an earlier version left in their directories', () => {
    const own = rootCacheDir(b);
    rmSync(own, { recursive: true, force: true });
    mkdirSync(own, { recursive: true });
    // PID 1 always runs
    for (const name of ['.evicting.1', '.in-use.1']) writeFileSync(join(own, name), '');
    const r = synth(b);
    expect(r.status, r.stderr).toBe(0);
    // its bundles built in its directory, not in a temporary one
    for (const bundle of ['fast.cjs', 'synth.cjs', 'synth.json']) expect(existsSync(join(own, bundle))).toBe(true);
  });

  it("never have a stage worker load another checkout's build, one made before workers checked the build they loaded", () => {
    // b's compiler: its stage workers serve whatever build they loaded, and note the process they run in
    const workers = join(b, 'lib', 'cli', 'worker-serve.ts');
    const text = readFileSync(workers, 'utf8');
    expect(text).toContain('if (input.build === bundleBuild())');
    writeFileSync(
      workers,
      `import { appendFileSync as noteRun } from 'node:fs';\n${text.replace(
        'if (input.build === bundleBuild())',
        'noteRun(process.env.MARKER!, String(process.pid) + "\\n");\n  if (input.build || true)',
      )}`,
    );
    const marker = join(base, 'marker');
    // b's stage file changed too: its start compiles, in a worker
    appendFileSync(join(b, 'environments', 'lab.yaml'), '# edited\n');
    const r = synth(a, { STAGECRAFT_WORKERS: '1', MARKER: marker, OTHER_ROOT: b }, true);
    expect(r.stderr).not.toMatch(/internal error|a bug in a worker/);
    expect(r.status, r.stderr).toBe(0);
    const ran = readFileSync(marker, 'utf8').split('\n').filter(Boolean);
    // b's build ran, in b's own worker, and in none of a's
    expect(ran.length).toBeGreaterThan(0);
    expect(ran).not.toContain(String(r.pid));
  });

  it("never lose the directory of a running start to another's eviction, even the least recently used", () => {
    const own = rootCacheDir(a);
    expect(synth(a).status).toBe(0);
    const before = JSON.parse(readFileSync(join(own, 'synth.json'), 'utf8')) as { build: string };
    // c's first start makes its directory and evicts beyond the bound, while a's runs with its
    // directory used an hour ago, before every other: over the bound, but not idle for a day
    const env = { STAGECRAFT_WORKERS: '1', OTHER_ROOT: c, CACHE: cache(), CROWD: String(MAX_ROOTS), OWN_AGE: '3600', OWN_DIR: own };
    const r = synth(a, env, true);
    expect(r.stderr).not.toMatch(/internal error|a bug in a worker/);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(rootCacheDir(c))).toBe(true);
    const roots = readdirSync(cache()).filter((n) => n.startsWith('root-'));
    // a's, b's, c's and the others': none idle for a day
    expect(roots).toHaveLength(MAX_ROOTS + 3);
    expect(roots).toContain(own.split('/').pop());
    expect(JSON.parse(readFileSync(join(own, 'synth.json'), 'utf8'))).toMatchObject({ build: before.build });
  });
});
