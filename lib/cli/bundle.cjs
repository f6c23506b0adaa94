// How a command's bundles are built (lib/cli/run.cjs runs them): esbuild bundles the command's
// TypeScript sources into one CommonJS script, and the packages they import into another, with
// the plugins that rewrite parts of cdk8s (defined-entries.mjs, builtin-resolve.mjs). Required
// only when a bundle is built again, so that no other start reads it. Plain CommonJS, as run.cjs.
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = join(__dirname, '..', '..');
/** The files whose code decides how a bundle is built: this one, the launcher that calls it, and bundle-files.cjs (its first lines). */
const BUILDERS = [__filename, join(__dirname, 'run.cjs'), join(__dirname, 'bundle-files.cjs')].map((f) => relative(ROOT, f));
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/**
 * Packages the sources' bundle may leave to the packages' bundle: every package but typebox
 * (hundreds of small modules, no files of its own to read, bundled with the sources as before),
 * and only where Node.js would load them as CommonJS (`packagesPlugin`). None of the code a
 * command runs finds files next to itself (cdk8s's `Yaml.load` of a URL does, and stacks never
 * read files: apps/manifests.ts); the compiler reads the data files of cdk8s-plus and requires
 * ajv's runtime helpers through the paths of its own sources, which the bundle keeps (see `bundle`).
 */
const PACKAGES = new Set(Object.keys({ ...PACKAGE.dependencies, ...PACKAGE.devDependencies }).filter((p) => p !== '@sinclair/typebox'));

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
 * What the sources' bundle runs first: `import.meta` as its own, and `require` answering the
 * packages from the packages' bundle beside it (whether it runs from here, which gives it that
 * bundle already run, or in a worker thread, which loads it as a plain CommonJS module).
 */
const sourcesBanner = (packagesFile) =>
  `var ${IMPORT_META} = { url: require('node:url').pathToFileURL(__filename).href };\n` +
  `require = ((nodeRequire, packages) => (id) => Object.prototype.hasOwnProperty.call(packages, id) ? packages[id] : nodeRequire(id))(require, require(${JSON.stringify(`./${packagesFile}`)}));`;

/** The package a module id names: `ajv/dist/x.js` -> `ajv`, `@scope/name/x` -> `@scope/name`. */
const packageOf = (id) =>
  id
    .split('/')
    .slice(0, id.startsWith('@') ? 2 : 1)
    .join('/');

/** Whether Node.js loads the file at `path` as an ES module (its extension, or the `type` of the package.json above it). */
function isEsModule(path) {
  if (path.endsWith('.mjs')) return true;
  if (!path.endsWith('.js')) return false;
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type === 'module';
    } catch {
      // no package.json here: the one above
    }
  }
  return false;
}

/**
 * Leaves to the packages' bundle each import of a package that Node.js resolves to a CommonJS
 * file (`resolved`: id -> that file): `require` gives it as `import` would (module.exports as the
 * default export). What resolves to an ES module is bundled with the sources: its default export
 * is not module.exports, and esbuild links it as Node.js would only when it sees it.
 */
function packagesPlugin(resolved) {
  const inner = Symbol('resolving');
  return {
    name: 'packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === inner || !PACKAGES.has(packageOf(args.path))) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: inner });
        if (r.errors.length > 0 || isEsModule(r.path)) return undefined;
        // an id that resolves to two files (two installed versions) is bundled where it differs
        if ((resolved.get(args.path) ?? r.path) !== r.path) return undefined;
        resolved.set(args.path, r.path);
        return { path: args.path, external: true };
      });
    },
  };
}

/** What the packages' bundle loads rewritten, each module with its esbuild plugin (the bundle is built again when a module changes). */
async function rewrites() {
  const [defined, builtin] = await Promise.all([import('./defined-entries.mjs'), import('./builtin-resolve.mjs')]);
  return [
    [defined.DEFINED_ENTRIES_MODULE, defined.definedEntriesPlugin],
    [builtin.BUILTIN_RESOLVE_MODULE, builtin.builtInResolvePlugin],
  ];
}

/**
 * Bundles the module text `contents` (CommonJS, for the file `out`: written by the caller, so that
 * a cache that cannot be written is its to handle), its first line `banner`, and returns the code,
 * the files it was built from and, when `packagesFile` is given, the packages it leaves to that bundle (`packagesPlugin`)
 * by id, with the file each resolves to. Modules that find files next to themselves
 * (`import.meta.url`) get their own URL written in, so that they find the same files from inside
 * the bundle; what is left of `import.meta` is the bundle's.
 */
async function bundle(name, contents, out, banner, packagesFile) {
  const { build } = await import('esbuild');
  const rewriting = await rewrites();
  const resolved = new Map();
  const { metafile, outputFiles } = await build({
    stdin: { contents, resolveDir: ROOT, sourcefile: `lib/cli/${name}.entry.ts`, loader: 'ts' },
    outfile: out,
    absWorkingDir: ROOT,
    bundle: true,
    external: ['esbuild'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    write: false,
    logLevel: 'error',
    // no comments nor indentation: a third smaller, and ASCII (see readBundle); names are kept
    minifyWhitespace: true,
    banner: { js: banner + (packagesFile ? sourcesBanner(packagesFile) : '') },
    ...(packagesFile ? { define: { 'import.meta': IMPORT_META } } : {}),
    plugins: [
      // the sources' bundle leaves the packages to the packages' bundle, which gets them rewritten
      ...(packagesFile ? [packagesPlugin(resolved)] : rewriting.map(([, plugin]) => plugin)),
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
  // the packages left out count as inputs too: an install that changes what an id resolves to rebuilds this bundle
  const inputs = [...Object.keys(metafile.inputs).filter((f) => f !== '<stdin>'), ...[...resolved.values()].map((p) => relative(ROOT, p))];
  return {
    code: outputFiles.find((f) => f.path === out)?.contents ?? outputFiles[0].contents,
    inputs: [
      ...stampedFiles(inputs),
      ...BUILDERS,
      ...(packagesFile ? [] : rewriting.map(([file]) => relative(ROOT, file))),
      'tsconfig.json',
      'package.json',
    ],
    packages: [...resolved].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

exports.bundle = bundle;
