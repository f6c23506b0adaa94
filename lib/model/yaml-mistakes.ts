/**
 * The YAML parser's errors that have a usual cause, said in the file's words and placed where to
 * change it (lib/model/read-yaml.ts reports them): an unquoted value starting with `*` (a cron
 * schedule), a key indented between the columns of two mappings. Pure.
 */
import type { YAMLParseError } from 'yaml';
import type { Problem, SourceLocation } from '../errors.js';
import { shorten } from './limits.js';
import { detectSecretOrEncoded, maskValue } from './secret-rules.js';

/**
 * What a parser error with a usual cause means, in the file's words, placed where to change it:
 * a plain value starting with `*` (a cron schedule), or a key indented between two mappings' columns; in a stream of
 * manifests (`manifests`: readYaml's `multi`), a directive after a document (`input/yaml-directive`).
 */
export function explained(e: YAMLParseError, text: string, at: (offset: number) => SourceLocation, manifests = false): Partial<Problem> {
  const lineStart = text.lastIndexOf('\n', e.pos[0] - 1) + 1;
  const lineEnd = text.indexOf('\n', lineStart);
  const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  // what follows the alias is unexpected (another `*`, a word), or the `*` alone is no alias
  if (e.code === 'UNEXPECTED_TOKEN' || e.code === 'BAD_ALIAS') {
    const star = starValue(line);
    return star ? { ...star, location: at(lineStart + star.column) } : {};
  }
  // a directive after a document with no `...` before it: the yaml library reads a value, kubectl refuses the file as a
  // directive; in manifests only (`manifests`), which kubectl reads: a stage file's stray `%` line is no such thing
  if (manifests && e.code === 'BAD_SCALAR_START' && e.pos[0] === lineStart && /^%\S/.test(line))
    return { code: 'input/yaml-directive', ...directiveMistake(line.trimEnd()) };
  // `--- apiVersion: v1`: a mapping begun on the document marker's line (no bracket was left open)
  if (e.code === 'MISSING_CHAR' && /^---[ \t]+[^\s#]/.test(line))
    return { hint: 'start the document on the line after ---: a --- line holds nothing else, but a comment' };
  const indent = e.code === 'BAD_INDENT' ? misindented(text.slice(0, lineStart).split('\n').slice(0, -1), line) : undefined;
  return indent ? { ...indent, location: at(lineStart + indent.column) } : {};
}

/**
 * What a YAML directive (`%YAML 1.1`, `%TAG`, as `source` writes it) does to manifests: kubectl and kustomize split a
 * stream at its `---` lines before go-yaml reads each part, which leaves a directive in a part of its own with no
 * document, and both refuse the file (`yaml: line 1: did not find expected <document start>`; a `%YAML 1.2` document:
 * `found incompatible YAML document`), wherever it stands. The yaml library would follow it.
 */
export function directiveMistake(source: string): { message: string; hint: string } {
  return {
    message: `the directive ${detectSecretOrEncoded(source) ? maskValue(source) : shorten(source)} makes kubectl and kustomize refuse the file: they split it at its --- lines before reading each part, which leaves the directive apart from its document ('did not find expected <document start>')`,
    hint: source.startsWith('%YAML')
      ? 'remove the line: manifests are read as YAML 1.2 without it, and values that kubectl (YAML 1.1) reads otherwise are said'
      : 'remove the line, and write each tag it abbreviates in full (!<tag:...>), or none',
  };
}

/** A plain value starting with `*` after a key or a list's dash: where it starts (in the line), and its value when it is a cron schedule's characters. */
const STAR_VALUE = /^(\s*(?:-\s+)*(?:([^\s#'"][^:#]*):\s+)?)(\*[^#]*?)\s*(?:\s#.*)?$/;
/** A cron schedule, whose characters are safe to echo (no secret is written so). */
const CRON_CHARACTERS = /^[*/0-9,\- ]+$/;

/**
 * `schedule: *\/5 * * * *` unquoted: YAML reads `*` as an alias (a reference to an anchor), and the
 * parser reports each `*` after the first as an unexpected alias. One problem at the value, to quote it.
 */
function starValue(line: string): { column: number; message: string; hint: string } | undefined {
  const m = STAR_VALUE.exec(line);
  if (!m) return undefined;
  const [, before, key, value] = m;
  const shown = CRON_CHARACTERS.test(value) ? `'${shorten(value)}'` : 'this value';
  return {
    column: before.length,
    message: `${shown} starts with *, which YAML reads as an alias (a reference to an anchor such as &name), not as text`,
    hint: `quote it${shown === 'this value' ? '' : `: ${key ? `${key.trim()}: ` : ''}"${shorten(value)}"`} (a cron schedule such as */5 * * * * is always quoted)`,
  };
}

/** The indentation of a line, and its key when it writes one (`  web:`). */
const KEY_LINE = /^( *)([^\s#'"-][^:#]*):(?:\s|$)/;

/**
 * A key indented between the columns of the mappings above it (` web:` after `delivery:`, whose keys
 * are indented 2): the mapping it was read into, and the indentations that would place it.
 * `before` are the lines above it.
 */
function misindented(before: readonly string[], line: string): { column: number; message: string; hint: string } | undefined {
  const m = KEY_LINE.exec(line);
  if (!m) return undefined;
  const indent = m[1].length;
  // the keys above, one per column, each left of the one after it: the chain of mappings the line is in
  const chain: { indent: number; key: string; line: number }[] = [];
  for (let i = before.length - 1; i >= 0 && (chain.at(-1)?.indent ?? Number.POSITIVE_INFINITY) > 0; i--) {
    const k = KEY_LINE.exec(before[i]);
    if (k && k[1].length < (chain.at(-1)?.indent ?? Number.POSITIVE_INFINITY))
      chain.push({ indent: k[1].length, key: k[2].trim(), line: i + 1 });
  }
  const inner = chain.filter((c) => c.indent > indent).at(-1);
  const outer = chain.find((c) => c.indent < indent);
  if (!inner || !outer) return undefined;
  const parent = chain.find((c) => c.indent < outer.indent);
  const outerName = parent ? `a key of ${shorten(parent.key)} (line ${parent.line})` : 'a top-level key';
  const spaces = (n: number) => `${n} space${n === 1 ? '' : 's'}`;
  return {
    column: indent,
    message: `'${shorten(m[2].trim())}' is indented ${spaces(indent)}, so it was read into ${shorten(outer.key)} (line ${outer.line}), whose keys are indented ${spaces(inner.indent)}`,
    hint: `indent it ${spaces(inner.indent)} to make it a key of ${shorten(outer.key)}, or ${spaces(outer.indent)} to make it ${outerName}; the keys of one mapping start at the same column`,
  };
}
