/**
 * A diff of objects (./objects.ts) as the lines `npm run diff` prints, and promote and switch indent:
 * each change as `path: from -> to`, a text of several lines as the lines that differ, changes many
 * objects share once, then the objects only one side has. Pure.
 */
import { escapeControls, escapeName } from '../errors.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { Hidden } from './hidden-values.js';
import type { FieldChange, ObjectDiff } from './objects.js';
import { shownJson } from '../model/shown-values.js';

/** A value as JSON writes it, each string as promote's edit lines quote one (`shownJson`); a hidden one as what it says of itself. */
const show = (v: unknown) => (v === undefined ? '(none)' : v instanceof Hidden ? v.text : shownJson(keyedValues(v)));
/** Values inside a change are shown as written, not with the `[name]` keys used for matching. */
function keyedValues(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Hidden) return v;
  const entries = Object.entries(v);
  if (entries.length && entries.every(([k]) => k.startsWith('['))) return entries.map(([, x]) => keyedValues(x));
  return Object.fromEntries(entries.map(([k, x]) => [k, keyedValues(x)]));
}

/** `a final newline added` (or `removed`) when one of two texts ends with a newline and the other does not; '' otherwise, or when one is empty (it has no line to end). */
function finalNewline(from: string, to: string): string {
  return from === '' || to === '' || from.endsWith('\n') === to.endsWith('\n')
    ? ''
    : `a final newline ${to.endsWith('\n') ? 'added' : 'removed'}`;
}

/** The lines of a text of several lines that a diff shows of each side, at most: then how many more. */
export const MAX_TEXT_LINES = 20;

/**
 * A field change as lines: `path: from -> to`; for a text of several lines on both sides (a
 * config file a ConfigMap holds), the lines that differ, from the first to the last, as a line
 * diff reads (`- ` before, `+ ` after, at most MAX_TEXT_LINES of each), under
 * `path: a text of 9 lines -> 8 lines, from line 5:`, not both texts whole on one line of escapes.
 */
function changeLines(f: FieldChange): string[] {
  const { from, to } = f;
  if (typeof from !== 'string' || typeof to !== 'string' || !(from.includes('\n') || to.includes('\n')))
    return [`${escapeName(f.path)}: ${show(from)} -> ${show(to)}${f.note ? `, ${f.note}` : ''}`];
  const [a, b] = [textLines(from), textLines(to)];
  const lines = (n: number) => `${n} line${n === 1 ? '' : 's'}`;
  // the lines alike, the texts differ by their final newline alone; else it is said beside the lines that differ
  const newline = finalNewline(from, to);
  if (a.length === b.length && a.every((l, i) => l === b[i])) return [`${escapeName(f.path)}: a text of ${lines(a.length)}, ${newline}`];
  // the same lines but for their ends (a file saved on Windows): said, not every line shown twice with its \r
  const ends = lineEnds(a, b);
  if (ends) return [`${escapeName(f.path)}: a text of ${lines(a.length)}, ${ends}${newline ? `, ${newline}` : ''}`];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const [old, now] = [a.slice(start, a.length - end), b.slice(start, b.length - end)];
  const side = (mark: string, text: readonly string[]) => [
    // an empty line said, as a blank after the mark reads as nothing
    ...text.slice(0, MAX_TEXT_LINES).map((l) => `  ${mark} ${l === '' ? '(an empty line)' : escapeInvisible(escapeControls(l))}`),
    ...(text.length > MAX_TEXT_LINES ? [`  ${mark} ... and ${text.length - MAX_TEXT_LINES} more lines`] : []),
  ];
  return [
    `${escapeName(f.path)}: a text of ${lines(a.length)} -> ${lines(b.length)}, ${newline ? `${newline}, ` : ''}from line ${start + 1}:`,
    ...side('-', old),
    ...side('+', now),
  ];
}

/**
 * How the ends of two texts' lines changed when the lines are the same but for a `\r` before their
 * newline (`2 line ends \r\n -> \n`); undefined when other lines differ, or no end changed.
 */
function lineEnds(a: readonly string[], b: readonly string[]): string | undefined {
  if (a.length !== b.length) return undefined;
  let toLf = 0;
  let toCrlf = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (a[i] === `${b[i]}\r`) toLf++;
    else if (b[i] === `${a[i]}\r`) toCrlf++;
    else return undefined;
  }
  const said = (n: number, change: string) => (n ? [`${n} line end${n === 1 ? '' : 's'} ${change}`] : []);
  return [...said(toLf, '\\r\\n -> \\n'), ...said(toCrlf, '\\n -> \\r\\n')].join(', ') || undefined;
}

/** A text's lines as its file has them: a final newline ends the last line and starts no empty one (`a\nb\n` is 2 lines), and '' has none. */
function textLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

export interface DiffLabels {
  readonly before: string;
  readonly after: string;
}

/** A field change made on this many objects or more is shown once, with the count, not per object. */
export const SHARED_CHANGE = 3;

/**
 * Each changed object with its fields, then the changes many objects share (a new version label
 * on every object of a release), then the objects only one side has. An id and a field's path are
 * printed as names are (`escapeName`: a hand-edited dist/ may hold an ESC in a name or a key), values
 * as JSON.
 */
export function diffLines(d: ObjectDiff, labels: DiffLabels): string[] {
  const line = (f: FieldChange) => changeLines(f).join('\n');
  const counts = new Map<string, number>();
  for (const { fields } of d.changed) for (const f of fields) counts.set(line(f), (counts.get(line(f)) ?? 0) + 1);
  const shared = (f: FieldChange) => counts.get(line(f))! >= SHARED_CHANGE;
  const lines: string[] = [];
  for (const { id, fields } of d.changed) {
    const own = fields.filter((f) => !shared(f));
    if (own.length) lines.push(escapeName(id), ...own.flatMap((f) => changeLines(f).map((l) => `  ${l}`)));
  }
  for (const [change, n] of counts) {
    // one element per line (promote and switch indent each): a text's lines under the change, indented as under an object
    const [first, ...more] = change.split('\n');
    if (n >= SHARED_CHANGE) lines.push(`on ${n} objects: ${first}`, ...more.map((l) => `  ${l}`));
  }
  lines.push(
    ...d.removed.map((id) => `only in ${labels.before}: ${escapeName(id)}`),
    ...d.added.map((id) => `only in ${labels.after}: ${escapeName(id)}`),
  );
  return lines;
}

/** The diff as text: `diffLines`, then the counts. */
export function formatDiff(d: ObjectDiff, labels: DiffLabels): string {
  const lines = diffLines(d, labels);
  const n = d.changed.length + d.removed.length + d.added.length;
  lines.push(
    n === 0
      ? `${labels.before} and ${labels.after} are the same (${d.same} objects)`
      : `${d.changed.length} changed, ${d.removed.length} only in ${labels.before}, ${d.added.length} only in ${labels.after}, ${d.same} the same`,
  );
  return lines.join('\n') + '\n';
}
