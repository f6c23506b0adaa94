// Starts a command (`node lib/cli/run.mjs synth --stage lab` runs lib/cli/synth.ts) fast: the
// command's TypeScript sources and the packages they use are bundled into one CommonJS script by
// esbuild and cached in node_modules/.cache/stagecraft/, rebuilt when any source changes, when the
// project is at another absolute path (the bundle has the paths of its sources written in), or
// when Node.js or an installed package changes. The script runs through `vm.Script` with V8's
// code cache of it (kept beside it once a command has run): neither parsing nor compiling the
// functions a command ran repeats. Plain JavaScript, because it runs before anything can compile
// TypeScript. The command sets the exit code and the process ends once its output has drained
// (lib/cli/process.ts).
//
// Why: `node --import tsx` sends every module, node_modules included, through loader hooks on
// another thread; for this compiler that was about 1 s of a 1.5 s synthesis (bench/README.md).
// Loading the packages as Node.js does (resolving, reading and compiling hundreds of files, and
// lexing each CommonJS file for its exports when ESM imports it) was about 100 ms of a 0.45 s
// cold synthesis; one script with a code cache is about 20 ms. Node.js 20 has no compile cache
// of its own (module.enableCompileCache, Node.js 22.1+), nor a code cache for ES modules.
// `node --import tsx lib/cli/<command>.ts` still works and runs the same code.
import { isAscii } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'stagecraft');
const SELF = fileURLToPath(import.meta.url);
/** Files modified this recently before a build may have changed while it read them. */
const MTIME_MARGIN_MS = 2000;
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/**
 * Packages left out of bundles: only the bundler (never imported by a command). Every other
 * package is bundled: none of the code a command runs finds files next to itself (cdk8s's
 * `Yaml.load` of a URL does, and stacks never read files: apps/manifests.ts); the compiler reads
 * the data files of cdk8s-plus and requires ajv's runtime helpers through the paths of its own
 * sources, which the bundle keeps (see `bundle`).
 */
const EXTERNAL = ['esbuild'];

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
  key = JSON.stringify({ root: ROOT, node: process.version, v8: process.versions.v8, packages: versions });
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

/** The manifest of the bundle when it is current (built from these files, with this key), else undefined. */
function currentManifest(manifestFile, key) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch {
    return undefined; // no bundle yet
  }
  if (manifest.key !== key || typeof manifest.files !== 'object' || typeof manifest.build !== 'string') return undefined;
  const now = stamp(Object.keys(manifest.files));
  return Object.entries(manifest.files).every(([f, s]) => now[f] === s) ? manifest : undefined;
}

/**
 * The files a bundle is stamped with: its sources, and of each package bundled only its
 * package.json (an install rewrites it; stamping each of a package's hundreds of files would cost
 * more than it tells).
 */
function stampedFiles(inputs) {
  const files = new Set();
  for (const f of inputs) {
    const parts = f.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) {
      files.add(f);
      continue;
    }
    const depth = parts[at + 1]?.startsWith('@') ? 3 : 2;
    files.add(relative(ROOT, join(ROOT, ...parts.slice(0, at + depth), 'package.json')));
  }
  return [...files].sort();
}

/** What the bundle calls `import.meta`: its own URL, whether it runs from here or in a worker thread (lib/cli/stage-workers.ts). */
const IMPORT_META = '__stagecraftImportMeta';

/**
 * Bundles `entry` into `out` (CommonJS) and returns the files it was built from. Modules that
 * find files next to themselves (`import.meta.url`) get their own URL written in, so that they
 * find the same files from inside the bundle; what is left of `import.meta` is the bundle's.
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
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
    // no comments nor indentation: a third smaller, and ASCII (see readBundle); names are kept
    minifyWhitespace: true,
    banner: { js: `var ${IMPORT_META} = { url: require('node:url').pathToFileURL(__filename).href };` },
    define: { 'import.meta': IMPORT_META },
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
  return [
    ...stampedFiles(Object.keys(metafile.inputs).filter((f) => f !== '<stdin>')),
    relative(ROOT, SELF),
    'tsconfig.json',
    'package.json',
  ];
}

// Node.js 22.1+ keeps compiled code of the modules loaded from here on (node_modules included) on disk; Node.js 20 has no such cache
module.enableCompileCache?.();

/**
 * Commands that may answer before the compiler loads (lib/cli/fast.ts: nothing changed since the
 * last full synth), from a small bundle of their own.
 */
const FAST = ['check', 'synth'];

const sha256 = (data) => createHash('sha256').update(data).digest();

/**
 * V8's code cache of a bundle, in `<name>.v8`: the SHA-256 of the rest (32 bytes), the identity
 * of the bundle file it was made from (`bundleIdentity`) and a newline, then the data. Used only
 * when all of it matches (a truncated, edited or stale file is no cache): V8 rejects data of
 * another V8 version or other flags itself, but takes damaged data, or data made from another
 * source of the same length, and runs it.
 */
function readCodeCache(file, identity) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const rest = bytes.subarray(32);
  const head = Buffer.from(`${identity}\n`);
  if (!sha256(rest).equals(bytes.subarray(0, 32)) || !rest.subarray(0, head.length).equals(head)) return undefined;
  // V8 neither uses nor rejects empty data: no cache
  return rest.length > head.length ? rest.subarray(head.length) : undefined;
}

function writeCodeCache(file, identity, data) {
  try {
    const rest = Buffer.concat([Buffer.from(`${identity}\n`), data]);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([sha256(rest), rest]));
    renameSync(tmp, file);
  } catch {
    // not kept: the next start compiles again
  }
}

/**
 * The text of the bundle file `out` and its identity: the build id of its manifest, and the
 * device, inode, size, modification and change times of the very file read. A bundle is never
 * written in place but renamed over, so the file read keeps these as long as it exists, and any
 * write to it changes its change time (which no program can set back): a code cache made from it
 * is never taken for another bundle, not even one renamed into place by a concurrent start
 * between this start's reading of the manifest and of the bundle, nor for a bundle edited by hand.
 */
function readBundle(out, build) {
  const fd = openSync(out, 'r');
  try {
    const st = fstatSync(fd);
    const bytes = readFileSync(fd);
    // ASCII (as esbuild writes code) is Latin-1 too: read as such, the text is a copy of the bytes, not decoded
    const text = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    return { text, identity: `${build} ${st.dev} ${st.ino} ${st.size} ${st.mtimeMs} ${st.ctimeMs}` };
  } finally {
    closeSync(fd);
  }
}

/** Builds the bundle `name` of the module text `contents` unless it is current, and runs it: its exports, and a function that keeps V8's code cache of it when there was none. */
async function load(name, contents) {
  const out = join(CACHE, `${name}.cjs`);
  const manifestFile = join(CACHE, `${name}.json`);
  const cacheFile = join(CACHE, `${name}.v8`);
  const key = environmentKey();
  let build = currentManifest(manifestFile, key)?.build;
  if (!build) {
    // each file written beside and renamed into place, the manifest last, so that a command
    // starting at the same time never reads half a bundle or a manifest of another bundle
    mkdirSync(dirname(out), { recursive: true });
    const tmp = `.${process.pid}.tmp`;
    const started = Date.now();
    const inputs = await bundle(name, contents, out + tmp);
    renameSync(out + tmp, out);
    // the ES module bundle of an earlier version of this file
    rmSync(join(CACHE, `${name}.mjs`), { force: true });
    const stamps = stamp(inputs);
    // the build id ties a code cache to this bundle; the bundle just built has none
    build = randomUUID();
    // a file saved while (or just before) esbuild read it may be in the bundle in its older form:
    // then write no manifest, and the next start bundles again (mtimes can be coarse, hence the margin)
    const settled = Object.values(stamps).every((s) => s === 'missing' || Number(s.split(' ')[0]) < started - MTIME_MARGIN_MS);
    if (settled) {
      writeFileSync(manifestFile + tmp, JSON.stringify({ key, build, files: stamps }));
      renameSync(manifestFile + tmp, manifestFile);
    }
  }
  const { text, identity } = readBundle(out, build);
  const cachedData = readCodeCache(cacheFile, identity);
  // the wrapper Node.js gives a CommonJS module; the same text every time, as the code cache requires
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {
    filename: out,
    cachedData,
  });
  const bundled = { exports: {} };
  script.runInThisContext()(bundled.exports, createRequire(out), bundled, out, dirname(out));
  const keepCodeCache = () => {
    // after the command ran: the cache holds every function compiled so far, not only the top level
    if (!cachedData || script.cachedDataRejected) writeCodeCache(cacheFile, identity, script.createCachedData());
  };
  return { exports: bundled.exports, keepCodeCache };
}

/** Runs `command`: its answer from lib/cli/fast.ts when there is one, else the command from its bundle. */
async function start(command) {
  const argv = process.argv.slice(3);
  if (FAST.includes(command)) {
    const fast = await load('fast', `export { runFast } from './lib/cli/fast.ts';\n`);
    const answered = fast.exports.runFast(command, argv);
    fast.keepCodeCache();
    if (answered) return;
  }
  // the command and what starts it: nothing in lib/cli/<command>.ts runs on import
  const bundled = await load(
    command,
    `export { command } from './lib/cli/${command}.ts';\nexport { runAsProcess } from './lib/cli/process.ts';\n` +
      `export { keepValidatorCodeCaches } from './lib/model/validator-code.ts';\n`,
  );
  // the command sets process.exitCode; the process ends when its output has drained
  bundled.exports.runAsProcess(bundled.exports.command, argv);
  bundled.keepCodeCache();
  bundled.exports.keepValidatorCodeCaches();
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
