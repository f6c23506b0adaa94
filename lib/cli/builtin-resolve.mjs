// How lib/cli/run.mjs bundles cdk8s's `resolve` (`lib/resolve.js`), which `ApiObject.toJson()`
// calls on every value of every object: for each value it looks up the App (a walk up the
// construct tree), makes a `ResolutionContext` with the value's key path copied
// (`[...key, k]`) and asks each of the App's resolvers about it. When the App has only cdk8s's
// three built-in resolvers (none of them reads the key path), the bundled module asks the same
// three questions inline, in the same order, of each value: `__resolveBuiltIn`. An App with
// resolvers of its own (or with a built-in one whose `resolve` was replaced) goes the original
// way. On a cold 1,000-app x 4-stage synth, cdk8s's own time fell by about 12 % more (two pairs of
// one-thread profiles), and five alternating pairs took 5.24-5.77 s against 5.52-6.32 s (bench/README.md).
// The bundles run this; tests and the sources run cdk8s as it is, and
// test/cli/builtin-resolve.test.ts holds the two to the same objects.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This file: the bundles are built again when it changes. */
export const BUILTIN_RESOLVE_MODULE = fileURLToPath(import.meta.url);

/** The line of cdk8s's `resolve` after which the rewrite takes the built-in path. */
export const RESOLVERS_LINE = 'const resolvers = app_1.App.of(apiObject).resolvers;';

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
`;

/** The module text of cdk8s's `lib/resolve.js` with the built-in path; unchanged when its `resolve` is not the one expected. */
export function withBuiltInResolve(text) {
  const at = text.indexOf(RESOLVERS_LINE);
  if (at < 0 || text.indexOf(RESOLVERS_LINE, at + 1) >= 0) return text;
  const end = at + RESOLVERS_LINE.length;
  return `${text.slice(0, end)}\n    if (__onlyBuiltIn(resolvers)) return __resolveBuiltIn(value);${text.slice(end)}\n${HELPERS}`;
}

/** The esbuild plugin that loads cdk8s's `lib/resolve.js` rewritten. */
export const builtInResolvePlugin = {
  name: 'builtin-resolve',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]cdk8s[\\/]lib[\\/]resolve\.js$/ }, (args) => ({
      loader: 'js',
      contents: withBuiltInResolve(readFileSync(args.path, 'utf8')),
    }));
  },
};
