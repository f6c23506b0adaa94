// How lib/cli/bundle.cjs bundles cdk8s's `resolve` (`lib/resolve.js`), which `ApiObject.toJson()`
// calls on every value of every object: for each value it looks up the App (a walk up the
// construct tree), makes a `ResolutionContext` with the value's key path copied
// (`[...key, k]`) and asks each of the App's resolvers about it. When the App has only cdk8s's
// three built-in resolvers (none of them reads the key path), the bundled module asks the same
// three questions inline, in the same order, of each value: `__resolveBuiltIn`. An App with
// resolvers of its own (or with a built-in one whose `resolve` was replaced) goes the original
// way. On a cold 1,000-app x 4-stage synth, cdk8s's own time fell by about 12 % more (two pairs of
// one-thread profiles), and five alternating pairs took 5.24-5.77 s against 5.52-6.32 s (bench/README.md).
// `ApiObject.toJson()` then copies the resolved value once more with `sanitizeValue` (keys sorted,
// null and undefined values dropped); the bundled `lib/api-object.js` calls `resolveSanitized`
// instead, which on the built-in path does both in one walk: `__resolveSanitizeBuiltIn`. Both that
// walk and cdk8s's own `sanitizeValue` (`lib/_util.js`, which the metadata's `toJson` calls) sort
// an object's keys with `__sortKeys` (`SORT_KEYS`): by insertion, without `sort`'s work array.
// The bundles run this; tests and the sources run cdk8s as it is, and
// test/cli/builtin-resolve.test.ts holds the two to the same objects.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This file: the bundles are built again when it changes. */
export const BUILTIN_RESOLVE_MODULE = fileURLToPath(import.meta.url);

/** The line of cdk8s's `resolve` after which the rewrite takes the built-in path. */
export const RESOLVERS_LINE = 'const resolvers = app_1.App.of(apiObject).resolvers;';

/** Most mappings cdk8s sorts have fewer keys than this: sorted by insertion, in place (`SORT_KEYS`). */
export const INSERTION_KEYS = 16;

/**
 * `keys.sort()` for an object's keys, the text of a helper appended to both rewritten modules:
 * `sort` makes a work array of every array it sorts, and cdk8s sorts the keys of most mappings it
 * writes (the converters write a pod's metadata, probes, ports... in the schema's order): 69,001
 * sorts per 1,000-app stage, about 180 MB of a cold 1,000 x 4 fleet's 3.1 GB allocated
 * (bench/README.md, perf22). Up to INSERTION_KEYS keys they are put in order by insertion, in place,
 * by the same comparison (UTF-16 code units: `sort`'s without a comparator; an object's keys are
 * distinct, so a stable sort and this one give one order); above, by `sort`.
 */
export const SORT_KEYS = `
function __sortKeys(keys) {
    if (keys.length > ${INSERTION_KEYS}) {
        return keys.sort();
    }
    for (let i = 1; i < keys.length; i++) {
        const key = keys[i];
        let j = i;
        while (j > 0 && keys[j - 1] > key) {
            keys[j] = keys[j - 1];
            j--;
        }
        keys[j] = key;
    }
    return keys;
}
`;

/**
 * The helpers appended to the module: written against its own names (`lazy_1.Lazy`, the three
 * resolver classes), so they are text, not functions of this file.
 */
const HELPERS = `
/** Whether \`resolvers\` are cdk8s's three built-in ones, in their order, each with its own \`resolve\`. */
function __onlyBuiltIn(resolvers) {
    return resolvers.length === 3
        && resolvers[0]?.resolve === LazyResolver.prototype.resolve
        && resolvers[1]?.resolve === ImplicitTokenResolver.prototype.resolve
        && resolvers[2]?.resolve === NumberStringUnionResolver.prototype.resolve;
}
/** \`resolve\` with only the built-in resolvers: their three questions, in order, with no context object or key path. */
function __resolveBuiltIn(value) {
    if (value == null) {
        return value;
    }
    if (value instanceof lazy_1.Lazy) {
        return __resolveBuiltIn(value.produce());
    }
    if (typeof (value.resolve) === 'function') {
        return __resolveBuiltIn(value.resolve());
    }
    if (value.constructor !== Object && NumberStringUnionResolver.TYPES.includes(typeof (value.value))) {
        return __resolveBuiltIn({ value: value.value });
    }
    if (Array.isArray(value)) {
        return value.map((x) => __resolveBuiltIn(x));
    }
    if (value.constructor == Object) {
        // Object.entries without its array per key (the values are plain data, read in the same order)
        const result = {};
        const keys = Object.keys(value);
        for (let i = 0; i < keys.length; i++) {
            result[keys[i]] = __resolveBuiltIn(value[keys[i]]);
        }
        return result;
    }
    return value;
}
/** \`sanitizeValue(resolve(key, value, apiObject), { sortKeys })\`, in one walk when the App has only the built-in resolvers. */
function __resolveSanitized(key, value, apiObject, sortKeys) {
    if (!__onlyBuiltIn(app_1.App.of(apiObject).resolvers)) {
        return require("./_util").sanitizeValue(resolve(key, value, apiObject), { sortKeys });
    }
    return __resolveSanitizeBuiltIn(value, sortKeys);
}
/**
 * What \`sanitizeValue(__resolveBuiltIn(value), { sortKeys })\` gives, the value resolved and
 * sanitized on the way down: the same questions in the same order, each producer called once.
 * What \`sanitizeValue\` alone decides (an object of another class, or one with an own
 * \`__proto__\` key, which \`__resolveBuiltIn\` turns into a prototype) is left to it.
 */
function __resolveSanitizeBuiltIn(value, sortKeys) {
    if (value == null) {
        return undefined;
    }
    if (value instanceof lazy_1.Lazy) {
        return __resolveSanitizeBuiltIn(value.produce(), sortKeys);
    }
    if (typeof (value.resolve) === 'function') {
        return __resolveSanitizeBuiltIn(value.resolve(), sortKeys);
    }
    if (value.constructor !== Object && NumberStringUnionResolver.TYPES.includes(typeof (value.value))) {
        return __resolveSanitizeBuiltIn({ value: value.value }, sortKeys);
    }
    if (typeof value !== 'object') {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map((x) => __resolveSanitizeBuiltIn(x, sortKeys));
    }
    if (value.constructor == Object) {
        const keys = Object.keys(value);
        // cdk8s-plus's converters write the keys in order already: sorted only when they are not
        if (sortKeys && !__inOrder(keys)) {
            __sortKeys(keys);
        }
        if (keys.includes('__proto__')) {
            return require("./_util").sanitizeValue(__resolveBuiltIn(value), { sortKeys });
        }
        const result = {};
        for (let i = 0; i < keys.length; i++) {
            const v = __resolveSanitizeBuiltIn(value[keys[i]], sortKeys);
            if (v != null) {
                result[keys[i]] = v;
            }
        }
        return result;
    }
    return require("./_util").sanitizeValue(value, { sortKeys });
}
/** Whether \`keys\` are in the order \`keys.sort()\` puts them in (UTF-16 code units; an object's keys are distinct). */
function __inOrder(keys) {
    for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1] > keys[i]) {
            return false;
        }
    }
    return true;
}
${SORT_KEYS}exports.resolveSanitized = __resolveSanitized;
`;

/** The module text of cdk8s's `lib/resolve.js` with the built-in path; unchanged when its `resolve` is not the one expected. */
export function withBuiltInResolve(text) {
  const at = text.indexOf(RESOLVERS_LINE);
  if (at < 0 || text.indexOf(RESOLVERS_LINE, at + 1) >= 0) return text;
  const end = at + RESOLVERS_LINE.length;
  return `${text.slice(0, end)}\n    if (__onlyBuiltIn(resolvers)) return __resolveBuiltIn(value);${text.slice(end)}\n${HELPERS}`;
}

/** The call of `ApiObject.toJson()` that resolves and sanitizes an object's value. */
export const SANITIZE_CALL = '(0, _util_1.sanitizeValue)((0, resolve_1.resolve)([], data, this), { sortKeys })';

/**
 * The module text of cdk8s's `lib/api-object.js` calling `resolveSanitized`, when `resolveText`
 * (its `lib/resolve.js`) gets the built-in path, which defines it; otherwise unchanged.
 */
export function withResolveSanitized(text, resolveText) {
  if (withBuiltInResolve(resolveText) === resolveText || text.split(SANITIZE_CALL).length !== 2) return text;
  return text.replace(SANITIZE_CALL, '(0, resolve_1.resolveSanitized)([], data, this, sortKeys)');
}

/** The line of cdk8s's `sanitizeValue` (`lib/_util.js`) that sorts an object's keys: ApiObject.toJson()'s metadata goes through it. */
export const SORTED_KEYS_LINE = 'const keys = sortKeys ? Object.keys(obj).sort() : Object.keys(obj);';

/** The module text of cdk8s's `lib/_util.js` sorting keys with `__sortKeys`; unchanged when the line is not there once. */
export function withSortedKeys(text) {
  if (text.split(SORTED_KEYS_LINE).length !== 2) return text;
  return `${text.replace(SORTED_KEYS_LINE, 'const keys = sortKeys ? __sortKeys(Object.keys(obj)) : Object.keys(obj);')}\n${SORT_KEYS}`;
}

/** The esbuild plugin that loads cdk8s's `lib/resolve.js`, `lib/api-object.js` and `lib/_util.js` rewritten. */
export const builtInResolvePlugin = {
  name: 'builtin-resolve',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdk8s[\\/]lib[\\/]resolve\.js$/ }, (args) => ({
      loader: 'js',
      contents: withBuiltInResolve(readFileSync(args.path, 'utf8')),
    }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdk8s[\\/]lib[\\/]_util\.js$/ }, (args) => ({
      loader: 'js',
      contents: withSortedKeys(readFileSync(args.path, 'utf8')),
    }));
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdk8s[\\/]lib[\\/]api-object\.js$/ }, (args) => ({
      loader: 'js',
      contents: withResolveSanitized(readFileSync(args.path, 'utf8'), readFileSync(join(dirname(args.path), 'resolve.js'), 'utf8')),
    }));
  },
};
