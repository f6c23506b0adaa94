/**
 * The objects of a package.json (npm, yarn, pnpm) or a composer.json whose keys name a script or a package, not a setting:
 * `"scripts": { "token": "node gen.js" }` names a script `token` and gives the command it runs, `"dependencies": {
 * "jsonwebtoken": "^9.0.0" }` a package and its version. Read for the `secret-setting` rule of setting-secret-rules.ts, which
 * judges such a value by what it holds instead (`"deploy": "TOKEN=... npm publish"`; a URL with a password, by the URL
 * rules). Pure and synchronous.
 */
import { oncePerText } from './secret-shapes.js';

/** Where such an object starts: its key, quoted as JSON quotes it, and its `{` (composer.json's `require`, `require-dev`). */
const MANIFEST_OBJECT =
  /"(?:scripts|(?:dev|peer|optional|bundled?)?[Dd]ependencies|overrides|resolutions|require(?:-dev)?)"[ \t\r\n]*:[ \t\r\n]*\{/g;

/**
 * Where a text's scripts and dependencies objects run, as start and end offsets one after another: each read from its `{` to the first `}`
 * or `{` outside a string (a command or a version is a string; a nested object ends what is read, an override's), and the next looked
 * for after it, so that each character is read once however many objects the text holds. Read once per text.
 */
const manifestSpans = oncePerText((text): readonly number[] => {
  const spans: number[] = [];
  MANIFEST_OBJECT.lastIndex = 0;
  for (let m = MANIFEST_OBJECT.exec(text); m; m = MANIFEST_OBJECT.exec(text)) {
    let at = MANIFEST_OBJECT.lastIndex;
    for (; at < text.length && text[at] !== '}' && text[at] !== '{'; at++) {
      if (text[at] !== '"') continue;
      // a string, to its closing quote or its line's end (`\"` within it: an escape)
      for (at++; at < text.length && text[at] !== '"' && text[at] !== '\n'; at++) if (text[at] === '\\') at++;
    }
    spans.push(MANIFEST_OBJECT.lastIndex, at);
    MANIFEST_OBJECT.lastIndex = at;
  }
  return spans;
});

/** Whether the place `at` of `text` is within a package.json's scripts or dependencies (`manifestSpans`, searched by halves). */
export function inPackageManifest(text: string, at: number): boolean {
  const spans = manifestSpans(text);
  let low = 0;
  let high = spans.length / 2;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[2 * mid + 1]! <= at) low = mid + 1;
    else high = mid;
  }
  return low < spans.length / 2 && spans[2 * low]! <= at;
}
