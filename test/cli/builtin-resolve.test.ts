/**
 * The rewrite of cdk8s's `resolve` in the bundles (lib/cli/builtin-resolve.mjs): the installed
 * module is rewritten, and the rewritten `resolve` gives the same values as the original on random
 * values holding everything the built-in resolvers act on, calls their producers the same times,
 * and leaves an App with resolvers of its own to the original path (which sees every key).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { RESOLVERS_LINE, SANITIZE_CALL, withBuiltInResolve, withResolveSanitized } from '../../lib/cli/builtin-resolve.mjs';
import { runCommonJs } from '../helpers/commonjs.js';
import { random } from '../helpers/random.js';

const require = createRequire(import.meta.url);
const RESOLVE = require.resolve('cdk8s/lib/resolve.js');
const text = readFileSync(RESOLVE, 'utf8');
const { Lazy } = require('cdk8s/lib/lazy.js') as { Lazy: { any(producer: { produce(): unknown }): unknown } };
const { sanitizeValue } = require('cdk8s/lib/_util.js') as { sanitizeValue(value: unknown, options: { sortKeys: boolean }): unknown };
const API_OBJECT_TEXT = readFileSync(require.resolve('cdk8s/lib/api-object.js'), 'utf8');

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
