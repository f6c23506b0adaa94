/**
 * V8 flags set while a command runs (lib/model/runtime-flags.ts): undone and set again around
 * code compiled with a code cache, in the order they were set, and shared with worker threads.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptRuntimeFlags, givenAtStart, runtimeFlags, setRuntimeFlag, underStartFlags } from '../../lib/model/runtime-flags.js';
import { REPO } from '../helpers/cli.js';

describe('flags set while a command runs', () => {
  it('are undone, last first, while code is compiled under the start flags, then set again', () => {
    const calls: string[] = [];
    const set = (flag: string) => void calls.push(flag);
    const undoA = setRuntimeFlag({ flag: '--a=1', undo: '--a=0' }, set);
    const undoB = setRuntimeFlag({ flag: '--no-b', undo: '--b' }, set);
    expect(runtimeFlags()).toEqual([
      { flag: '--a=1', undo: '--a=0' },
      { flag: '--no-b', undo: '--b' },
    ]);
    expect(underStartFlags(() => calls.push('compile') && 'compiled')).toBe('compiled');
    expect(calls).toEqual(['--a=1', '--no-b', '--b', '--a=0', 'compile', '--a=1', '--no-b']);
    calls.length = 0;
    undoA();
    undoB();
    expect(runtimeFlags()).toEqual([]);
    underStartFlags(() => calls.push('compile'));
    expect(calls).toEqual(['--a=0', '--b', 'compile']);
  });

  it('are set again when the compilation throws', () => {
    const calls: string[] = [];
    const undo = setRuntimeFlag({ flag: '--a=1', undo: '--a=0' }, (f) => void calls.push(f));
    try {
      expect(() =>
        underStartFlags(() => {
          throw new Error('no');
        }),
      ).toThrow('no');
      expect(calls).toEqual(['--a=1', '--a=0', '--a=1']);
    } finally {
      undo();
    }
  });

  // in processes of their own: V8 keeps what it compiled in memory and would take that, not the cache
  it("leave a validator's code cache, made under the start flags, taken: rejected when a flag set behind their back", () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-runtime-flags-'));
    const run = (mode: string) => {
      const script = `import { readFileSync, writeFileSync, existsSync } from 'node:fs';
        import { setFlagsFromString } from 'node:v8';
        import { compileValidator, keepValidatorCodeCaches, useValidatorStore } from ${JSON.stringify(join(REPO, 'lib/model/validator-code.ts'))};
        import { setRuntimeFlag } from ${JSON.stringify(join(REPO, 'lib/model/runtime-flags.ts'))};
        import { SMALL_SCHEMA, makeAjv } from ${JSON.stringify(join(REPO, 'test/helpers/validator-fixture.ts'))};
        const at = (n) => ${JSON.stringify(dir)} + '/' + n;
        let made = false;
        useValidatorStore({
          get: (key) => (existsSync(at(key)) ? readFileSync(at(key), 'utf8') : undefined),
          set: (key, code) => writeFileSync(at(key), code),
          getCodeCache: (key) => (existsSync(at(key + '.v8')) ? readFileSync(at(key + '.v8')) : undefined),
          setCodeCache: (key, _code, data) => { made = true; writeFileSync(at(key + '.v8'), data); },
        });
        if (${JSON.stringify(mode)} === 'recorded') setRuntimeFlag({ flag: '--heap-growing-percent=50', undo: '--heap-growing-percent=0' });
        if (${JSON.stringify(mode)} === 'behind') setFlagsFromString('--heap-growing-percent=50');
        const validate = compileValidator(makeAjv, SMALL_SCHEMA, 'runtime-flags');
        validate({ a: 1 });
        keepValidatorCodeCaches();
        console.log(made ? 'made' : 'taken');`;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      return r.stdout.trim();
    };
    try {
      run('start'); // compiled by ajv, its code kept
      expect(run('start')).toBe('made'); // loaded without a cache: one made
      expect(run('start')).toBe('taken');
      expect(run('recorded')).toBe('taken');
      expect(run('behind')).toBe('made');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("are taken by a worker thread as the main thread's, already set, and undone around its compilations", () => {
    const before = runtimeFlags().length;
    // a flag the process has at its default: undoing and setting it again changes nothing
    adoptRuntimeFlags([{ flag: '--heap-growing-percent=0', undo: '--heap-growing-percent=0' }]);
    expect(runtimeFlags().slice(before)).toEqual([{ flag: '--heap-growing-percent=0', undo: '--heap-growing-percent=0' }]);
    expect(underStartFlags(() => 'compiled')).toBe('compiled');
  });
});

describe('givenAtStart', () => {
  it("finds a flag among the start arguments, alone or in NODE_OPTIONS's string, set, negated or with a value, - and _ alike", () => {
    expect(givenAtStart('interrupt-budget', ['--max-semi-space-size=4', '--interrupt-budget=1000000'])).toBe('--interrupt-budget=1000000');
    expect(givenAtStart('parallel-scavenge', ['--max-semi-space-size=4 --no-parallel-scavenge'])).toBe('--no-parallel-scavenge');
    expect(givenAtStart('parallel-scavenge', ['--parallel_scavenge'])).toBe('--parallel_scavenge');
    expect(givenAtStart('heap-growing-percent', ['', '--heap_growing_percent=25 --trace-gc'])).toBe('--heap_growing_percent=25');
    // another flag that merely contains the name, or none at all
    expect(givenAtStart('parallel-scavenge', ['--parallel-scavenge-tasks=2', '--trace-parallel-scavenge'])).toBeUndefined();
    expect(givenAtStart('interrupt-budget', [])).toBeUndefined();
  });
});
