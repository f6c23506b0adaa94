// Starts a command (`node lib/cli/run.mjs synth --stage lab` runs lib/cli/synth.ts) fast: the
// command's TypeScript sources are bundled into one JavaScript module by esbuild and cached in
// node_modules/.cache/stagecraft/, rebuilt when any source changes; packages (but typebox) load
// natively from node_modules. Plain JavaScript, because it runs before anything can compile TypeScript.
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

/** `path -> "mtime size"` of the files a bundle was built from (and of this launcher). */
function stamp(files) {
  return Object.fromEntries(files.map((f) => {
    const st = statSync(join(ROOT, f), { throwIfNoEntry: false });
    return [f, st ? `${st.mtimeMs} ${st.size}` : 'missing'];
  }));
}

function isCurrent(manifestFile) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return false; // no bundle yet
  }
  const now = stamp(Object.keys(manifest));
  return Object.entries(manifest).every(([f, s]) => now[f] === s);
}

/**
 * Bundles `entry` into `out` and returns the files it was built from. Modules that find files
 * next to themselves (`import.meta.url`) get their own URL written in, so that they find the same
 * files from inside the bundle.
 */
async function bundle(entry, out) {
  const { build } = await import('esbuild');
  const { metafile } = await build({
    entryPoints: [entry],
    outfile: out,
    absWorkingDir: ROOT,
    bundle: true,
    external: EXTERNAL,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    plugins: [{
      name: 'import-meta-url',
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, (args) => ({
          loader: 'ts',
          contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        }));
      },
    }],
  });
  return [...Object.keys(metafile.inputs), relative(ROOT, SELF), 'tsconfig.json', 'package.json'];
}

// Node.js 22.1+ keeps compiled code of the modules loaded from here on (node_modules included) on disk; Node.js 20 has no such cache
module.enableCompileCache?.();

const command = process.argv[2];
if (!command || !/^[a-z][a-z-]*$/.test(command)) {
  process.stderr.write('Usage: node lib/cli/run.mjs <command> [arguments] (a file lib/cli/<command>.ts)\n');
  process.exit(2);
}
const entry = join(ROOT, 'lib', 'cli', `${command}.ts`);
const out = join(CACHE, `${command}.mjs`);
const manifestFile = join(CACHE, `${command}.json`);
if (!isCurrent(manifestFile)) {
  // each file written beside and renamed into place, the manifest last, so that a command
  // starting at the same time never reads half a bundle or a manifest of another bundle
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `.${process.pid}.tmp`;
  const started = Date.now();
  const inputs = await bundle(entry, out + tmp);
  renameSync(out + tmp, out);
  const stamps = stamp(inputs);
  // a file saved while (or just before) esbuild read it may be in the bundle in its older form:
  // then write no manifest, and the next start bundles again (mtimes can be coarse, hence the margin)
  const settled = Object.values(stamps).every((s) => s === 'missing' || Number(s.split(' ')[0]) < started - MTIME_MARGIN_MS);
  if (settled) {
    writeFileSync(manifestFile + tmp, JSON.stringify(stamps));
    renameSync(manifestFile + tmp, manifestFile);
  }
}
process.argv.splice(2, 1); // the command sees its own arguments, as under `node --import tsx lib/cli/<command>.ts`
await import(pathToFileURL(out).href);
