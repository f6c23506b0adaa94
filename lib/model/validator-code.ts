/**
 * Compiled JSON Schema validators kept between runs. Compiling the stage-file schema and the
 * Kubernetes kinds' schemas with ajv is a good part of a small synthesis, and what it generates
 * depends only on the schema, the options and ajv's version: so the generated code (ajv's
 * "standalone" module) is kept under a SHA-256 of those and loaded instead of compiled.
 *
 * The store that keeps it is given by the CLI (lib/cli/validator-store.ts), the only layer that
 * reads and writes files; without one (tests of a layer, tools), every validator is compiled. A
 * loaded validator is the same code ajv would compile, returning the same errors (test/model/validator-code.test.ts).
 *
 * The kept code is several MB (each workload kind's validator holds the pod template's code), and
 * parsing it and compiling the functions a run calls was a good part of a small synthesis again:
 * so a store may also keep V8's code cache of it, made once a command has run
 * (`keepValidatorCodeCaches`), with which V8 neither parses nor compiles those functions again.
 */
import { createRequire } from 'node:module';
import { Script } from 'node:vm';
import { underStartFlags } from './runtime-flags.js';
import { sha256Hex } from './sha256.js';
import AjvModule, { type ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

// ajv is published as CommonJS with default exports
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
type AjvInstance = InstanceType<typeof Ajv>;
const standaloneCode = (standaloneModule as unknown as { default: typeof standaloneModule }).default ?? standaloneModule;

/** Generated code by key; `get` returns only what `set` stored under the same key, or undefined. */
export interface ValidatorStore {
  get(key: string): string | undefined;
  set(key: string, code: string): void;
  /** V8's code cache of `code` kept under `key` by `setCodeCache` with this same code, or undefined. */
  getCodeCache?(key: string, code: string): Uint8Array | undefined;
  setCodeCache?(key: string, code: string, data: Uint8Array): void;
  /**
   * A digest of the compiler as it runs: its sources, its lockfiles (the installed packages) and
   * Node.js; undefined when the running code may be older than its files (one changed just before
   * the process started). For `derivedText`.
   */
  compilerKey?(): string | undefined;
}

let store: ValidatorStore | undefined;

/** Kept code loaded without a code cache V8 accepted: its cache is made and kept by `keepValidatorCodeCaches`. */
let uncached: { store: ValidatorStore; key: string; code: string; script: Script }[] = [];

/** Sets (or, with undefined, removes) the store of the validators compiled from here on. */
export function useValidatorStore(s: ValidatorStore | undefined): void {
  store = s;
  uncached = [];
}

/**
 * Keeps V8's code cache of each validator loaded without one, holding what the validator has
 * compiled so far: called when a command has run (lib/cli/run.cjs), so that the functions it
 * called are in it. Costs a few milliseconds, once.
 */
export function keepValidatorCodeCaches(): void {
  for (const { store: s, key, code, script } of uncached) {
    // made under the flags the next command starts with, which V8 compares when it takes the cache
    const data = underStartFlags(() => script.createCachedData());
    s.setCodeCache?.(key, code, data);
  }
  uncached = [];
}

const requireHere = createRequire(import.meta.url);
let ajvVersion: string | undefined;
/** The installed ajv's version (read when a validator is first kept: nothing is read while modules load). */
const installedAjvVersion = () => (ajvVersion ??= (requireHere('ajv/package.json') as { version: string }).version);

/** Bumped when what a key covers changes. */
const KEY_FORMAT = 1;

/**
 * The validator of `schema` as `ajv` compiles it: loaded from the store when it holds the code
 * for this schema, these options (`setup`, a text that names them and any keyword `ajv` was
 * given) and this ajv; else compiled, and its code stored.
 * @param make a new ajv with the options, `source: true` added to its code options when asked
 * @param context the text of anything else the code depends on (schemas added to `ajv` beforehand)
 */
export function compileValidator(make: (source: boolean) => AjvInstance, schema: object, setup: string, context = ''): ValidateFunction {
  const s = store;
  if (!s) return make(false).compile(schema);
  const key = sha256Hex(JSON.stringify([KEY_FORMAT, installedAjvVersion(), setup, context, schema]));
  const code = s.get(key);
  if (code !== undefined) {
    const loaded = load(s, key, code);
    if (loaded) return loaded;
  }
  const ajv = make(true);
  const validate = ajv.compile(schema);
  s.set(key, standaloneCode(ajv, validate));
  return validate;
}

/**
 * The validators of many schemas that refer to the same definitions, as one module: each shared
 * definition compiled once, not once per schema that uses it (a pod template is part of eight
 * kinds), and one file and one code cache to read instead of one per schema (the 20 kinds of the
 * committed stages took 27-40 ms to load one by one; every kind as one module loads in 10-15 ms). Loaded from the store when it holds the module of
 * these schemas, options and ajv; else compiled, all of them, and stored: a schema that does not
 * compile is left out (its validator is asked of `compileValidator`, which says why). Undefined
 * without a store: compiling every schema once costs more than the few a run uses.
 * @param schemas name -> schema; the names are the keys of the map returned
 */
export function compileValidatorSet(
  make: (source: boolean) => AjvInstance,
  schemas: ReadonlyMap<string, object>,
  setup: string,
  context = '',
): Map<string, ValidateFunction> | undefined {
  const s = store;
  if (!s) return undefined;
  const list = [...schemas];
  const key = sha256Hex(JSON.stringify([KEY_FORMAT, installedAjvVersion(), setup, context, 'set', list]));
  // exported as v<place in the list>: the key covers the list, order included
  const byExport = (exports: Record<string, unknown>) =>
    new Map(list.flatMap(([name], i) => (typeof exports[`v${i}`] === 'function' ? [[name, exports[`v${i}`] as ValidateFunction]] : [])));
  const code = s.get(key);
  const loaded = code === undefined ? undefined : loadModule(s, key, code);
  if (loaded) return byExport(loaded);
  const ajv = make(true);
  const refs: Record<string, string> = {};
  const compiled: Record<string, unknown> = {};
  for (const [i, [, schema]] of list.entries()) {
    // a key without a slash: the schema's own references resolve as they do in a schema of its own
    const id = `validator-set-${i}`;
    ajv.addSchema(schema, id);
    try {
      compiled[`v${i}`] = ajv.getSchema(id);
      refs[`v${i}`] = id;
    } catch {
      ajv.removeSchema(id);
    }
  }
  s.set(key, standaloneCode(ajv, refs));
  return byExport(compiled);
}

/**
 * The text `make` returns, when what it derives depends only on the compiler's code and the
 * packages installed with it (the Kubernetes definitions, from cdk8s-plus's jsii assembly): kept
 * in the store under `name` and the compiler's key, so that a later run of the same compiler, with
 * the same packages, reads it instead of deriving it again. Any change to a source of the compiler
 * or to what is installed is another key. Without a store or a compiler key, `make` runs.
 */
export function derivedText(name: string, make: () => string): string {
  const s = store;
  const compiler = s?.compilerKey?.();
  if (!s || compiler === undefined) return make();
  const key = sha256Hex(JSON.stringify([KEY_FORMAT, 'derived', name, compiler]));
  const kept = s.get(key);
  if (kept !== undefined) return kept;
  const text = make();
  s.set(key, text);
  return text;
}

/**
 * What a standalone module exports (CommonJS, requiring ajv's runtime helpers), or undefined when
 * it does not run; with V8's code cache of it when the store kept one.
 */
function loadModule(s: ValidatorStore, key: string, code: string): Record<string, unknown> | undefined {
  const module = { exports: {} as Record<string, unknown> };
  const kept = s.getCodeCache?.(key, code);
  // V8 neither uses nor rejects empty data: no cache
  const cachedData = kept?.length ? kept : undefined;
  try {
    // the same text every time: V8 uses a code cache only for the source it was made from
    // under the flags the cache was made under, whatever a large compilation set meanwhile
    const script = underStartFlags(
      () => new Script(`(function (module, exports, require) {${code}\n})`, { filename: `validator-${key}.cjs`, cachedData }),
    );
    (script.runInThisContext() as (m: typeof module, e: typeof module.exports, r: NodeJS.Require) => void)(
      module,
      module.exports,
      requireHere,
    );
    // data of another V8 or other flags is rejected: made again after this run
    if (s.setCodeCache && (!cachedData || script.cachedDataRejected)) uncached.push({ store: s, key, code, script });
  } catch {
    return undefined;
  }
  return module.exports;
}

/** The validator a standalone module of one schema exports, or undefined when it does not run. */
function load(s: ValidatorStore, key: string, code: string): ValidateFunction | undefined {
  const exports = loadModule(s, key, code);
  const fn = exports?.default ?? exports;
  return typeof fn === 'function' ? (fn as ValidateFunction) : undefined;
}
