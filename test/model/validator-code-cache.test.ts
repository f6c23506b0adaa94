/**
 * V8's code cache of kept validators (lib/model/validator-code.ts, lib/cli/validator-store.ts):
 * made once a command has run, used by the next load, and never trusted when it is damaged, made
 * by another V8, or made from other code.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diskValidatorStore } from '../../lib/cli/validator-store.js';
import { startFlags } from '../../lib/cli/start-flags.cjs';
import { SMALL_SCHEMA, SMALL_VALUES, makeAjv } from '../helpers/validator-fixture.js';
import { compileValidator, keepValidatorCodeCaches, useValidatorStore, type ValidatorStore } from '../../lib/model/validator-code.js';

const schema = SMALL_SCHEMA;
const make = makeAjv;
const VALUES = SMALL_VALUES;
/**
 * A setup text of its own for each test: V8 keeps what it compiled from a source text and name in
 * memory, and takes that (ignoring any code cache given) when the same text is compiled again.
 */
let setups = 0;
const newSetup = () => `test-${++setups}`;

/** What a validator answers for VALUES, as comparable text. */
function answers(validate: ReturnType<typeof compileValidator>): string {
  return JSON.stringify(VALUES.map((v) => [validate(v), validate.errors]));
}

/** A store in memory that records the code caches it is given and returns what `cacheOf` says. */
function memoryStore(cacheOf?: (key: string) => Uint8Array | undefined) {
  const code = new Map<string, string>();
  const caches = new Map<string, Uint8Array>();
  const store: ValidatorStore & { code: typeof code; caches: typeof caches; cacheReads: number } = {
    code,
    caches,
    cacheReads: 0,
    get: (key) => code.get(key),
    set: (key, text) => void code.set(key, text),
    getCodeCache(key) {
      store.cacheReads++;
      return cacheOf ? cacheOf(key) : caches.get(key);
    },
    setCodeCache: (key, _code, data) => void caches.set(key, data),
  };
  return store;
}

/** Runs `test` with a directory of its own, removed afterwards. */
function inTempDir(test: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-validator-cache-'));
  try {
    test(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

afterEach(() => useValidatorStore(undefined));

describe('the code cache of a kept validator', () => {
  it('is made once the validator has run, then used: the validator answers as the compiled one throughout', () => {
    const setup = newSetup();
    const compiled = answers(make(false).compile(schema));
    const store = memoryStore();
    useValidatorStore(store);
    compileValidator(make, schema, setup); // compiled, code kept
    const loaded = compileValidator(make, schema, setup); // loaded without a cache
    expect(answers(loaded)).toBe(compiled);
    expect(store.caches.size).toBe(0);
    keepValidatorCodeCaches();
    expect(store.caches.size).toBe(1);
    const [data] = store.caches.values();

    useValidatorStore(store);
    const cached = compileValidator(make, schema, setup);
    expect(answers(cached)).toBe(compiled);
    keepValidatorCodeCaches();
    // accepted: nothing to make again
    expect(store.caches.get([...store.caches.keys()][0])).toBe(data);
  });

  it('is made again when V8 rejects it, and the validator still answers as the compiled one', () => {
    const setup = newSetup();
    const compiled = answers(make(false).compile(schema));
    const store = memoryStore(() => new Uint8Array(4096).fill(7));
    useValidatorStore(store);
    compileValidator(make, schema, setup);
    const loaded = compileValidator(make, schema, setup);
    expect(store.cacheReads).toBe(1);
    expect(answers(loaded)).toBe(compiled);
    keepValidatorCodeCaches();
    expect(store.caches.size).toBe(1);
    expect([...store.caches.values()][0].length).not.toBe(4096);
  });

  it('is not asked for when the store keeps none (a store without code caches works as before)', () => {
    const setup = newSetup();
    const code = new Map<string, string>();
    useValidatorStore({ get: (k) => code.get(k), set: (k, c) => void code.set(k, c) });
    compileValidator(make, schema, setup);
    expect(answers(compileValidator(make, schema, setup))).toBe(answers(make(false).compile(schema)));
    keepValidatorCodeCaches();
  });
});

describe('the code caches on disk', () => {
  /** Keeps the validator's code and its code cache in `dir`; returns the store and the key. */
  function kept(dir: string, setup: string) {
    const store = diskValidatorStore(dir);
    useValidatorStore(store);
    compileValidator(make, schema, setup);
    compileValidator(make, schema, setup);
    keepValidatorCodeCaches();
    const key = readdirSync(dir)
      .find((n) => n.endsWith('.v8'))
      ?.replace(/\.[0-9a-f]{16}\.v8$/, '');
    if (!key) throw new Error('no code cache kept');
    return { store, key, code: store.get(key) ?? '' };
  }

  it('returns the data it kept for the same code', () => {
    inTempDir((dir) => {
      const { store, key, code } = kept(dir, newSetup());
      const data = diskValidatorStore(dir).getCodeCache?.(key, code);
      expect(data?.length).toBeGreaterThan(0);
      store.setCodeCache?.(key, code, Buffer.from('data'));
      expect(Buffer.from(diskValidatorStore(dir).getCodeCache?.(key, code) ?? []).toString()).toBe('data');
    });
  });

  it('returns nothing for a damaged or truncated file', () => {
    const setup = newSetup();
    inTempDir((dir) => {
      const { key, code } = kept(dir, setup);
      const file = join(dir, `${key}.${startFlags()}.v8`);
      const bytes = readFileSync(file);
      const flipped = Buffer.from(bytes);
      flipped[bytes.length - 10] ^= 0xff;
      writeFileSync(file, flipped);
      expect(diskValidatorStore(dir).getCodeCache?.(key, code)).toBeUndefined();
      writeFileSync(file, bytes.subarray(0, bytes.length - 1));
      expect(diskValidatorStore(dir).getCodeCache?.(key, code)).toBeUndefined();
      writeFileSync(file, '');
      expect(diskValidatorStore(dir).getCodeCache?.(key, code)).toBeUndefined();
      // and the validator, loaded without it, still answers as the compiled one
      useValidatorStore(diskValidatorStore(dir));
      expect(answers(compileValidator(make, schema, setup))).toBe(answers(make(false).compile(schema)));
    });
  });

  it('are kept one per set of flags the process started with: each command keeps its own', () => {
    inTempDir((dir) => {
      const { key, code } = kept(dir, newSetup());
      // synth starts Node.js with flags that check does not: V8 rejects a cache made under other flags
      const synth = diskValidatorStore(dir, undefined, 'f'.repeat(16));
      expect(synth.getCodeCache?.(key, code)).toBeUndefined();
      synth.setCodeCache?.(key, code, Buffer.from('synth'));
      expect(Buffer.from(synth.getCodeCache?.(key, code) ?? []).toString()).toBe('synth');
      // the cache made under this process's flags is still there
      expect(diskValidatorStore(dir).getCodeCache?.(key, code)?.length).toBeGreaterThan('synth'.length);
      expect(readdirSync(dir).filter((n) => n.endsWith('.v8')).length).toBe(2);
      // new code under the key drops them all
      diskValidatorStore(dir).set(key, code.replace('minimum', 'maximum'));
      expect(readdirSync(dir).filter((n) => n.endsWith('.v8'))).toEqual([]);
    });
  });

  it('are at most four per validator: one kept under new flags removes the oldest of the others', () => {
    inTempDir((dir) => {
      const { key, code } = kept(dir, newSetup());
      const flags = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(16));
      // the one this process's flags made, written first
      const first = new Date(Date.now() - 20_000);
      utimesSync(join(dir, `${key}.${startFlags()}.v8`), first, first);
      for (const [i, f] of flags.entries()) {
        diskValidatorStore(dir, undefined, f).setCodeCache?.(key, code, Buffer.from(f));
        // written a moment apart, as commands run one after the other
        const t = new Date(Date.now() - (10 - i) * 1000);
        utimesSync(join(dir, `${key}.${f}.v8`), t, t);
      }
      expect(
        readdirSync(dir)
          .filter((n) => n.endsWith('.v8'))
          .sort(),
      ).toEqual(flags.slice(1).map((f) => `${key}.${f}.v8`));
      expect(Buffer.from(diskValidatorStore(dir, undefined, flags[4]).getCodeCache?.(key, code) ?? []).toString()).toBe(flags[4]);
    });
  });

  it('leave no temporary file of a killed writer behind for good: one of a dead process, a minute old, is removed by the next write', () => {
    inTempDir((dir) => {
      const { key, code } = kept(dir, newSetup());
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const stale = [`${key}.cjs.${dead}.tmp`, `${key}.${startFlags()}.v8.${dead}.tmp`];
      const fresh = `other.cjs.${dead}.tmp`;
      const live = `${key}.cjs.${process.pid}.tmp`;
      const old = new Date(Date.now() - 120_000);
      for (const name of [...stale, fresh, live]) writeFileSync(join(dir, name), 'partial');
      for (const name of [...stale, live]) utimesSync(join(dir, name), old, old);
      diskValidatorStore(dir).setCodeCache?.(key, code, Buffer.from('data'));
      expect(
        readdirSync(dir)
          .filter((n) => n.endsWith('.tmp'))
          .sort(),
      ).toEqual([fresh, live].sort());
    });
  });

  it('returns nothing for other code, even of the same length (V8 compares only lengths)', () => {
    inTempDir((dir) => {
      const { key, code } = kept(dir, newSetup());
      const other = code.replace('minimum', 'maximum');
      expect(other.length).toBe(code.length);
      expect(diskValidatorStore(dir).getCodeCache?.(key, other)).toBeUndefined();
      // new code kept under the key drops the cache of the old
      diskValidatorStore(dir).set(key, other);
      expect(readdirSync(dir).filter((n) => n.endsWith('.v8'))).toEqual([]);
      expect(diskValidatorStore(dir).getCodeCache?.(key, code)).toBeUndefined();
    });
  });
});
