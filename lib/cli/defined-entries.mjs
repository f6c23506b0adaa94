// How lib/cli/bundle.cjs bundles cdk8s-plus's generated code: its `toJson_*` functions (in
// `lib/imports/k8s.js`) drop undefined values with
// `Object.entries(x).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})`
// (some convert each value: `i[1]?.value`), which makes a new object for every key and gives V8 an
// anonymous function per type to compile. In the bundle each becomes `__definedEntries(x)` (or
// `__definedEntries(x, (v) => v?.value)`): the same object, built key by key. On a cold
// 1,000-app x 4-stage synth, cdk8s's own time fell by about 15 % (bench/README.md).
// The bundles run this; tests and the sources run cdk8s-plus as it is, and
// test/cli/defined-entries.test.ts holds the two to the same objects.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** This file: the bundles are built again when it changes. */
export const DEFINED_ENTRIES_MODULE = fileURLToPath(import.meta.url);

/** The expression rewritten: the object whose entries it reads, and what it makes of a value (`i[1]`). */
export const DEFINED_ENTRIES =
  /Object\.entries\(([^()]*)\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: ([^{}]*) \}\), \{\}\)/g;

/**
 * What the expression returns: the own enumerable properties of `value` but undefined ones, in
 * their order, each value as `convert` makes it (the value itself by default).
 */
export function definedEntries(value, convert) {
  const out = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    const w = convert === undefined ? v : convert(v);
    // a computed `__proto__` key in a literal is an own property, not the prototype
    if (key === '__proto__') Object.defineProperty(out, key, { value: w, enumerable: true, writable: true, configurable: true });
    else out[key] = w;
  }
  return out;
}

/** The module text of cdk8s-plus's `lib/imports/k8s.js` with every such expression rewritten. */
export function withDefinedEntries(text) {
  const rewritten = text.replace(DEFINED_ENTRIES, (expression, object, value) => {
    if (value === 'i[1]') return `__definedEntries(${object})`;
    // a conversion of the value alone (`i[1]?.value`, `toJson_X(i[1])`); anything else stays as it is
    const convert = value.replaceAll('i[1]', '__v');
    return /\bi\b/.test(convert) ? expression : `__definedEntries(${object}, (__v) => ${convert})`;
  });
  return `const __definedEntries = ${definedEntries.toString()};\n${rewritten}`;
}

/** The esbuild plugin that loads cdk8s-plus's generated module rewritten. */
export const definedEntriesPlugin = {
  name: 'defined-entries',
  setup(build) {
    build.onLoad({ filter: /[\\/]cdk8s-plus-[0-9]+[\\/]lib[\\/]imports[\\/]k8s\.js$/ }, (args) => ({
      loader: 'js',
      contents: withDefinedEntries(readFileSync(args.path, 'utf8')),
    }));
  },
};
