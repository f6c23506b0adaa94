/**
 * The rewrite of cdk8s's `resolve` in the bundles (lib/cli/builtin-resolve.mjs): the installed
 * module is rewritten, and the rewritten `resolve` gives the same values as the original on random
 * values holding everything the built-in resolvers act on, calls their producers the same times,
 * and leaves an App with resolvers of its own to the original path (which sees every key).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  INSERTION_KEYS,
  RESOLVERS_LINE,
  SANITIZE_CALL,
  SORTED_KEYS_LINE,
  withBuiltInResolve,
  withResolveSanitized,
  withSortedKeys,
} from '../../lib/cli/builtin-resolve.mjs';
import { runCommonJs } from '../helpers/commonjs.js';
import { random } from '../helpers/random.js';

const require = createRequire(import.meta.url);
const RESOLVE = require.resolve('cdk8s/lib/resolve.js');
const text = readFileSync(RESOLVE, 'utf8');
const { Lazy } = require('cdk8s/lib/lazy.js') as { Lazy: { any(producer: { produce(): unknown }): unknown } };
const { sanitizeValue } = require('cdk8s/lib/_util.js') as { sanitizeValue(value: unknown, options: { sortKeys: boolean }): unknown };
const API_OBJECT_TEXT = readFileSync(require.resolve('cdk8s/lib/api-object.js'), 'utf8');
const UTIL = require.resolve('cdk8s/lib/_util.js');
const UTIL_TEXT = readFileSync(UTIL, 'utf8');

interface Resolver {
  resolve(context: { key: string[]; value: unknown; replaceValue(v: unknown): void }): void;
}
interface ResolveModule {
  resolve(key: string[], value: unknown, apiObject: unknown): unknown;
  /** Only in the rewritten module. */
  resolveSanitized(key: string[], value: unknown, apiObject: unknown, sortKeys: boolean): unknown;
  LazyResolver: new () => Resolver;
  ImplicitTokenResolver: new () => Resolver;
  NumberStringUnionResolver: new () => Resolver;
}

/**
 * The module from `source`, with the App every object belongs to faked: its resolvers are
 * `resolvers(module)` (cdk8s's App gives its built-in ones of the module it loaded).
 */
function load(source: string, resolvers: (m: ResolveModule) => Resolver[]): ResolveModule {
  let app: { resolvers: Resolver[] } | undefined;
  const fakeRequire = (id: string) => (id === './app' ? { App: { of: () => app } } : createRequire(RESOLVE)(id));
  const m = runCommonJs<ResolveModule>(source, RESOLVE, fakeRequire);
  app = { resolvers: resolvers(m) };
  return m;
}

const builtIn = (m: ResolveModule) => [new m.LazyResolver(), new m.ImplicitTokenResolver(), new m.NumberStringUnionResolver()];

/** The same shape all the way down: keys in order, prototypes (the same, or the same shape), holes, and each leaf the same by Object.is. */
function expectSame(a: unknown, b: unknown, at = '$') {
  // each side resolves a value of its own (the same seed): a producer left in place is its own function
  if (typeof a === 'function' && typeof b === 'function') return;
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    expect(Object.is(a, b), `${at}: ${String(a)} / ${String(b)}`).toBe(true);
    return;
  }
  const [pa, pb] = [Object.getPrototypeOf(a), Object.getPrototypeOf(b)];
  // `result['__proto__'] = v` (an own __proto__ key resolved) sets the prototype to each side's v
  if (pa === null || pb === null || [Object.prototype, Array.prototype, Union.prototype, Other.prototype].includes(pa))
    expect(pa, at).toBe(pb);
  else expectSame(pa, pb, `${at}.[[Prototype]]`);
  expect(Array.isArray(a), at).toBe(Array.isArray(b));
  expect(Reflect.ownKeys(a), at).toEqual(Reflect.ownKeys(b));
  for (const k of Reflect.ownKeys(a)) {
    expectSame((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], `${at}.${String(k)}`);
  }
}

/** What a union class of the generated L1s is (`Quantity.fromString('1Gi')`): a class with a number or string `value`. */
class Union {
  constructor(readonly value: unknown) {}
}
class Other {
  readonly field = 'kept as it is';
}

/**
 * A random value to resolve: plain objects (some with an own `__proto__` key, some with a
 * prototype of null) and arrays (some with holes) of primitives, Lazy values, implicit tokens
 * (objects with `resolve()`), union classes and other class instances, nested. Producers count
 * their calls in `calls`, which must come out the same for both.
 */
function value(next: () => number, calls: number[], depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 8 : 14));
  /** A producer of `inner` that counts its calls. */
  const counted = (inner: unknown) => () => {
    calls.push(calls.length);
    return inner;
  };
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return [0, -0, 1.5, Number.NaN][Math.floor(next() * 4)];
    case 3:
      return ['', 'a', '1Gi', 'value'][Math.floor(next() * 4)];
    case 4:
      return next() < 0.5;
    case 5:
      return new Union(next() < 0.5 ? 2 : '500m');
    case 6:
      return new Union(next() < 0.5 ? true : undefined);
    case 7:
      return new Other();
    case 8: {
      return Lazy.any({ produce: counted(value(next, calls, depth + 1)) });
    }
    case 9: {
      return { resolve: counted(value(next, calls, depth + 1)) };
    }
    case 10: {
      const a = Array.from({ length: Math.floor(next() * 4) }, () => value(next, calls, depth + 1));
      if (a.length > 1 && next() < 0.3) delete a[0];
      return a;
    }
    default: {
      const o: Record<string, unknown> = next() < 0.1 ? Object.create(null) : {};
      for (const key of ['b', 'a', '10', '2', '__proto__', 'value', 'resolve'].filter(() => next() < 0.4)) {
        Object.defineProperty(o, key, { value: value(next, calls, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
  }
}

describe("cdk8s's resolve, rewritten", () => {
  it('is found in the installed cdk8s once, and gets the built-in path', () => {
    expect(text.split(RESOLVERS_LINE).length - 1).toBe(1);
    const rewritten = withBuiltInResolve(text);
    expect(rewritten).toContain(`${RESOLVERS_LINE}\n    if (__onlyBuiltIn(resolvers)) return __resolveBuiltIn(value);`);
    // another resolve is left as it is
    expect(withBuiltInResolve(text.replace(RESOLVERS_LINE, 'const resolvers = [];'))).toBe(
      text.replace(RESOLVERS_LINE, 'const resolvers = [];'),
    );
  });

  it('gives what the original gives, with the producers called the same times', () => {
    const before = load(text, builtIn);
    const after = load(withBuiltInResolve(text), builtIn);
    for (let n = 0; n < 3000; n++) {
      const callsBefore: number[] = [];
      const callsAfter: number[] = [];
      // the same seed twice: the same value, each with producers of its own
      const a = before.resolve([], value(random(n), callsBefore), {});
      const b = after.resolve([], value(random(n), callsAfter), {});
      expectSame(b, a);
      expect(callsAfter).toEqual(callsBefore);
    }
  });

  it('takes the original path for an App with a resolver of its own, which sees every key', () => {
    const keys = (source: string) => {
      const seen: string[] = [];
      const own: Resolver = { resolve: (c) => void seen.push(c.key.join('.')) };
      const m = load(source, (m) => [own, ...builtIn(m)]);
      const resolved = m.resolve([], { spec: { ports: [{ port: 80 }], size: new Union('1Gi') } }, {});
      return { seen, resolved };
    };
    const before = keys(text);
    const after = keys(withBuiltInResolve(text));
    expect(after.seen).toEqual(before.seen);
    expect(after.seen).toContain('spec.ports.0.port');
    expectSame(after.resolved, before.resolved);
  });

  it('takes the original path when a built-in resolver was replaced', () => {
    const replaced = (m: ResolveModule) => {
      const [lazy, implicit, union] = builtIn(m);
      union.resolve = (c) =>
        typeof c.value === 'string' && c.value !== c.value.toUpperCase() ? c.replaceValue(c.value.toUpperCase()) : undefined;
      return [lazy, implicit, union];
    };
    const before = load(text, replaced);
    const after = load(withBuiltInResolve(text), replaced);
    expect(after.resolve([], { a: ['x', { b: 'y' }] }, {})).toEqual({ a: ['X', { b: 'Y' }] });
    expectSame(after.resolve([], { a: ['x', { b: 'y' }] }, {}), before.resolve([], { a: ['x', { b: 'y' }] }, {}));
  });
});

/** What `sanitizeValue(resolve(...))` gives, or that it threw. */
function outcome(run: () => unknown): { value: unknown } | { threw: true } {
  try {
    return { value: run() };
  } catch {
    return { threw: true };
  }
}

describe("ApiObject.toJson()'s resolve and sanitize, in one walk", () => {
  it('is found in the installed cdk8s once, and calls resolveSanitized only when resolve gets the built-in path', () => {
    expect(API_OBJECT_TEXT.split(SANITIZE_CALL).length - 1).toBe(1);
    expect(withResolveSanitized(API_OBJECT_TEXT, text)).toContain('(0, resolve_1.resolveSanitized)([], data, this, sortKeys)');
    expect(withResolveSanitized(API_OBJECT_TEXT, text)).not.toContain(SANITIZE_CALL);
    // a resolve.js that keeps its original path defines no resolveSanitized: api-object.js is left as it is
    const other = text.replace(RESOLVERS_LINE, 'const resolvers = [];');
    expect(withResolveSanitized(API_OBJECT_TEXT, other)).toBe(API_OBJECT_TEXT);
  });

  for (const sortKeys of [true, false]) {
    it(`gives what sanitizeValue(resolve(...)) gives, with the producers called the same times (sortKeys ${sortKeys})`, () => {
      const before = load(text, builtIn);
      const after = load(withBuiltInResolve(text), builtIn);
      let threw = 0;
      for (let n = 0; n < 3000; n++) {
        const callsBefore: number[] = [];
        const callsAfter: number[] = [];
        const a = outcome(() => sanitizeValue(before.resolve([], value(random(n), callsBefore), {}), { sortKeys }));
        const b = outcome(() => after.resolveSanitized([], value(random(n), callsAfter), {}, sortKeys));
        // what sanitizeValue refuses (an object of another class) is refused by both; the walk may stop sooner
        if ('threw' in a) {
          threw++;
          expect(b, `seed ${n}`).toEqual(a);
          continue;
        }
        expect('value' in b, `seed ${n}`).toBe(true);
        expectSame((b as { value: unknown }).value, a.value);
        expect(callsAfter, `seed ${n}`).toEqual(callsBefore);
      }
      // both kinds of value were drawn
      expect(threw).toBeGreaterThan(100);
      expect(threw).toBeLessThan(2900);
    });
  }

  it('takes the original path for an App with a resolver of its own, which sees every key', () => {
    const seen: string[] = [];
    const own: Resolver = { resolve: (c) => void seen.push(c.key.join('.')) };
    const m = load(withBuiltInResolve(text), (m) => [own, ...builtIn(m)]);
    const value = { spec: { b: null, a: [{ port: 80 }], size: new Union('1Gi') } };
    expect(m.resolveSanitized([], value, {}, true)).toEqual({ spec: { a: [{ port: 80 }], size: { value: '1Gi' } } });
    expect(seen).toContain('spec.a.0.port');
  });
});

type Sanitize = (value: unknown, options?: { sortKeys?: boolean; filterEmptyArrays?: boolean; filterEmptyObjects?: boolean }) => unknown;

/** How many times `run` called Array.prototype.sort. */
function sorts(run: () => void): number {
  const sort = Array.prototype.sort;
  let calls = 0;
  Array.prototype.sort = function (this: unknown[], ...args: Parameters<typeof sort>) {
    calls++;
    return sort.apply(this, args);
  } as typeof sort;
  try {
    run();
  } finally {
    Array.prototype.sort = sort;
  }
  return calls;
}

/** A plain object of `n` keys in a random order: words, integer-like keys, and characters above the BMP (compared by UTF-16 code units). */
function keyed(next: () => number, n: number): Record<string, unknown> {
  const words = [
    'name',
    'Name',
    'namespace',
    'labels',
    'a',
    'b',
    '',
    '10',
    '2',
    '007',
    'z\u00e9',
    '\u{1F600}',
    '\uFF5E',
    'key-1',
    'key_1',
    'key.1',
  ];
  const o: Record<string, unknown> = {};
  while (Object.keys(o).length < n) {
    const word = words[Math.floor(next() * words.length)]! + (next() < 0.5 ? String(Math.floor(next() * 40)) : '');
    o[word] = next() < 0.2 ? null : next() < 0.3 ? { [word]: word, b: [word, null] } : word;
  }
  return o;
}

describe("sanitizeValue's sort of an object's keys, by insertion", () => {
  it("is found in the installed cdk8s's _util.js once, and is left alone in another", () => {
    expect(UTIL_TEXT.split(SORTED_KEYS_LINE).length - 1).toBe(1);
    expect(withSortedKeys(UTIL_TEXT)).not.toContain(SORTED_KEYS_LINE);
    const other = UTIL_TEXT.replace(SORTED_KEYS_LINE, 'const keys = Object.keys(obj);');
    expect(withSortedKeys(other)).toBe(other);
  });

  it('gives what sanitizeValue gives, keys in the same order, on objects of 0 to 40 keys', () => {
    const original = sanitizeValue as Sanitize;
    const rewritten = runCommonJs<{ sanitizeValue: Sanitize }>(withSortedKeys(UTIL_TEXT), UTIL).sanitizeValue;
    for (let n = 0; n < 400; n++) {
      const next = random(n);
      const value = keyed(next, Math.floor(next() * 41));
      for (const options of [{}, { sortKeys: false }, { filterEmptyArrays: true, filterEmptyObjects: true }]) {
        expectSame(rewritten(value, options), original(value, options));
      }
    }
  });

  it(`sorts up to ${INSERTION_KEYS} keys without Array.prototype.sort (which makes a work array of each), more with it`, () => {
    const rewritten = runCommonJs<{ sanitizeValue: Sanitize }>(withSortedKeys(UTIL_TEXT), UTIL).sanitizeValue;
    const metadata = { name: 'api', namespace: 'qa', labels: { tier: 'web', app: 'api' }, annotations: { b: '1', a: '2' } };
    expect(sorts(() => (sanitizeValue as Sanitize)(metadata))).toBeGreaterThan(0);
    let out: unknown;
    expect(sorts(() => (out = rewritten(metadata)))).toBe(0);
    expect(JSON.stringify(out)).toBe('{"annotations":{"a":"2","b":"1"},"labels":{"app":"api","tier":"web"},"name":"api","namespace":"qa"}');
    const large = Object.fromEntries(Array.from({ length: INSERTION_KEYS + 1 }, (_, i) => [`k${INSERTION_KEYS - i}`, i]));
    expect(sorts(() => rewritten(large))).toBe(1);
    // resolve and sanitize in one walk, the same way
    const m = load(withBuiltInResolve(text), builtIn);
    expect(sorts(() => (out = m.resolveSanitized([], metadata, {}, true)))).toBe(0);
    expect(JSON.stringify(out)).toBe('{"annotations":{"a":"2","b":"1"},"labels":{"app":"api","tier":"web"},"name":"api","namespace":"qa"}');
    expect(sorts(() => m.resolveSanitized([], large, {}, true))).toBe(1);
  });

  it('resolves and sanitizes objects of 0 to 40 keys as sanitizeValue(resolve(...)) does', () => {
    const before = load(text, builtIn);
    const after = load(withBuiltInResolve(text), builtIn);
    for (let n = 0; n < 400; n++) {
      const next = random(n);
      const value = keyed(next, Math.floor(next() * 41));
      expectSame(after.resolveSanitized([], value, {}, true), sanitizeValue(before.resolve([], value, {}), { sortKeys: true }));
    }
  });
});
