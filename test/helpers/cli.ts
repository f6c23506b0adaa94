/** Running the CLI commands as users do, in a project directory of the test's choosing. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles } from '../../lib/synth/write.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lib/cli/<command>.ts` with `args` in `cwd`, as `npm run <command>` would. */
export function runCli(command: string, args: readonly string[] = [], cwd = REPO, env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', TSX, join(REPO, 'lib/cli', `${command}.ts`), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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

/** Every file below `dir` with its bytes, to compare a directory before and after. */
export function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(listFiles(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

/** The text of a stage file in the repo. */
/**
 * A stage file the compiler's tests use: a frozen copy of an example stage as it was, from
 * test/fixtures/examples/ (not environments/), so that adding, changing or removing the example
 * stages leaves these tests alone.
 */
export function repoStage(name: string): string {
  return readFileSync(join(REPO, 'test', 'fixtures', 'examples', `${name}.yaml`), 'utf8');
}

/** A temporary project holding the fixture copies of the example stages `names`. */
export function fixtureProject(names: readonly string[], options: { copyDist?: boolean } = {}): string {
  return tempProject(Object.fromEntries(names.map((n) => [n, repoStage(n)])), options);
}

/** The lines of a command's stderr that are not warnings (or their hints): what made it fail. */
export function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: ') && !l.startsWith('  hint: '));
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
