/**
 * A diff of objects (./objects.ts) as the lines `npm run diff` prints, and promote and switch indent:
 * each change as `path: from -> to`, a text of several lines as the lines that differ, changes many
 * objects share once, then the objects only one side has. Pure.
 */
import { escapeName as escapeControlsOfName } from '../errors.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { Hidden } from '../checks/secret-texts.js';
import type { FieldChange, ObjectDiff } from './objects.js';
import { shownJson } from '../model/shown-values.js';
import { MAX_TEXT_LINES, textChangeLines, textOfLines } from '../model/text-change.js';

export { MAX_TEXT_LINES };

/**
 * An id or a field's path as a line shows it: each control character as its escape, and each character that prints as
 * nothing or turns the line around (a key holding U+202E in a hand-edited dist/) as its escape, as a value's are.
 */
const escapeName = (name: string) => escapeInvisible(escapeControlsOfName(name));

/** A value as JSON writes it, each string as promote's edit lines quote one (`shownJson`); a hidden one as what it says of itself. */
const show = (v: unknown) => (v === undefined ? '(none)' : v instanceof Hidden ? v.text : shownJson(keyedValues(v)));
/** Values inside a change are shown as written, not with the `[name]` keys used for matching. */
function keyedValues(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Hidden) return v;
  const entries = Object.entries(v);
  if (entries.length && entries.every(([k]) => k.startsWith('['))) return entries.map(([, x]) => keyedValues(x));
  return Object.fromEntries(entries.map(([k, x]) => [k, keyedValues(x)]));
}

/**
 * A field change as lines: `path: from -> to`; for a text of several lines on either side (a config
 * file a ConfigMap holds), the lines that differ (`textChangeLines`), not both texts whole on one line of escapes.
 */
function changeLines(f: FieldChange): string[] {
  const { from, to } = f;
  const text =
    (typeof from === 'string' || from === undefined) && (typeof to === 'string' || to === undefined)
      ? textChangeLines(escapeName(f.path), from, to)
      : undefined;
  // a text of several lines beside a hidden value (a config file that now holds a password): its count, not its lines on one line of \n's
  const side = (v: unknown, other: unknown) =>
    typeof v === 'string' && v.includes('\n') && other instanceof Hidden ? textOfLines(v) : show(v);
  return text ?? [`${escapeName(f.path)}: ${side(from, to)} -> ${side(to, from)}${f.note ? `, ${f.note}` : ''}`];
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
