/**
 * Validators kept between runs (lib/model/validator-code.ts, lib/cli/validator-store.ts): a loaded
 * validator answers exactly as the compiled one, and a damaged entry is compiled again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileValidator, compileValidatorSet, useValidatorStore, type ValidatorStore } from '../../lib/model/validator-code.js';
import { diskValidatorStore } from '../../lib/cli/validator-store.js';
import { Ajv, SMALL_SCHEMA, SMALL_VALUES, makeAjv } from '../helpers/validator-fixture.js';
import { StageLoader } from '../../lib/config/load.js';
import { SchemaValidator } from '../../lib/config/validate.js';
import { STACKS } from '../../apps/index.js';
import type { TSchema } from '@sinclair/typebox';

/** A store in memory that counts what it is asked. */
function memoryStore(): ValidatorStore & { entries: Map<string, string>; hits: number } {
  const entries = new Map<string, string>();
  const s = {
    entries,
    hits: 0,
    get(key: string) {
      const code = entries.get(key);
      if (code !== undefined) s.hits++;
      return code;
    },
    set(key: string, code: string) {
      entries.set(key, code);
    },
  };
  return s;
}

afterEach(() => useValidatorStore(undefined));

/** Stage-file values with problems of many kinds. */
const BAD_STAGES: unknown[] = [
  { apps: { nginx: { image: 'nginx', replicas: 'three', replcas: 1 } } },
  { apps: { demoapp: { image: 1 } }, architecture: 'x', namespace: 'A B' },
  { nodes: { a: { roles: ['x'] } }, edge: { machines: 3 } },
  { apps: {}, checks: { podSecurity: 'none' } },
  { apps: { registry: { replicas: -1 } }, partOf: 7 },
];

describe('a validator loaded from kept code', () => {
  it('gives the same errors as the compiled one, for the stage-file schema', () => {
    const schema = new StageLoader(STACKS).schema as TSchema;
    const compiled = new SchemaValidator(schema);
    const store = memoryStore();
    useValidatorStore(store);
    new SchemaValidator(schema); // compiles and keeps the code
    expect(store.entries.size).toBe(1);
    const loaded = new SchemaValidator(schema);
    expect(store.hits).toBe(1);
    for (const value of BAD_STAGES) {
      const problems = compiled.problems(value);
      expect(problems.length).toBeGreaterThan(0);
      expect(loaded.problems(value)).toEqual(problems);
    }
  });

  it('gives the same errors as the compiled one, error object by error object', () => {
    const [schema, make] = [SMALL_SCHEMA, makeAjv];
    const compiled = make(false).compile(schema);
    const store = memoryStore();
    useValidatorStore(store);
    compileValidator(make, schema, 'test');
    const loaded = compileValidator(make, schema, 'test');
    expect(store.hits).toBe(1);
    for (const value of SMALL_VALUES) {
      expect(loaded(value)).toBe(compiled(value));
      expect(JSON.stringify(loaded.errors)).toBe(JSON.stringify(compiled.errors));
    }
    // another setup or context is another key
    compileValidator(make, schema, 'other');
    compileValidator(make, schema, 'test', 'context');
    expect(store.entries.size).toBe(3);
  });

  it('is compiled again when the kept code does not run', () => {
    const schema = { type: 'string' };
    const make = (source: boolean) => new Ajv({ code: { source } });
    const store = memoryStore();
    useValidatorStore(store);
    compileValidator(make, schema, 'x');
    const [key] = store.entries.keys();
    store.entries.set(key, 'throw new Error("damaged")');
    const v = compileValidator(make, schema, 'x');
    expect(v('a')).toBe(true);
    expect(v(1)).toBe(false);
    // and the good code is kept again
    expect(store.entries.get(key)).not.toContain('damaged');
  });
});

describe('validators kept as one module', () => {
  /** Schemas sharing definitions (added to each ajv before), one of them not compiling (a reference to nothing). */
  const SHARED = { $id: 'defs', definitions: { small: SMALL_SCHEMA, list: { type: 'array', items: { $ref: 'defs#/definitions/small' } } } };
  const makeShared = (source: boolean) => makeAjv(source).addSchema(SHARED);
  const SCHEMAS = new Map<string, object>([
    ['one', { $ref: 'defs#/definitions/small' }],
    ['many', { $ref: 'defs#/definitions/list' }],
    ['broken', { $ref: 'defs#/definitions/none' }],
    ['own', { type: 'string', maxLength: 2 }],
  ]);
  const VALUES = [...SMALL_VALUES, [SMALL_VALUES[0], { a: 2 }], 'abc', 'ab'];
  /** What a validator answers for VALUES, as comparable text. */
  const answers = (validate: (v: unknown) => boolean) =>
    JSON.stringify(VALUES.map((v) => [validate(v), (validate as { errors?: unknown }).errors ?? null]));

  it('answer as each schema compiled alone, compiled or loaded; a schema that does not compile is left out', () => {
    const alone = new Map(
      [...SCHEMAS].filter(([name]) => name !== 'broken').map(([name, schema]) => [name, answers(makeShared(false).compile(schema))]),
    );
    expect(compileValidatorSet(makeShared, SCHEMAS, 'set-test')).toBeUndefined(); // no store: each compiled when asked
    const store = memoryStore();
    useValidatorStore(store);
    const compiled = compileValidatorSet(makeShared, SCHEMAS, 'set-test')!;
    expect(store.entries.size).toBe(1);
    const loaded = compileValidatorSet(makeShared, SCHEMAS, 'set-test')!;
    expect(store.hits).toBe(1);
    for (const set of [compiled, loaded]) {
      expect([...set.keys()]).toEqual(['one', 'many', 'own']);
      expect(new Map([...set].map(([name, v]) => [name, answers(v)]))).toEqual(alone);
    }
  });

  it('are kept under a key of every schema, in order, and of the options', () => {
    const store = memoryStore();
    useValidatorStore(store);
    compileValidatorSet(makeShared, SCHEMAS, 'set-test');
    compileValidatorSet(makeShared, new Map([...SCHEMAS].reverse()), 'set-test');
    compileValidatorSet(makeShared, new Map([...SCHEMAS].slice(1)), 'set-test');
    compileValidatorSet(makeShared, SCHEMAS, 'set-test-2');
    compileValidatorSet(makeShared, SCHEMAS, 'set-test', 'other definitions');
    expect(store.entries.size).toBe(5);
    expect(store.hits).toBe(0);
  });
});

describe('the store on disk', () => {
  it('returns what it kept, and nothing for a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-validators-'));
    const store = diskValidatorStore(dir);
    expect(store.get('k')).toBeUndefined();
    store.set('k', 'module.exports = 1;');
    expect(store.get('k')).toBe('module.exports = 1;');
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replace('1;', '2;'));
    expect(store.get('k')).toBeUndefined();
  });

  it('takes a FIFO in the place of a kept validator or its code cache for a miss, without waiting on it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-validators-'));
    const store = diskValidatorStore(dir);
    for (const name of ['k.cjs', 'k.v8']) expect(spawnSync('mkfifo', [join(dir, name)]).status).toBe(0);
    expect(store.get('k')).toBeUndefined();
    expect(store.getCodeCache?.('k', 'module.exports = 1;')).toBeUndefined();
  });
});
