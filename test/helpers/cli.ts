/**
 * Running the CLI commands as users do, in a project directory of the test's choosing: in this
 * process, through the same `main` as `npm run <command>` (lib/cli/run.cjs), with the output
 * captured. test/cli/run.test.ts and test/cli/pipes.test.ts start real processes.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { atStep } from '../../lib/model/crash-point.cjs';
import { rootCacheDir } from '../../lib/cli/root-cache.cjs';
import { main, type Command, type Writer } from '../../lib/cli/main.js';
import { command as check } from '../../lib/cli/check.js';
import { command as diff } from '../../lib/cli/diff.js';
import { command as promote } from '../../lib/cli/promote.js';
import { command as secrets } from '../../lib/cli/secrets.js';
import { command as switchCommand } from '../../lib/cli/switch.js';
import { command as synth } from '../../lib/cli/synth.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const RUN_SCRIPT = join(REPO, 'lib', 'cli', 'run.cjs');

// each command's values type differs; main only passes them from parseArgs to the command
const COMMANDS: Record<string, Command<never>> = { check, diff, promote, secrets, switch: switchCommand, synth };

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Whether stdout and stderr are terminals (true: both), or which one of them is. */
  readonly tty?: boolean | 'stdout' | 'stderr';
  /** The command's clock (milliseconds). */
  readonly clock?: () => number;
  /** Its standard input: what is piped in, or a terminal. @default - none */
  readonly stdin?: string | Buffer | 'tty';
  /** What npm's log says npm was given (run as an npm script). @default - nothing known */
  readonly npmArguments?: readonly string[];
}

/** Runs the command `command` with `args` in `cwd`, as `npm run <command>` would, in this process. */
export function runCli(
  command: string,
  args: readonly string[] = [],
  cwd = REPO,
  env: NodeJS.ProcessEnv = {},
  { tty = false, clock, stdin, npmArguments }: RunOptions = {},
): CliResult {
  const cmd = COMMANDS[command];
  if (!cmd) throw new Error(`no command ${command}`);
  let stdout = '';
  let stderr = '';
  const out: Writer = { write: (t) => void (stdout += t), isTTY: tty === true || tty === 'stdout' };
  const err: Writer = { write: (t) => void (stderr += t), isTTY: tty === true || tty === 'stderr' };
  const input = stdin === undefined ? undefined : stdin === 'tty' ? { isTTY: true, read: () => Buffer.alloc(0) } : { read: piped(stdin) };
  const io = {
    cwd,
    env: { ...process.env, ...env },
    stdout: out,
    stderr: err,
    ...(clock ? { clock } : {}),
    npmArguments: () => npmArguments,
    ...(input ? { stdin: input } : {}),
  };
  const code = main(cmd, args, io);
  return { code, stdout, stderr };
}

/** A reader of `text` piped in: at most `max` bytes of it, as a pipe is read until its end. */
function piped(text: string | Buffer): (max: number) => Uint8Array {
  const bytes = Buffer.from(text);
  return (max) => bytes.subarray(0, max);
}

/** Runs `node lib/cli/run.cjs <command> <args>` as a real process (start-up, exit code, pipes). */
export function runProcess(
  command: string,
  args: readonly string[] = [],
  cwd = REPO,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [RUN_SCRIPT, command, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
}

/**
 * A temporary project: the given stage files (name -> YAML), the repo's project file
 * (stagecraft.yaml: the delivery defaults its stage files rely on), and optionally a copy of the repo's dist/.
 */
export function tempProject(stages: Record<string, string>, { copyDist = false } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-'));
  mkdirSync(join(dir, 'environments'));
  if (existsSync(join(REPO, 'stagecraft.yaml'))) cpSync(join(REPO, 'stagecraft.yaml'), join(dir, 'stagecraft.yaml'));
  for (const [name, text] of Object.entries(stages)) writeFileSync(join(dir, 'environments', `${name}.yaml`), text);
  if (copyDist) cpSync(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

/**
 * A project in `dir` holding a copy of the compiler (lib/, apps/, package.json and tsconfig.json,
 * with their times: lib/cli/run.cjs keeps the bundle it builds from files that are not new) and
 * node_modules of its own (its own .cache, so that the repository's bundles are left alone), the
 * installed packages linked in; with `stages` as its stage files (name -> YAML). With
 * `sharedNodeModules`, its node_modules is a link to that one instead (a second checkout of a
 * team's or a CI cache's install).
 */
export function compilerCopy(dir: string, stages: Record<string, string>, sharedNodeModules?: string): string {
  for (const p of ['lib', 'apps', 'package.json', 'tsconfig.json'])
    cpSync(join(REPO, p), join(dir, p), { recursive: true, preserveTimestamps: true });
  mkdirSync(join(dir, 'environments'));
  for (const [name, text] of Object.entries(stages)) writeFileSync(join(dir, 'environments', `${name}.yaml`), text);
  if (sharedNodeModules) {
    symlinkSync(sharedNodeModules, join(dir, 'node_modules'));
    return dir;
  }
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(REPO, 'node_modules'))) {
    if (e === '.cache') continue;
    const link = join(dir, 'node_modules', e);
    symlinkSync(join(REPO, 'node_modules', e), link);
    // as old as what it links to: what npm installed is a compiler input, and a new one means the compiler just changed
    const installed = statSync(link);
    lutimesSync(link, installed.atime, installed.mtime);
  }
  return dir;
}

/** The cache directory of the compiler checked out at `root`: its bundles, their manifests and code caches (lib/cli/root-cache.cjs). */
export const rootCache = (root: string): string => rootCacheDir(root);

/** Every file below `dir`, as relative paths with `/`, sorted (symbolic links followed: for the tests' own directories). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

/** Every file below `dir` with its bytes, to compare a directory before and after. */
export function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/**
 * A stage file the compiler's tests use: a frozen copy of an example stage as it was, from
 * test/fixtures/examples/ (not environments/), so that adding, changing or removing the example
 * stages leaves these tests alone.
 */
export function repoStage(name: string): string {
  return readFileSync(join(REPO, 'test', 'fixtures', 'examples', `${name}.yaml`), 'utf8');
}

/**
 * The example stage lab on a cluster and edge machines of its own (192.168.123.x for 192.168.122.x),
 * for a second stage beside lab: two stages on lab's nodes and edge machines are refused
 * (lib/edge/across-stages.ts).
 */
export const labElsewhere = (): string => repoStage('lab').replaceAll('192.168.122.', '192.168.123.');

/** A synthesized project where `npm run promote -- test qa` has a release to promote (test's demoapp:1.2 over qa's demoapp:1). */
export function promotableProject(): string {
  const dir = tempProject({
    dev: repoStage('dev'),
    test: repoStage('test').replace('image: demoapp:1\n', 'image: demoapp:1.2\n'),
    qa: repoStage('qa'),
  });
  const r = runCli('synth', [], dir);
  if (r.code !== 0) throw new Error(`promotableProject: synth failed: ${r.stderr}`);
  return dir;
}

/** A temporary project holding the fixture copies of the example stages `names`. */
export function fixtureProject(names: readonly string[], options: { copyDist?: boolean } = {}): string {
  return tempProject(Object.fromEntries(names.map((n) => [n, repoStage(n)])), options);
}

/** The lines of a command's stderr that are not warnings (or their hints): what made it fail. */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => l !== '' && !/^(\S+: )?warning: /.test(l) && !/^\d+ warnings? in all; /.test(l) && !l.startsWith('  hint: '));
}

/** Writes planned output (stage -> files) below `distDir` as it is, for tools that read a directory (kubectl, the referee). */
export function writeTree(distDir: string, tree: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  for (const [stage, files] of tree) {
    for (const [rel, content] of files) {
      mkdirSync(dirname(join(distDir, stage, rel)), { recursive: true });
      writeFileSync(join(distDir, stage, rel), content);
    }
  }
}

/**
 * Runs `command` in this process, saving `saved` into `stage`'s file (as an editor would, taking no
 * lock) at its write step `step` (by default once it has planned its edit, `edit-planned`; `journal`:
 * once its journal is written, just before its renames), and checks that it refuses (exit 1,
 * `edit/changed`) and writes nothing: the saved file stays, dist/ is as it was, nothing is left staged.
 */
export function expectRefusedWhenSavedMeanwhile(
  dir: string,
  stage: string,
  saved: string,
  command: string,
  args: readonly string[],
  step = 'edit-planned',
): void {
  const file = join(dir, 'environments', `${stage}.yaml`);
  let reached = false;
  const cancel = atStep(step, () => {
    reached = true;
    writeFileSync(file, saved);
  });
  try {
    const before = snapshotDir(join(dir, 'dist'));
    expect(runCli(command, args, dir)).toMatchObject({
      code: 1,
      stderr:
        `environments/${stage}.yaml: error: changed while the command ran, so writing its edit of the file as it was read would undo that change\n` +
        '  hint: run the command again, which reads the file as it is now\n' +
        '1 problem; nothing was written.\n',
    });
    expect(reached, step).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(saved);
    expect(snapshotDir(join(dir, 'dist'))).toEqual(before);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(join(dir, '.stagecraft', 'journal.json'))).toBe(false);
  } finally {
    cancel();
  }
}

/**
 * Root, where it may make a mount namespace of its own (unshare -m): a container without CAP_SYS_ADMIN may not.
 * STAGECRAFT_TEST_NO_MOUNT=1 says no, so that the tests' paths for such a machine run here too.
 */
export const canMount =
  !process.env.STAGECRAFT_TEST_NO_MOUNT &&
  process.getuid?.() === 0 &&
  spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;

/**
 * Runs the shell line `script` in a mount namespace of its own (what it mounts is gone with it), in
 * `cwd`, with `$0` the node binary and `$1` lib/cli/run.cjs (`"$0" "$1" synth`); `env` is added to the environment.
 */
export function inMountNamespace(
  script: string,
  { cwd, env = {} }: { cwd?: string; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  return spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, process.execPath, RUN_SCRIPT], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
}
