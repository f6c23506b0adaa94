/**
 * The scripts of a package.json (npm, yarn, pnpm) or a composer.json: `"scripts": { "token": "node gen.js" }` names a script
 * `token` and gives the command it runs, which is no setting whose name says its value is secret. Read for the
 * `secret-setting` rule of setting-secret-rules.ts, which judges such a command by what it holds instead
 * (`"deploy": "TOKEN=... npm publish"`). Pure and synchronous.
 */
import { oncePerText } from './secret-shapes.js';

/** Where a `"scripts"` object starts: its key, quoted as JSON quotes it, and its `{`. */
const SCRIPTS_OBJECT = /"scripts"[ \t\r\n]*:[ \t\r\n]*\{/g;

/**
 * Where a text's `"scripts"` objects run, as start and end offsets one after another: each read from its `{` to the first `}`
 * or `{` outside a string (a script's command is a string; a nested object is no package.json's scripts), and the next looked
 * for after it, so that each character is read once however many objects the text holds. Read once per text.
 */
const scriptsSpans = oncePerText((text): readonly number[] => {
  const spans: number[] = [];
  SCRIPTS_OBJECT.lastIndex = 0;
  for (let m = SCRIPTS_OBJECT.exec(text); m; m = SCRIPTS_OBJECT.exec(text)) {
    let at = SCRIPTS_OBJECT.lastIndex;
    for (; at < text.length && text[at] !== '}' && text[at] !== '{'; at++) {
      if (text[at] !== '"') continue;
      // a string, to its closing quote or its line's end (`\"` within it: an escape)
      for (at++; at < text.length && text[at] !== '"' && text[at] !== '\n'; at++) if (text[at] === '\\') at++;
    }
    spans.push(SCRIPTS_OBJECT.lastIndex, at);
    SCRIPTS_OBJECT.lastIndex = at;
  }
  return spans;
});

/** Whether the place `at` of `text` is within a `"scripts"` object (`scriptsSpans`, searched by halves). */
export function inPackageScripts(text: string, at: number): boolean {
  const spans = scriptsSpans(text);
  let low = 0;
  let high = spans.length / 2;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[2 * mid + 1]! <= at) low = mid + 1;
    else high = mid;
  }
  return low < spans.length / 2 && spans[2 * low]! <= at;
}
