/**
 * A bundle replaced while a start runs it (lib/cli/run.cjs): another start of the same checkout,
 * after a source changed, may rename its new build of a command's bundle into place at any moment
 * (other checkouts sharing node_modules write only their own directories:
 * test/cli/shared-node-modules.test.ts). The main thread runs only the build it checked, and a
 * stage worker, which loads the bundle file again, serves stages only when it loaded that build.
 * The other start's rename is injected at the moment in question by a module preloaded with
 * `--require` (no timing). Real processes in a project of their own (its own node_modules/.cache).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_ENV } from '../../lib/synth/write.js';
import { REPO, compilerCopy, repoStage, rootCache } from '../helpers/cli.js';
import { runNotingFsyncs } from '../helpers/fsync-log.js';

let base: string;
let project: string;

/**
 * What the other start does, preloaded: at the REPLACE_AT-th opening of the synth bundle by
 * `fs.openSync` in a thread (before it, or with REPLACE_AFTER just after it), it renames another
 * build of the bundle into its place. That build is the same code with another
 * build id, and first notes in MARKER that it runs. With EVICT_TO, it renames the bundle's whole
 * directory there instead, as another checkout's start evicting it does (lib/cli/root-cache.cjs).
 */
const PRELOAD = `
const fs = require('node:fs');
const target = process.env.REPLACE_BUNDLE;
const open = fs.openSync;
let opened = 0;
fs.openSync = function (path, ...rest) {
  if (path !== target || ++opened !== Number(process.env.REPLACE_AT)) return open.call(this, path, ...rest);
  // REPLACE_AFTER: once this opening has the file that was there
  const fd = process.env.REPLACE_AFTER ? open.call(this, path, ...rest) : undefined;
  if (process.env.EVICT_TO) fs.renameSync(require('node:path').dirname(target), process.env.EVICT_TO);
  else {
    const text = fs.readFileSync(target, 'latin1');
    const [banner, mark] = text.split('\\n', 2);
    const other = banner.replace(/build \\S+$/, 'build another-build') + '\\n' + mark.replace(/= .*;$/, '= "another-build";') + '\\n' +
      'require("node:fs").appendFileSync(process.env.MARKER, "ran\\\\n");' + text.slice(banner.length + mark.length + 2);
    fs.writeFileSync(target + '.other', other, 'latin1');
    fs.renameSync(target + '.other', target);
  }
  return fd ?? open.call(this, path, ...rest);
};
`;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-replaced-bundle-'));
  project = compilerCopy(join(base, 'project'), { lab: repoStage('lab'), raspberry: repoStage('raspberry') });
  writeFileSync(join(base, 'preload.cjs'), PRELOAD);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const bundle = () => join(rootCache(project), 'synth.cjs');
const marker = () => join(base, 'marker');

/** `node lib/cli/run.cjs synth` in the project, the synth bundle replaced at its `replaceAt`-th opening (0: never). */
function synth(replaceAt: number, env: Record<string, string> = {}) {
  // a change of a stage file: the fast path declines, and the synth bundle runs
  appendFileSync(join(project, 'environments', 'lab.yaml'), '# edited\n');
  rmSync(marker(), { force: true });
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  return spawnSync(process.execPath, ['--require', join(base, 'preload.cjs'), join(project, 'lib', 'cli', 'run.cjs'), 'synth'], {
    cwd: project,
    encoding: 'utf8',
    env: { ...inherited, REPLACE_BUNDLE: bundle(), REPLACE_AT: String(replaceAt), MARKER: marker(), ...env },
  });
}

describe('a bundle replaced by another start of the checkout', () => {
  beforeAll(async () => {
    // the copy's sources settled (2 s), so that the bundle built now gets its manifest, and a start checks it (builtAs)
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const warm = synth(0);
    expect(warm.status, warm.stderr).toBe(0);
  });

  /** The other build is in the bundle's place (the test's own premise). */
  const replaced = () => expect(readFileSync(bundle(), 'latin1')).toMatch(/^\/\/ stagecraft build another-build\n/);

  it('is not run when it is renamed into place between the check of the bundle and the reading of its text', () => {
    // the first opening checks the bundle's first line (builtAs), the second reads it to run it
    const r = synth(2);
    replaced();
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(marker())).toBe(false);
    expect(r.stdout).toMatch(/^lab: .*-> dist\/lab\//m);
    // the command's own build ran, and wrote what it compiles
    const check = spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), 'check'], { cwd: project, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('is not run by a stage worker, which loads the bundle file after the main thread ran its own', () => {
    // replaced just after the main thread's reading of it; with one worker the main thread takes
    // no stage, and a worker of the other build would serve them and fail as a bug would
    // (CRASH_ENV): it serves none, and the main thread compiles them
    const r = synth(2, { STAGECRAFT_WORKERS: '1', [CRASH_ENV]: 'worker-throw-lab', REPLACE_AFTER: '1' });
    expect(r.stderr).not.toMatch(/internal error|a bug in a worker/);
    replaced();
    expect(r.status, r.stderr).toBe(0);
  });

  it("is built again in a directory of the process's own when its directory is evicted between the check of the bundle and the reading of its text", () => {
    const away = join(base, 'evicted');
    const r = synth(2, { EVICT_TO: away });
    expect(existsSync(join(away, 'synth.cjs'))).toBe(true);
    rmSync(away, { recursive: true, force: true });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lab: .*-> dist\/lab\//m);
    // the next start builds the checkout's bundles again in its directory
    const check = spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), 'check'], { cwd: project, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(existsSync(join(rootCache(project), 'fast.cjs'))).toBe(true);
  });
});

describe('a bundle cut short (a crash of the machine before its blocks reached the disk)', () => {
  it('is built again in its place, not run: its first line is intact, and it no longer compiles', async () => {
    // settled sources (2 s), so that the bundle built gets its manifest
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const warm = synth(0);
    expect(warm.status, warm.stderr).toBe(0);
    const whole = readFileSync(bundle());
    writeFileSync(bundle(), whole.subarray(0, Math.floor(whole.length / 2)));
    const r = synth(0);
    expect(r.stderr).not.toMatch(/internal error|SyntaxError/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lab: .*-> dist\/lab\//m);
    expect(readFileSync(bundle(), 'latin1')).toMatch(/\n$/);
    expect(readFileSync(bundle()).length).toBeGreaterThan(whole.length / 2);
  });

  it('is never renamed into place before its bytes are on the disk (fsync): a crash can keep its size and zero its tail, which no check at start sees', () => {
    const dir = mkdtempSync(join(base, 'bundles-'));
    // lib/cli/bundle-files.cjs building a bundle 'x' in dir, as run.cjs does
    const script = `require(${JSON.stringify(join(REPO, 'lib/cli/bundle-files.cjs'))}).current(${JSON.stringify(dir)}, 'x', 'key', async (out, build) => ({ inputs: [], code: '// stagecraft build ' + build + '\\n1;\\n' }))`;
    const r = runNotingFsyncs(['-e', script], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.flushedBeforeRename(join(dir, `x.cjs.${r.pid}.tmp`))).toBe(true);
  });
});
