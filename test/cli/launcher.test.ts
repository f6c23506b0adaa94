/**
 * The V8 flags `npm run synth` runs under (lib/cli/run.cjs): set by the launcher at run time for
 * a synthesis that renders little, and, for a large one that renders most apps, given on the
 * command line of a Node.js the launcher starts again, whose exit it ends with. Seen from outside,
 * by the code caches a start leaves: each is named for the flags it ran under
 * (lib/cli/start-flags.cjs). Real processes in a project of their own (its own node_modules/.cache).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_ENV } from '../../lib/synth/write.js';
import { compilerCopy, repoStage, rootCache } from '../helpers/cli.js';

const SYNTH_FLAGS = ['--interrupt-budget=1000000', '--always-sparkplug', '--no-turbo-inlining'];
const HEAP_FLAG = '--max-semi-space-size=4';

let base: string;
let project: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'stagecraft-launcher-'));
  project = compilerCopy(join(base, 'project'), { lab: repoStage('lab') });
  // the copy's sources settled: a start within 2 s of their change (the copy's) keeps no bundle
  // manifest and no render cache, so every start would render all and start Node.js again
  await new Promise((resolve) => setTimeout(resolve, 2100));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** `node lib/cli/run.cjs synth <args>` in the project, without NODE_OPTIONS. */
function synth(args: readonly string[], env: Record<string, string> = {}) {
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  return spawnSync(process.execPath, [join(project, 'lib', 'cli', 'run.cjs'), 'synth', ...args], {
    cwd: project,
    encoding: 'utf8',
    env: { ...inherited, ...env },
  });
}

/** The name start-flags.cjs gives the flags a process runs under: its command line's, NODE_OPTIONS (none here), the launcher's. */
function flagsName(commandLine: readonly string[], launcher: readonly string[]): string {
  const named = [commandLine, '', ...(launcher.length ? [launcher] : [])];
  return createHash('sha256').update(JSON.stringify(named)).digest('hex').slice(0, 16);
}

const cacheDir = () => rootCache(project);
/** The names of the flags the synth bundle's code caches were made under. */
const synthCaches = () => readdirSync(cacheDir()).flatMap((n) => /^synth\.([0-9a-f]{16})\.v8$/.exec(n)?.[1] ?? []);
/** The same of the fast path's bundle (lib/cli/fast.ts), which answers before the synth bundle loads. */
const fastCaches = () => readdirSync(cacheDir()).flatMap((n) => /^fast\.([0-9a-f]{16})\.v8$/.exec(n)?.[1] ?? []);
const removeSynthCaches = () => {
  for (const flags of synthCaches()) rmSync(join(cacheDir(), `synth.${flags}.v8`));
};

/** Makes the stage file large (comment lines: as quick to compile as before). */
function enlargeStageFile(bytes: number): void {
  appendFileSync(join(project, 'environments', 'lab.yaml'), `# ${'x'.repeat(98)}\n`.repeat(Math.ceil(bytes / 100)));
}

describe('the flags of npm run synth', () => {
  let first: ReturnType<typeof synth>;

  it('are set by the launcher when the stage files are small: the synthesis runs in the process npm started', () => {
    first = synth(['lab']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^lab: \d+ objects in \d+ files -> dist\/lab\/ \(new\)\n/);
    expect(synthCaches()).toEqual([flagsName([], SYNTH_FLAGS)]);
  });

  it('include a small young generation, given on the command line of a Node.js started again, for a large synthesis without a render cache', () => {
    enlargeStageFile(1024 * 1024);
    for (const d of ['.stagecraft', 'dist']) rmSync(join(project, d), { recursive: true, force: true });
    const r = synth(['lab']);
    // the same output as in the process npm started
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 0,
      stdout: first.stdout,
      stderr: first.stderr,
    });
    const again = flagsName([HEAP_FLAG, ...SYNTH_FLAGS], []);
    expect(synthCaches()).toContain(again);
    // the fast path answered no in the process npm started: the Node.js started again does not ask it again
    expect(fastCaches()).toEqual([flagsName([], SYNTH_FLAGS)]);
    // the render cache it left serves the next run, which stays in the process npm started
    removeSynthCaches();
    expect(synth(['lab']).status).toBe(0);
    expect(synthCaches()).toEqual([flagsName([], SYNTH_FLAGS)]);
    // told not to use the render cache, it renders everything: started again
    removeSynthCaches();
    expect(synth(['lab', '--no-cache']).status).toBe(0);
    expect(synthCaches()).toEqual([again]);
  });

  it('leave a choice made on the command line as it is: started with a young generation of its own, the synthesis is not started again', () => {
    rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    const own = ['--max-semi-space-size=8'];
    const r = spawnSync(process.execPath, [...own, join(project, 'lib', 'cli', 'run.cjs'), 'synth', 'lab'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(synthCaches()).toContain(flagsName(own, SYNTH_FLAGS));
  });

  it('leave an option the command line turns on as it is: with --turbo-inlining given, the launcher does not turn inlining off', () => {
    // a synthesis that renders little (the stage file is small, or the run above left a render cache): its launcher sets the flags
    const own = ['--turbo-inlining'];
    const r = spawnSync(process.execPath, [...own, join(project, 'lib', 'cli', 'run.cjs'), 'synth', 'lab'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(synthCaches()).toContain(
      flagsName(
        own,
        SYNTH_FLAGS.filter((f) => f !== '--no-turbo-inlining'),
      ),
    );
  });

  it('end as the Node.js started again ends: its exit code and problems, or the signal that killed it', () => {
    rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    const killed = synth(['lab'], { [CRASH_ENV]: 'staged-lab' });
    expect(killed.signal).toBe('SIGKILL');
    appendFileSync(join(project, 'environments', 'lab.yaml'), 'apps: [\n');
    rmSync(join(project, '.stagecraft'), { recursive: true, force: true });
    const wrong = synth(['lab']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/environments\/lab\.yaml:\d+:\d+/);
    expect(wrong.stdout).toBe('');
  });
});
