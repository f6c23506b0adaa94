/**
 * Validators kept between runs (lib/model/validator-code.ts, lib/cli/validator-store.ts): a loaded
 * validator answers exactly as the compiled one, and a damaged entry is compiled again.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileValidator, useValidatorStore, type ValidatorStore } from '../../lib/model/validator-code.js';
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
