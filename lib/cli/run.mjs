// Starts a command (`node lib/cli/run.mjs synth --stage lab` runs lib/cli/synth.ts) fast: the
// command's TypeScript sources are bundled into one JavaScript module by esbuild and cached in
// node_modules/.cache/stagecraft/, rebuilt when any source changes, when the project is at another
// absolute path (the bundle has the paths of its sources written in), or when Node.js or an
// installed package changes version; packages (but typebox) load natively from node_modules.
// Plain JavaScript, because it runs before anything can compile TypeScript. The command sets the
// exit code and the process ends once its output has drained (lib/cli/process.ts).
//
// Why: `node --import tsx` sends every module, node_modules included, through loader hooks on
// another thread; for this compiler that was about 1 s of a 1.5 s synthesis (bench/README.md).
// `node --import tsx lib/cli/<command>.ts` still works and runs the same code.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'stagecraft');
const SELF = fileURLToPath(import.meta.url);
/** Files modified this recently before a build may have changed while it read them. */
const MTIME_MARGIN_MS = 2000;
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
// packages load from node_modules, except typebox: hundreds of small ES modules (0.1-0.2 s to
// load one by one), and no files of its own to read, so it is safe to bundle
const EXTERNAL = Object.keys({ ...PACKAGE.dependencies, ...PACKAGE.devDependencies }).filter((p) => p !== '@sinclair/typebox');

/** The commands: the npm scripts that start through this file. */
const COMMANDS = Object.values(PACKAGE.scripts ?? {}).flatMap((s) => /^node lib\/cli\/run\.mjs ([a-z][a-z-]*)$/.exec(s)?.[1] ?? []);

/**
 * What a bundle depends on besides its sources: where the project is (the bundle holds absolute
 * paths), the Node.js version and the installed version of every package it uses.
 */
let key;
function environmentKey() {
  if (key) return key;
  const versions = Object.fromEntries(
    ['esbuild', '@sinclair/typebox', ...EXTERNAL].map((p) => {
      try {
        return [p, JSON.parse(readFileSync(join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version];
      } catch {
        return [p, 'missing'];
      }
    }),
  );
  key = JSON.stringify({ root: ROOT, node: process.version, packages: versions });
  return key;
}

/** `path -> "mtime size"` of the files a bundle was built from (and of this launcher). */
function stamp(files) {
  return Object.fromEntries(
    files.map((f) => {
      const st = statSync(join(ROOT, f), { throwIfNoEntry: false });
      return [f, st ? `${st.mtimeMs} ${st.size}` : 'missing'];
    }),
  );
}

function isCurrent(manifestFile, key) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return false; // no bundle yet
  }
  if (manifest.key !== key || typeof manifest.files !== 'object') return false;
  const now = stamp(Object.keys(manifest.files));
  return Object.entries(manifest.files).every(([f, s]) => now[f] === s);
}

/**
 * Bundles `entry` into `out` and returns the files it was built from. Modules that find files
 * next to themselves (`import.meta.url`) get their own URL written in, so that they find the same
 * files from inside the bundle.
 */
async function bundle(name, contents, out) {
  const { build } = await import('esbuild');
  const { metafile } = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `lib/cli/${name}.entry.ts`, loader: 'ts' },
    outfile: out,
    absWorkingDir: ROOT,
    bundle: true,
    external: EXTERNAL,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    plugins: [
      {
        name: 'import-meta-url',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, (args) => ({
            loader: 'ts',
            contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
          }));
        },
      },
    ],
  });
  return [...Object.keys(metafile.inputs).filter((f) => f !== '<stdin>'), relative(ROOT, SELF), 'tsconfig.json', 'package.json'];
}

// Node.js 22.1+ keeps compiled code of the modules loaded from here on (node_modules included) on disk; Node.js 20 has no such cache
module.enableCompileCache?.();

/**
 * Commands that may answer before the compiler loads (lib/cli/fast.ts: nothing changed since the
 * last full synth), from a small bundle of their own.
 */
const FAST = ['check', 'synth'];

/** Builds the bundle `name` of the module text `contents` unless it is current, and imports it. */
async function load(name, contents) {
  const out = join(CACHE, `${name}.mjs`);
  const manifestFile = join(CACHE, `${name}.json`);
  const key = environmentKey();
  if (!isCurrent(manifestFile, key)) {
    // each file written beside and renamed into place, the manifest last, so that a command
    // starting at the same time never reads half a bundle or a manifest of another bundle
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `.${process.pid}.tmp`;
    const started = Date.now();
    const inputs = await bundle(name, contents, out + tmp);
    renameSync(out + tmp, out);
    const stamps = stamp(inputs);
    // a file saved while (or just before) esbuild read it may be in the bundle in its older form:
    // then write no manifest, and the next start bundles again (mtimes can be coarse, hence the margin)
    const settled = Object.values(stamps).every((s) => s === 'missing' || Number(s.split(' ')[0]) < started - MTIME_MARGIN_MS);
    if (settled) {
      writeFileSync(manifestFile + tmp, JSON.stringify({ key, files: stamps }));
      renameSync(manifestFile + tmp, manifestFile);
    }
  }
  return import(pathToFileURL(out).href);
}

/** Runs `command`: its answer from lib/cli/fast.ts when there is one, else the command from its bundle. */
async function start(command) {
  const argv = process.argv.slice(3);
  if (FAST.includes(command)) {
    const fast = await load('fast', `export { runFast } from './lib/cli/fast.ts';\n`);
    if (fast.runFast(command, argv)) return;
  }
  // the command and what starts it: nothing in lib/cli/<command>.ts runs on import
  const bundled = await load(
    command,
    `export { command } from './lib/cli/${command}.ts';\nexport { runAsProcess } from './lib/cli/process.ts';\n`,
  );
  // the command sets process.exitCode; the process ends when its output has drained
  bundled.runAsProcess(bundled.command, argv);
}

const command = process.argv[2];
if (COMMANDS.includes(command)) {
  await start(command);
} else {
  process.stderr.write(
    `error: ${command ? `there is no command '${command}'` : 'no command given'}\n` +
      `Usage: node lib/cli/run.mjs <command> [arguments]; the commands are: ${COMMANDS.join(', ')}\n`,
  );
  process.exitCode = 2;
}
