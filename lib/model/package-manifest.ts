/**
 * The entries of a package.json (npm, yarn, pnpm) or a composer.json whose keys name a script or a package, not a setting:
 * `"scripts": { "token": "node gen.js" }` names a script `token` and gives the command it runs, `"dependencies": {
 * "jsonwebtoken": "^9.0.0" }` a package and its version. Only in a text that is such a manifest (JSON, an object whose scripts
 * and dependencies are objects at its top), and only an entry whose value is what such an entry holds: a command (a blank in
 * it, or a known tool's name) or a version (a range, a tag, `npm:`, `file:`, `git+`, `workspace:`, a URL). `"overrides":
 * {"DB_PASSWORD": "..."}`, `"scripts": {"password": "..."}` are settings. Read for the `secret-setting` rule of
 * setting-secret-rules.ts, which judges such a value by what it holds instead (`"deploy": "TOKEN=... npm publish"`; a URL with
 * a password, by the URL rules). Pure and synchronous.
 */
import { oncePerText } from './once-per-text.js';

/** The objects at a manifest's top whose keys name a package (composer.json's `require`, `require-dev`). */
const DEPENDENCIES = /^(?:(?:dev|peer|optional|bundled?)?[Dd]ependencies|overrides|resolutions|require(?:-dev)?)$/;

/** How long a text is parsed as a manifest at most (a package.json is a few KiB; a longer text is read as settings only). */
const MANIFEST_CHARS = 1 << 20;

/** One comparator of a version range: `^9.0.0`, `>=8.1`, `~4.0.1`, `1.x`, `2.0.0-rc.1`, composer's `^1.0@beta`. */
const COMPARATOR = String.raw`(?:[<>]=?|[=~^])?[ \t]*v?(?:[0-9]+|[xX*])(?:\.(?:[0-9]+|[xX*])){0,3}(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?(?:@[a-z]+)?`;

/**
 * A dependency's version: a range of comparators (`>=1.2 <2 || ^3`, composer's `>=1.0,<2.0`), a tag, composer's branch
 * (`dev-main`, `2.x-dev`), or where the package comes from (`npm:`, `file:`, `link:`, `workspace:`, `git+https:`, `github:`, a URL,
 * GitHub's `owner/repo#ref`).
 */
const VERSION = new RegExp(
  `^(?:${COMPARATOR}(?:[ \\t]*(?:\\|\\||,|[ \\t]-[ \\t]|[ \\t])[ \\t]*${COMPARATOR})*|\\*|latest|next|beta|alpha|canary|rc|stable|lts|dev-[\\w./-]+|[0-9.]+x?-dev|(?:npm|file|link|portal|patch|workspace|github|gitlab|bitbucket|git(?:\\+[a-z]+)?|https?):\\S+|[\\w.-]+\\/[\\w.-]+(?:#\\S+)?)$`,
);

/** A script's command: words with a blank between them, or one known tool or path (`"build": "tsc"`, `"test": "./test.sh"`). */
const COMMAND =
  /\s|^(?:node|npm|npx|yarn|pnpm|bun|deno|tsc|tsx|ts-node|jest|vitest|mocha|ava|eslint|prettier|biome|webpack|vite|rollup|esbuild|parcel|tsup|next|nuxt|astro|gatsby|remix|ng|react-scripts|nodemon|rimraf|husky|lint-staged|playwright|cypress|storybook|turbo|nx|lerna|changeset|make|true|exit|phpunit|phpstan|php-cs-fixer|pest|psalm)$|^\.{0,2}\//;

/** A manifest's entry, `key` and `value` (their JSON text decoded), as the set of its entries holds it. */
const entry = (key: string, value: string): string => `${key}\n${value}`;

/**
 * The entries of a text's scripts and dependencies at its top that name a script or a package (`COMMAND`, `VERSION`), when the
 * text is a manifest: parsed once per text, a text of `MANIFEST_CHARS` at most that starts with `{`.
 */
const manifestEntries = oncePerText((text): ReadonlySet<string> => {
  const entries = new Set<string>();
  if (text.length > MANIFEST_CHARS || !/^\s*\{/.test(text)) return entries;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return entries;
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) return entries;
  for (const [name, object] of Object.entries(manifest)) {
    const scripts = name === 'scripts';
    if ((!scripts && !DEPENDENCIES.test(name)) || typeof object !== 'object' || object === null || Array.isArray(object)) continue;
    for (const [key, value] of Object.entries(object))
      if (typeof value === 'string' && (scripts ? COMMAND : VERSION).test(value)) entries.add(entry(key, value));
  }
  return entries;
});

/** A key and its value as JSON writes them (`"token": "node gen.js"`), escapes and all. */
const PAIR = /"((?:[^"\\\n]|\\.)*)"[ \t\r\n]*:[ \t\r\n]*"((?:[^"\\\n]|\\.)*)"/y;

/** How far back the start of a key is looked for, from a setting's name within it (`"reset password": ...`). */
const KEY_BACK = 256;

/**
 * Whether the setting at `at` of `text` is an entry of a manifest's scripts or dependencies that names a script or a package
 * (`manifestEntries`): the key quoted at `at`, or around it (a name at a key's end, `"reset password"`), and its quoted value.
 */
export function inPackageManifest(text: string, at: number): boolean {
  const entries = manifestEntries(text);
  if (entries.size === 0) return false;
  const from = Math.max(0, at - KEY_BACK);
  // the key's opening quote: at `at`, or the last one before it a bound back on its line (read back no further: a search through
  // the whole text from each setting is quadratic)
  const back = text[at] === '"' ? -1 : text.slice(from, at).lastIndexOf('"');
  const start = text[at] === '"' ? at : back === -1 ? -1 : from + back;
  if (start === -1 || text.slice(start, at).includes('\n')) return false;
  PAIR.lastIndex = start;
  const pair = PAIR.exec(text);
  if (pair === null || PAIR.lastIndex <= at) return false;
  try {
    return entries.has(entry(JSON.parse(`"${pair[1]}"`), JSON.parse(`"${pair[2]}"`)));
  } catch {
    return false;
  }
}
