/**
 * Changing values in a stage file the way a person would: only the characters of the values
 * change, and every comment, blank line, quote style and flow or block layout stays as it was.
 * (Re-serializing the parsed document would reformat the whole file.) Pure: text in, text out.
 *
 * Only the settings edited change: a mapping that merges an edited one (`web2: { <<: *web }`) keeps
 * its value, written out beside the merge, so does an alias of an edited value (`blue: *v`, written
 * out in its place), and an edit that would change a setting some other way (an alias of the whole
 * mapping, `web3: *web`) is refused.
 */
import {
  isAlias,
  isMap,
  isScalar,
  parseDocument,
  type Alias,
  type Document,
  type LineCounter,
  type Node,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import { ProblemsError, compareProblems, type SourceLocation } from '../errors.js';
import { capProblems } from '../model/limits.js';
import { readStageDocument } from './read-stage.js';
import { formatFieldPath as dotted, type FieldPath } from '../model/field-path.js';
import { shownValue } from '../model/shown-values.js';
import { textChangeLines } from '../model/text-change.js';
import { isMergeKey, mergeSources } from '../model/yaml-aliases.js';
import { aliasProblem, sideEffectProblem } from './edit-problems.js';
import { insertion, keptText, nodeAt, replacement, written } from './edit-text.js';
import {
  crossing,
  hasAlias,
  mergeBringing,
  pairOf,
  resolvedAt,
  settings,
  sideEffects,
  sourceOf,
  writtenPaths,
  type SideEffect,
} from './merges.js';

/** Edit lines show values as every command does (lib/model/shown-values.ts). */
export { shownValue };

/** A value to write at a path of keys from the top of the file, e.g. `['apps', 'demoapp', 'image']`. */
export interface ValueEdit {
  readonly path: readonly string[];
  readonly value: string;
  /**
   * Why the value is what it is, shown after the edit (`the tag of qa's demoapp:1.1; production's registry kept`).
   * @default - nothing is shown
   */
  readonly why?: string;
}

/** What an edit changed, and where. */
export interface AppliedEdit extends ValueEdit {
  /** The value before (merged from another mapping when `fromMerge` says so); undefined when it was not set. */
  readonly from?: string;
  /**
   * The setting `from` was merged from (`<<: *web`), e.g. `apps.web.image`.
   * @default - `from` was written at `path`, or not set
   */
  readonly fromMerge?: string;
  /**
   * How the value reaches `path` when it is not written there. `merged`: the mapping merges it
   * from `source`, which another edit changed. `kept`: the value did not change; it is now written
   * at `path`, because `source`, which it was merged from, changes.
   * @default - the value is written at `path`
   */
  readonly how?: {
    readonly kind: 'merged' | 'kept';
    readonly source: string;
    /**
     * `kept`: the anchor's name of the alias the value was written in place of (`blue: *v`, `&v` on `source`).
     * @default - the value was merged from `source`
     */
    readonly alias?: string;
  };
  /** Where the value is in the new text (for `merged`, the merge that brings it in). */
  readonly location: SourceLocation;
}

/** The parser's options as the loader's reader (lib/model/read-yaml.ts) sets them: merge keys expanded, duplicate keys found apart. */
const PARSE = { merge: true, uniqueKeys: false } as const;

/**
 * The side effects that can be undone by writing the old value out in the mapping that merged it
 * (`web2: { <<: *web, image: team/web:1.0 }`): the mapping is written in the file, merged the key
 * (it does not write it), and the key had a value. One whose value comes through another mapping
 * that gets the same key written out is left out: it merges the value kept there.
 */
function keepable(doc: Document, effects: readonly SideEffect[]): { map: YAMLMap; effect: SideEffect }[] {
  const candidates = effects.flatMap((effect) => {
    const map = nodeAt(doc, effect.path.slice(0, -1).map(String));
    const key = effect.path[effect.path.length - 1];
    const named = effect.path.every((k) => typeof k === 'string');
    return named && effect.from !== undefined && isMap(map) && map.range && mergeBringing(doc, map, String(key)) ? [{ map, effect }] : [];
  });
  const paths = writtenPaths(doc);
  const kept = new Set(candidates.map((c) => JSON.stringify(c.effect.path)));
  return candidates.filter(({ map, effect }) => {
    const key = String(effect.path[effect.path.length - 1]);
    const merged = map.items
      .filter((p) => isMergeKey(p.key))
      .flatMap((p) => mergeSources(doc, p.value).filter(isMap))
      .find((s) => pairOf(doc, s, key));
    const through = merged && paths.get(merged);
    return !(through && kept.has(JSON.stringify([...through, key])));
  });
}

/**
 * Writes each value at its path: a scalar (plain, quoted or block) is replaced in place; a missing
 * key is added as the last entry of its mapping, which must exist, unless the mapping merges the
 * value from one another edit gives it. A setting that merged an edited value, and is not edited
 * itself, gets its old value written out beside the merge (a `kept` edit).
 * The text is read as the loader reads a stage file (lib/config/read-stage.ts `readStageDocument`),
 * and so is the text the edits make, each edit read back from it; the values written in the file
 * are all replaced from the first reading, so that n edits read the text twice, not n times.
 * @param file the stage file as named in messages
 * @throws ProblemsError (nothing is to be written) when the text is not a stage file the loader
 *   reads (its problems), when a path leads through something that is not
 *   a mapping, ends at something that is not a single value, a value does not read back as written,
 *   or an edit would change another setting that cannot be kept as it was (read through an alias)
 */
export function editValues(text: string, edits: readonly ValueEdit[], file: string): { text: string; applied: AppliedEdit[] } {
  // where each setting is in the text as given, for problems
  const read = readStageDocument(text, file);
  // as the loader says them: the first ones, then a count of the rest
  if (read.problems.length) throw new ProblemsError(capProblems([...read.problems].sort(compareProblems), read.at(text.length)));
  const given = read.doc!;
  const givenLines = read.lines;
  /**
   * The document of a text a key added made, between the text as given and the final one, both
   * read by readStageDocument: it differs from the given one by values and keys written in place,
   * so the parser alone, with the loader's options (merge keys expanded, duplicates told by the
   * loader's reading), gives the ranges an insertion needs, without the loader's scans and value.
   */
  const reread = (t: string): Document => parseDocument(t, PARSE);
  const at = (lines: LineCounter, offset: number): SourceLocation => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const placeOf = (path: readonly string[]): SourceLocation => {
    for (let n = path.length; n > 0; n--) {
      const node = nodeAt(given, path.slice(0, n));
      if (node?.range) return at(givenLines, node.range[0]);
    }
    return { file, line: 1, column: 1 };
  };
  let givenPaths: Map<unknown, FieldPath> | undefined;
  /** The value `path` had, and the setting it was merged from when it was. */
  const before = (path: readonly string[]): { from?: string; fromMerge?: string } => {
    const node = resolvedAt(given, path);
    if (!isScalar(node)) return {};
    const source = sourceOf(given, (givenPaths ??= writtenPaths(given)), path);
    return { from: String(node.value), ...(source !== undefined && source !== dotted(path) ? { fromMerge: source } : {}) };
  };
  let current = text;
  const applied = new Map<number, Omit<AppliedEdit, 'location'>>();
  // first the values written in the file: a key its mapping does not write waits, since one of
  // these edits may give it its value through a merge (then it is not written out as well)
  const waiting: number[] = [];
  const cannotWrite = (edit: ValueEdit, node: Node | undefined) =>
    new ProblemsError([
      {
        code: 'edit/not-a-value',
        location: node === undefined ? { file, line: 1, column: 1 } : placeOf(edit.path),
        message: `cannot write ${dotted(edit.path)}: ${node === undefined ? `there is no mapping ${dotted(edit.path.slice(0, -1))} to add it to` : 'it is not a single value'}`,
        hint: `write ${dotted(edit.path)}: ${edit.value} into ${file} by hand`,
      },
    ]);
  // the values written in the file, all found in the text as given and replaced from the last back
  // (a replacement moves no other node: each offset before it still holds), so that n edits parse
  // the text twice (given and final), not n times; the final reading tells a replacement read otherwise
  const replaced = new Map<Scalar | Alias, { text: string; value: string }>();
  const kept: Omit<AppliedEdit, 'location'>[] = [];
  const edited = new Set(edits.map((e) => JSON.stringify(e.path)));
  /**
   * The settings that are aliases of the value `anchored` (`blue: *v`, `&v` on the idle color
   * edited), each written out as the value it had, so that only the setting edited changes; an
   * alias in a list, or edited itself, is left to the edit or to the side effects' refusal.
   */
  const aliasesKept = (anchored: Scalar, path: readonly string[]) => {
    for (const [alias, at] of (givenPaths ??= writtenPaths(given))) {
      if (!isAlias(alias) || !alias.range || alias.resolve(given) !== anchored) continue;
      if (!at.every((k) => typeof k === 'string') || edited.has(JSON.stringify(at))) continue;
      const aliasPath = at as string[];
      const parent = nodeAt(given, aliasPath.slice(0, -1));
      const value = String(anchored.value);
      replaced.set(alias, { text: keptText(text, anchored, isMap(parent) && parent.flow === true), value });
      kept.push({ path: aliasPath, value, from: value, how: { kind: 'kept', source: dotted(path), alias: alias.source } });
    }
  };
  edits.forEach((edit, i) => {
    const node = nodeAt(given, edit.path);
    // an alias of a value (`green: *v`, `&v` on blue) is replaced by the value alone: the anchor's node keeps its own
    const aliased = isAlias(node) && node.range ? node.resolve(given) : undefined;
    if (isScalar(aliased)) {
      const from = String(aliased.value);
      if (from === edit.value) return;
      const parent = nodeAt(given, edit.path.slice(0, -1));
      replaced.set(node as Alias, { text: written(edit.value, undefined, isMap(parent) && parent.flow === true), value: edit.value });
      // said, since the alias tied the two values: the anchor's setting keeps its value
      const anchor = (givenPaths ??= writtenPaths(given)).get(aliased);
      const why = `written in place of the alias *${(node as Alias).source}${anchor ? ` of ${dotted(anchor)}, which stays ${from}` : ''}`;
      applied.set(i, { ...edit, from, why: edit.why ? `${edit.why}; ${why}` : why });
    } else if (isScalar(node) && node.range) {
      // a path edited twice: the later edit changes what the earlier one wrote
      const from = replaced.get(node)?.value ?? String(node.value);
      if (from === edit.value) return;
      const parent = nodeAt(given, edit.path.slice(0, -1));
      const inFlow = isMap(parent) && parent.flow === true;
      replaced.set(node, { text: replacement(text, node, edit.value, inFlow), value: edit.value });
      applied.set(i, { ...edit, from });
      if (node.anchor) aliasesKept(node, edit.path);
    } else if (node === undefined) {
      waiting.push(i);
    } else {
      throw cannotWrite(edit, node);
    }
  });
  const pieces: string[] = [];
  let end = text.length;
  for (const [node, { text: value }] of [...replaced].sort(([a], [b]) => b.range![0] - a.range![0])) {
    pieces.push(text.slice(node.range![1], end), value);
    end = node.range![0];
  }
  pieces.push(text.slice(0, end));
  current = pieces.reverse().join('');
  for (const i of waiting) {
    const edit = edits[i];
    const doc = reread(current);
    const was = before(edit.path);
    const now = resolvedAt(doc, edit.path);
    if (isScalar(now) && String(now.value) === edit.value) {
      const source = sourceOf(doc, writtenPaths(doc), edit.path);
      if (was.from !== edit.value && source) applied.set(i, { ...edit, ...was, how: { kind: 'merged', source } });
      continue;
    }
    const parent = nodeAt(doc, edit.path.slice(0, -1));
    if (!isMap(parent) || (parent.items.length === 0 && !parent.flow) || !parent.range) {
      const through = crossing(given, edit.path);
      throw through && !through.merge
        ? new ProblemsError([aliasProblem(edit, through, { text, lines: givenLines }, file)])
        : cannotWrite(edit, undefined);
    }
    const { at: offset, add } = insertion(current, parent, edit.path[edit.path.length - 1], (inFlow) =>
      written(edit.value, undefined, inFlow),
    );
    current = current.slice(0, offset) + add + current.slice(offset);
    applied.set(i, { ...edit, ...was });
  }
  const settingsBefore = hasAlias(given) ? settings(given) : undefined;
  if (settingsBefore) {
    // a setting that merged an edited value keeps its own: its old value is written out beside the merge
    const doc = reread(current);
    const paths = writtenPaths(doc);
    const keeps = keepable(doc, sideEffects(settingsBefore, doc, edited)).map(({ map, effect }) => {
      const path = effect.path.map(String);
      const value = String(effect.from);
      kept.push({ path, value, from: value, how: { kind: 'kept', source: sourceOf(doc, paths, path) ?? 'the mapping it merges' } });
      return insertion(current, map, path[path.length - 1], (inFlow) => keptText(text, resolvedAt(given, path), inFlow));
    });
    // from the end of the text back, so that each offset still holds (two keys added to one mapping in their order)
    const order = keeps.map((k, i) => ({ ...k, i })).sort((a, b) => b.at - a.at || b.i - a.i);
    for (const { at: offset, add } of order) current = current.slice(0, offset) + add + current.slice(offset);
  }
  // every edit is read back from the final text, as the loader reads it, so a wrong offset can never go unnoticed
  const final = readStageDocument(current, file);
  const lines = final.lines;
  // a final text the loader refuses (larger than it reads, say) has no document to read the edits
  // back from, nor one whose nodes go with its lines: the edits are refused with its reason
  const refusal = final.problems.length ? [...final.problems].sort(compareProblems)[0] : undefined;
  if (refusal || !final.doc) {
    const why = refusal?.message ?? 'it could not be read';
    throw new ProblemsError(
      [...applied.values()].map((e) => ({
        code: 'edit/not-a-value',
        location: placeOf(e.path),
        message: `cannot write ${dotted(e.path)}: the stage file it makes would be refused (${why})`,
        hint: `write ${dotted(e.path)}: ${e.value} into ${file} by hand`,
      })),
    );
  }
  const doc = final.doc;
  const wrong = [...applied.values()].filter((e) => {
    const node = resolvedAt(doc, e.path);
    return !isScalar(node) || !node.range || String(node.value) !== e.value;
  });
  if (wrong.length) {
    throw new ProblemsError(
      wrong.map((e) => ({
        code: 'edit/not-a-value',
        location: placeOf(e.path),
        message: `cannot write ${dotted(e.path)}: written in place, it would not read back as '${e.value}' (the way the value is written here is not one stagecraft can edit)`,
        hint: `write ${dotted(e.path)}: ${e.value} into ${file} by hand, as a plain or quoted value`,
      })),
    );
  }
  if (settingsBefore) {
    const left = sideEffects(settingsBefore, doc, edited);
    if (left.length) throw new ProblemsError(left.map((effect) => sideEffectProblem(effect, { text: current, doc, lines }, edits, file)));
  }
  const locate = (e: Omit<AppliedEdit, 'location'>): AppliedEdit => {
    // a merged value is placed at the merge (or alias) it comes through, as the loader places it
    const node = e.how?.kind === 'merged' ? crossing(doc, e.path)?.node : nodeAt(doc, e.path);
    return { ...e, location: at(lines, node?.range?.[0] ?? 0) };
  };
  return { text: current, applied: [...[...applied].sort(([a], [b]) => a - b).map(([, e]) => e), ...kept].map(locate) };
}

/**
 * `environments/qa.yaml:6:12: apps.demoapp.image: demoapp:1 -> demoapp:1.1`, with where a value
 * was merged from or why it is what it is in parentheses; each value as `shownValue` prints it. A
 * text of several lines (a block scalar) as the lines that change under the place (`textChangeLines`),
 * joined by line feeds: the lines a reviewer reads, not the text on one line of `\n`s.
 */
export function formatEdit({ location: l, path, from, fromMerge, how, value, why }: AppliedEdit): string {
  const place = `${l.file}:${l.line}:${l.column}: ${dotted(path)}: `;
  const shown = shownValue(value);
  if (how?.kind === 'kept')
    return how.alias === undefined
      ? `${place}${shown} kept (now written here: it was merged from ${how.source}, which changes)`
      : `${place}${shown} kept (written in place of the alias *${how.alias} of ${how.source}, which changes)`;
  const mergedBefore = from !== undefined && fromMerge && fromMerge !== how?.source ? fromMerge : undefined;
  const notes = [...(how ? [`merged from ${how.source}`] : []), ...(why ? [why] : [])];
  // a block scalar's text (a config file of several lines) as the lines that change, as diff shows a ConfigMap's
  const text =
    from === undefined
      ? undefined
      : textChangeLines(
          `${l.file}:${l.line}:${l.column}: ${dotted(path)}`,
          from,
          value,
          [...(mergedBefore ? [`was merged from ${mergedBefore}`] : []), ...notes].join('; ') || undefined,
        );
  if (text) return text.join('\n');
  const old = from === undefined ? '(not set)' : shownValue(from);
  const before = mergedBefore ? `${old} (merged from ${mergedBefore})` : old;
  return `${place}${before} -> ${shown}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}
