/**
 * Reading YAML values fast with js-yaml (about ten times faster than the yaml library on large
 * files) where that gives what the yaml library gives; the callers parse again with the yaml
 * library, which has positions and limits alias expansion, when these say they must.
 */
import jsyaml from 'js-yaml';

/**
 * Alias expansions allowed per YAML document, in stage files and in manifests alike: more is an
 * "alias bomb" (a few lines that expand to gigabytes), not configuration. Real files use a few.
 */
export const MAX_ALIAS_COUNT = 100;

/** Quoted scalars on one line, whose text cannot hold an anchor or alias (a cron schedule `"0 2 * * *"`). */
const QUOTED = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'/g;
/** An anchor or alias may be in the text (once quoted scalars are taken out). */
const ANCHOR_OR_ALIAS = /(^|[\s[{,:-])[&*][^\s,[\]{}]/m;

/** Whether `text` may use anchors and aliases, whose expansion only the yaml library limits (false positives cost speed only). */
export function mayUseAliases(text: string): boolean {
  return ANCHOR_OR_ALIAS.test(text.replace(QUOTED, '""'));
}

/**
 * Where js-yaml (YAML 1.2 core schema) and the yaml library read a plain scalar differently:
 * `1_000` and `0b101` are numbers to js-yaml and strings to yaml, `-0` is 0 to js-yaml.
 */
const SCALARS_DIFFER = /[0-9]_|_[0-9]|0b[01]|(^|[\s:,[{])-0+(\.0*)?([\s,\]}#]|$)/m;

/**
 * The value of a one-document YAML text read with js-yaml, or undefined when the yaml library
 * must read it: a syntax error, a duplicate key, several documents, an empty document, aliases,
 * or scalars the two libraries read differently.
 */
export function quickValue(text: string): unknown {
  if (SCALARS_DIFFER.test(text) || mayUseAliases(text)) return undefined;
  try {
    return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) ?? undefined;
  } catch {
    return undefined; // the yaml library says what is wrong, and where
  }
}
