/**
 * The raw-cdk8s-to-JSON floor row (issue 19): the same fleet's objects built, resolved and written
 * as JSON by a plain cdk8s program (bench/floor-program.ts), started as a fresh process like the
 * synth rows. The program is bundled with esbuild as lib/cli/run.cjs bundles a command, so that
 * both start as plain JavaScript with packages loaded from node_modules.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ENVIRONMENTS_DIR, openProject, stageLoader } from '../lib/cli/project.js';
import { rootCacheDir, useRootCache } from '../lib/cli/root-cache.cjs';
import type { FloorInput } from './floor-program.js';
import type { Command } from './process.js';

/** The settings of every app of the project in `dir`, as stagecraft loads them: what a plain cdk8s program would hold as literals. */
export function floorInput(dir: string): FloorInput {
  return {
    stages: openProject(dir).stages.map((stage) => {
      const path = join(ENVIRONMENTS_DIR, `${stage}.yaml`);
      const { context, apps } = stageLoader().load(readFileSync(join(dir, path), 'utf8'), path);
      return { context, apps: apps.map(({ name, stack, settings }) => ({ name, stack, settings })) };
    }),
  };
}

/**
 * Bundles the floor program into `bench-floor.mjs` in the cache directory of the checkout at
 * `repo` (lib/cli/root-cache.cjs: below its node_modules, so that its packages resolve from there,
 * and its own, so that a bench of another checkout sharing node_modules never overwrites it), used
 * now as a start uses it, and returns its path.
 */
export async function bundleFloor(repo: string): Promise<string> {
  const packageJson = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  // as lib/cli/run.cjs: packages load natively, typebox is bundled
  const external = Object.keys({ ...packageJson.dependencies, ...packageJson.devDependencies }).filter((p) => p !== '@sinclair/typebox');
  const dir = rootCacheDir(repo);
  useRootCache(dir);
  const out = join(dir, 'bench-floor.mjs');
  await build({
    stdin: {
      contents: `import { runFloor } from './bench/floor-program.ts';\nrunFloor(process.argv.slice(2));\n`,
      resolveDir: repo,
      sourcefile: 'bench/floor.entry.ts',
      loader: 'ts',
    },
    outfile: out,
    absWorkingDir: repo,
    bundle: true,
    external,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return out;
}

/**
 * The command of the floor row for the project in `dir`: the input and the JSON go into a
 * directory of their own (`<tmp>/stagecraft-floor-*`), never into the project, whose inputs the
 * synth rows hash (4,000 JSON files left there made every later row slower). Call `clean` before
 * each run, `dispose` at the end.
 */
export function floorCommand(bundle: string, dir: string): { command: Command; clean: () => void; dispose: () => void } {
  const work = mkdtempSync(join(tmpdir(), 'stagecraft-floor-'));
  const input = join(work, 'floor-input.json');
  writeFileSync(input, JSON.stringify(floorInput(dir)));
  const out = join(work, 'out');
  return {
    // without the extra CA certificates Node.js would load at start, as the commands' npm scripts (lib/cli/run.cjs)
    command: { program: process.execPath, args: [bundle, input, out], cwd: dir, env: { NODE_EXTRA_CA_CERTS: '' } },
    clean: () => rmSync(out, { recursive: true, force: true }),
    dispose: () => rmSync(work, { recursive: true, force: true }),
  };
}
