/**
 * Why an edit of a stage file (lib/config/edit.ts) is refused when it would change another setting:
 * one read through an alias, or one a mapping merges. Each problem says where, the values before
 * and after, and what to write by hand.
 */
import type { Document, LineCounter, Node } from 'yaml';
import type { Problem } from '../errors.js';
import { formatFieldPath as dotted, type FieldPath } from '../model/field-path.js';
import { written } from './edit-text.js';
import { crossing, sourceOf, writtenPaths, type SideEffect } from './merges.js';

/** What a problem says of a value edit (`ValueEdit`, lib/config/edit.ts, which imports this module): its path and value. */
interface ValueEdit {
  readonly path: readonly string[];
  readonly value: string;
}

/**
 * Why an edit of a setting read through an alias (`web4: *web`) is refused: written there, it would
 * change the aliased setting, and everything else that reads it, too.
 */
export function aliasProblem(
  edit: ValueEdit,
  through: { node: Node; at: FieldPath },
  { text, lines }: { text: string; lines: LineCounter },
  file: string,
): Problem {
  const { line, col } = lines.linePos(through.node.range![0]);
  const alias = text.slice(through.node.range![0], through.node.range![1]).trim();
  const where = dotted(through.at);
  const rest = edit.path.slice(through.at.length);
  return {
    code: 'edit/not-a-value',
    location: { file, line, column: col },
    message: `cannot write ${dotted(edit.path)}: ${where} is the alias ${alias}, so the value is not written there, and writing it where ${alias} is defined would change that setting too`,
    hint:
      rest.length === 1
        ? `write { <<: ${alias}, ${rest[0]}: ${written(edit.value, undefined, true)} } in place of ${alias} in ${file}`
        : `write out what ${alias} stands for at ${where} in ${file}, then set ${dotted(edit.path)}: ${edit.value}`,
  };
}

/**
 * Why the edits are refused when one would change another setting that cannot be kept as it was:
 * one read through an alias, or a key added to a mapping that others merge.
 */
export function sideEffectProblem(
  effect: SideEffect,
  { text, doc, lines }: { text: string; doc: Document; lines: LineCounter },
  edits: readonly ValueEdit[],
  file: string,
): Problem {
  const source = sourceOf(doc, writtenPaths(doc), effect.path);
  const edit = edits.find((e) => dotted(e.path) === source) ?? edits[0];
  const through = crossing(doc, effect.path);
  const { line, col } = through?.node.range ? lines.linePos(through.node.range[0]) : { line: 1, col: 1 };
  const value = (v: unknown) => (v === undefined ? '(not set)' : String(v));
  // as written: `*web`, or the merge's `[*a, *b]`
  const alias = through?.node.range && text.slice(through.node.range[0], through.node.range[1]).trim();
  const setting = dotted(effect.path);
  const where = through ? dotted(through.at) : setting;
  const rest = through ? effect.path.slice(through.at.length) : [];
  const message = `cannot write ${dotted(edit.path)}: ${setting} would change with it (${value(effect.from)} -> ${value(effect.to)})`;
  const write = `write ${dotted(edit.path)}: ${edit.value} into ${file} by hand`;
  if (through?.merge) {
    return {
      code: 'edit/not-a-value',
      location: { file, line, column: col },
      message: `${message}, since ${where} merges it (<<: ${alias}) and a merged key cannot be kept unset`,
      hint: `${write}, and give ${where} the value it should have`,
    };
  }
  return {
    code: 'edit/not-a-value',
    location: { file, line, column: col },
    message: `${message}, since ${where} is the alias ${alias}, where stagecraft cannot write the old value out`,
    hint:
      rest.length === 1 && effect.from !== undefined
        ? `${write}; for ${setting} to keep ${value(effect.from)}, write { <<: ${alias}, ${rest[0]}: ${value(effect.from)} } in place of ${alias}`
        : rest.length === 0
          ? `${write}; for ${setting} to keep ${value(effect.from)}, write that value in place of ${alias}`
          : `${write}; for ${setting} to keep ${value(effect.from)}, write out what ${alias} stands for at ${where}`,
  };
}
