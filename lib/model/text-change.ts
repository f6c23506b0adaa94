/**
 * A change of a text of several lines as the lines that differ, as a line diff shows them: npm run
 * diff's for a ConfigMap's file (lib/diff/lines.ts), promote's and switch's for a block scalar
 * of a stage file (lib/config/edit.ts). Pure.
 */
import { hasInvisible } from './invisible-characters.js';
import { quotedText } from './shown-values.js';

/** The lines of a text of several lines that a diff shows of each side, at most: then how many more. */
export const MAX_TEXT_LINES = 20;

/** `a final newline added` (or `removed`) when one of two texts ends with a newline and the other does not; '' otherwise, or when one is empty (it has no line to end). */
function finalNewline(from: string, to: string): string {
  return from === '' || to === '' || from.endsWith('\n') === to.endsWith('\n')
    ? ''
    : `a final newline ${to.endsWith('\n') ? 'added' : 'removed'}`;
}

/**
 * A change of a text of several lines on either side (a config file a ConfigMap holds, a block
 * scalar of a stage file) as lines: the lines that differ, from the first to the last, as a line
 * diff reads (`- ` before, `+ ` after, at most MAX_TEXT_LINES of each), under
 * `<head>: a text of 9 lines -> 8 lines, from line 5:` (`head` as given: a path, escaped by the
 * caller), with `note` after the counts; a text added or removed (`from` or `to` undefined) as
 * `<head>: (none) -> a text of 25 lines:` and its lines; undefined when neither text holds a line feed.
 */
export function textChangeLines(head: string, from: string | undefined, to: string | undefined, note?: string): string[] | undefined {
  if (!(from?.includes('\n') || to?.includes('\n'))) return undefined;
  // a text added or removed as a field (a config file under a new key): its lines, not one line of \n's
  if (from === undefined || to === undefined) {
    const text = textLines((from ?? to)!);
    const [was, now] =
      from === undefined ? ['(none)', `a text of ${linesSaid(text.length)}`] : [`a text of ${linesSaid(text.length)}`, '(none)'];
    return [`${head}: ${was} -> ${now}${note ? `, ${note}` : ''}:`, ...side(from === undefined ? '+' : '-', text)];
  }
  const [a, b] = [textLines(from), textLines(to)];
  const said = note ? `, ${note}` : '';
  // the lines alike, the texts differ by their final newline alone; else it is said beside the lines that differ
  const newline = finalNewline(from, to);
  if (a.length === b.length && a.every((l, i) => l === b[i])) return [`${head}: a text of ${linesSaid(a.length)}, ${newline}${said}`];
  // the same lines but for their ends (a file saved on Windows): said, not every line shown twice with its \r
  const ends = lineEnds(a, b);
  if (ends) return [`${head}: a text of ${linesSaid(a.length)}, ${ends}${newline ? `, ${newline}` : ''}${said}`];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const [old, now] = [a.slice(start, a.length - end), b.slice(start, b.length - end)];
  return [
    `${head}: a text of ${linesSaid(a.length)} -> ${linesSaid(b.length)}, ${newline ? `${newline}, ` : ''}${note ? `${note}, ` : ''}from line ${start + 1}:`,
    ...side('-', old),
    ...side('+', now),
  ];
}

/** Lines of one side of a text's change, each after its mark (`- `, `+ `), at most MAX_TEXT_LINES: then how many more. */
function side(mark: string, text: readonly string[]): string[] {
  return [
    ...text.slice(0, MAX_TEXT_LINES).map((l) => `  ${mark} ${shownLine(l)}`),
    ...(text.length > MAX_TEXT_LINES ? [`  ${mark} ... and ${text.length - MAX_TEXT_LINES} more lines`] : []),
  ];
}

/** The words said of a line in place of it, which a line that holds them as text must not read as. */
const SAID = /^\(an empty line\)$|^\.\.\. and \d+ more lines$/;

/**
 * A line of a text as a side of its change shows it: as it is (its indentation shows against the
 * mark), an empty one said (a blank after the mark reads as nothing); but as `quotedText` writes it
 * (`"b  "`, `"\tb"`, `"b\r"`, `"x\x1b[2J"`) when it has a blank at its end (`b  ` -> `b` read as no
 * change), a tab (a tab and 8 blanks read alike), a control or an invisible character, or would read
 * as another line: one that reads as `quotedText`'s (`"q"`; not `"key": 1` nor `"a": "b"`, whose inner `"`
 * `quotedText` would write `\"`), or the words said in place of a line.
 */
function shownLine(line: string): string {
  if (line === '') return '(an empty line)';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters to show as escapes
  const plain = !/\s$|^"(?:[^"\\]|\\.)*"$|[\x00-\x1f\x7f-\x9f]/.test(line) && !hasInvisible(line) && !SAID.test(line);
  return plain ? line : quotedText(line);
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

/** `9 lines`, `1 line`. */
const linesSaid = (n: number) => `${n} line${n === 1 ? '' : 's'}`;

/** A text of several lines as a change's side says it in place of the text itself: `a text of 25 lines`. */
export const textOfLines = (text: string): string => `a text of ${linesSaid(textLines(text).length)}`;

/** A text's lines as its file has them: a final newline ends the last line and starts no empty one (`a\nb\n` is 2 lines), and '' has none. */
export function textLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}
