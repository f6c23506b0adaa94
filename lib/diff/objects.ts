/**
 * Differences between two sets of manifests, object by object and field by field, for
 * `npm run diff`. Fields are compared with microdiff; this module decides what is "the same
 * object" (kind, namespace, name), reads lists with a natural key as maps (lib/model/list-keys.ts:
 * a container is named, not numbered), and can set stage names aside so that two stages compare by
 * what differs in substance. Pure.
 */
import microdiff from 'microdiff';
import { ProblemsError, escapeControls, escapeName, type Problem } from '../errors.js';
import { SourceFile } from '../checks/manifests.js';
import { maskValue } from '../model/secret-rules.js';
import { Hidden, hiddenNote, hider, secretTexts, secretValues } from './hidden-values.js';
import { capProblems } from '../model/limits.js';
import { KUSTOMIZATION_FILE, NODES_DIR } from '../synth/output.js';
import { hasConflictMarkers } from '../model/conflict-markers.js';
import type { FileTree } from '../synth/file-content.js';
import { CONTENT_HASH_LENGTH, isRecord } from '../model/object.js';
import { COLORS, colorName } from '../release.js';
import { formatFieldPath } from '../model/field-path.js';
import { compareCodePoints } from '../model/order.js';
import { keyOfLists, listItemKey } from '../model/list-keys.js';

/** One manifest: what identifies it in its stage, and its content. */
export interface Manifest {
  /** `Deployment qa/demoapp`, `PersistentVolume mysqlvolume-qa`, or a node file's path. */
  readonly id: string;
  readonly value: unknown;
}

export interface FieldChange {
  /** `spec.template.spec.containers[demoapp].image`. */
  readonly path: string;
  /** The value before; undefined when the field is new. */
  readonly from?: unknown;
  /** The value after; undefined when the field is gone. */
  readonly to?: unknown;
  /**
   * What a change of two hidden values may say of them: that they are one text but for its final newline
   * (`a final newline removed`), which names nothing of the secret. @default - none
   */
  readonly note?: string;
}

export interface ObjectDiff {
  /** Objects only in the first set, only in the second, and in both but different. */
  readonly removed: readonly string[];
  readonly added: readonly string[];
  readonly changed: readonly { readonly id: string; readonly fields: readonly FieldChange[] }[];
  /** How many objects are in both and equal. */
  readonly same: number;
}

interface Described {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/**
 * The values of the documents of one output file, read as `npm run check` reads manifests (the
 * block reader where it applies, else the yaml library with every problem located).
 * @param shown the file as named in messages (`dist/qa/10-demoapp.yaml`)
 */
function documentsOf(text: string, shown: string, dir: string | undefined): { values: unknown[] } | { problems: Problem[] } {
  const file = new SourceFile(shown, text, true);
  const { result } = file;
  if (!('problems' in result)) return { values: result.values.map((v) => v.value) };
  const where = dir ?? 'the output';
  const hint = hasConflictMarkers(text)
    ? `the file holds git merge conflict markers, so ${where} is not what npm run synth writes: resolve the conflict, or run npm run synth to write it again`
    : `${where} is not what npm run synth writes: restore the file (git checkout), or run npm run synth to write it again`;
  // the hint once per file, with its first problem
  const problems = result.problems.map((p, i) => (i === 0 ? { ...p, hint } : p));
  return { problems: capProblems(problems, file.at(text.length)) };
}

/**
 * The manifests of a stage's output files: every object of its chart files, and each node file.
 * @param dir the directory the files are in, as named in messages (`dist/qa`); without it, a file
 *   is named by its path in `files`
 * @throws ProblemsError (bad input) locating every place where a file is not YAML (a file of
 *   `dist/` edited by hand, or left with a merge conflict)
 */
export function manifestsOf(files: FileTree, dir?: string): Manifest[] {
  const out: Manifest[] = [];
  const problems: Problem[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith('.yaml') || path.split('/').pop() === KUSTOMIZATION_FILE) continue;
    const read = documentsOf(text, dir === undefined ? path : `${dir}/${path}`, dir);
    if ('problems' in read) {
      problems.push(...read.problems);
      continue;
    }
    const docs = read.values;
    if (path.startsWith(`${NODES_DIR}/`)) {
      docs.forEach((value, i) => {
        out.push({ id: docs.length === 1 ? path : `${path}#${i}`, value });
      });
      continue;
    }
    for (const value of docs) {
      const o = value as Described;
      const ns = o.metadata?.namespace;
      out.push({ id: `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? ''}`, value });
    }
  }
  if (problems.length) throw new ProblemsError(problems);
  return out;
}

/** What names a stage in its manifests, so that two stages can be compared without it. */
export interface StageNames {
  readonly stage: string;
  readonly namespace: string;
}

/** The placeholder a stage name or namespace is replaced with. */
export const STAGE_PLACEHOLDER = '<stage>';
const HASH_PLACEHOLDER = '<hash>';

/**
 * The manifests with the stage's name and namespace replaced by `<stage>` wherever they stand as
 * a word in a value (`mysqlvolume-qa`, `/data/volumes/mysql-qa`, `stagecraft.dev/stage: qa`), and the
 * content hashes of config names by `<hash>` (each stage's config has its own). Objects in the
 * stage's namespace are then named without it.
 */
export function setStageAside(manifests: readonly Manifest[], names: StageNames): Manifest[] {
  const words = [...new Set([names.namespace, names.stage])].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const stageWord = new RegExp(`(?<![A-Za-z0-9])(?:${words.join('|')})(?![A-Za-z0-9])`, 'g');
  // names such as demoapp-config-007cd57b57 (HashedConfigMap); replaced wherever they are referenced too
  const hashed = manifests.map((m) => (m.value as Described).metadata?.name ?? '').filter((n) => HASHED_ID.test(n));
  const hashedName = hashed.length ? new RegExp(hashed.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : undefined;
  const text = (s: string) => {
    const unhashed = hashedName ? s.replace(hashedName, (n) => `${n.slice(0, -CONTENT_HASH_LENGTH)}${HASH_PLACEHOLDER}`) : s;
    return unhashed.replace(stageWord, STAGE_PLACEHOLDER);
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    // keys are left alone: they are label and annotation keys such as stagecraft.dev/stage, not stage names
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return manifests.map((m) => ({ id: text(m.id).replace(`${STAGE_PLACEHOLDER}/`, ''), value: walk(m.value) }));
}

/**
 * `before` and `after` (two versions of one value, held by `field`) with each list whose items
 * have a natural key (lib/model/list-keys.ts: containers by name, Argo CD destinations by
 * namespace and cluster) as a map keyed `[key]`, keyed alike in both: a change then reads
 * `containers[demoapp].image`, and inserting or changing an item does not show every later one as
 * changed. Other lists stay lists, compared by position.
 */
function keyedPair(before: unknown, after: unknown, field?: string): [unknown, unknown] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const key = keyOfLists(field, [before, after]);
    if (!key) {
      const pairs = before.slice(0, after.length).map((e, i) => keyedPair(e, after[i]));
      return [
        before.map((e, i) => (i < pairs.length ? pairs[i][0] : alone(e))),
        after.map((e, i) => (i < pairs.length ? pairs[i][1] : alone(e))),
      ];
    }
    const entries = (list: unknown[]) => list.map((e): [string, unknown] => [`[${listItemKey(e, key)}]`, e]);
    return pairEntries(new Map(entries(before)), new Map(entries(after)), () => undefined);
  }
  if (isRecord(before) && isRecord(after)) {
    return pairEntries(new Map(Object.entries(before)), new Map(Object.entries(after)), (k) => k);
  }
  return [alone(before, field), alone(after, field)];
}

/** Two maps as objects, each entry of both paired (`keyedPair`, as the field `fieldOf(key)`), the others alone. */
function pairEntries(
  old: ReadonlyMap<string, unknown>,
  now: ReadonlyMap<string, unknown>,
  fieldOf: (key: string) => string | undefined,
): [Record<string, unknown>, Record<string, unknown>] {
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  for (const [k, v] of old) {
    if (now.has(k)) [a[k], b[k]] = keyedPair(v, now.get(k), fieldOf(k));
    else a[k] = alone(v, fieldOf(k));
  }
  for (const [k, v] of now) if (!old.has(k)) b[k] = alone(v, fieldOf(k));
  return [a, b];
}

/** A value that has no counterpart, with its keyed lists as maps (as `keyedPair` keys them). */
function alone(v: unknown, field?: string): unknown {
  if (Array.isArray(v)) {
    const key = keyOfLists(field, [v]);
    return key ? Object.fromEntries(v.map((e) => [`[${listItemKey(e, key)}]`, alone(e)])) : v.map((e) => alone(e));
  }
  return isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, alone(x, k)])) : v;
}

/**
 * How `after` differs from `before` (two versions of one object), field by field, without a secret.
 * @param secretValues the values of every Secret on either side (`secretValues`), hidden within any field
 */
function fieldChanges(before: unknown, after: unknown, secretValues: readonly string[]): FieldChange[] {
  const [old, now] = keyedPair(before, after);
  const changes = microdiff(old as object, now as object);
  if (changes.length === 0) return [];
  const hide = hider(secretTexts(secretValues, before, after));
  return changes
    .map((d) => ({
      // spec.template.spec.containers[demoapp].ports[0].containerPort
      path: formatFieldPath(
        d.path.map((k, i) => (typeof k === 'string' && hide.isSecret(k, d.path.slice(0, i)) ? maskValue(k, 'key') : k)),
      ),
      ...(d.type === 'CREATE' ? {} : { from: hide.value(d.oldValue, d.path) }),
      ...(d.type === 'REMOVE' ? {} : { to: hide.value(d.value, d.path) }),
      ...(d.type === 'CHANGE' ? hiddenNote(d.oldValue, d.value, (v) => hide.isSecret(v, d.path)) : {}),
    }))
    .sort((a, b) => compareCodePoints(a.path, b.path));
}

/** `a final newline added` (or `removed`) when one of two texts ends with a newline and the other does not; '' otherwise, or when one is empty (it has no line to end). */
function finalNewline(from: string, to: string): string {
  return from === '' || to === '' || from.endsWith('\n') === to.endsWith('\n')
    ? ''
    : `a final newline ${to.endsWith('\n') ? 'added' : 'removed'}`;
}

/**
 * Pairs of ids to compare although they differ: an object only one side has (`Deployment demoapp`)
 * with each blue/green color of it only the other side has (`Deployment demoapp-blue`), so that a
 * rolling stage and a blue/green stage still compare replicas and probes.
 */
function colorPairs(old: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [from, to] of [
    [old, now],
    [now, old],
  ] as const) {
    for (const id of from.keys()) {
      if (to.has(id)) continue;
      for (const color of COLORS) {
        const colored = colorName(id, color);
        if (to.has(colored) && !from.has(colored)) pairs.push(from === old ? [id, colored] : [colored, id]);
      }
    }
  }
  return pairs;
}

/** A config object's name with its content hash (`demoapp-config-007cd57b57`: lib/constructs/hashed-config-map.ts). */
const HASHED_ID = new RegExp(`-[0-9a-f]{${CONTENT_HASH_LENGTH}}$`);

/**
 * Pairs of ids to compare although they differ: a config object only one side has
 * (`ConfigMap qa/demoapp-config-007cd57b57`) with the one of the same kind and name but another
 * content hash that only the other side has, when each side has one such object, so that a
 * change of its data shows as that change and not as one object removed and another added (the
 * two-stage diff names both `<hash>`, see `setStageAside`).
 */
function hashPairs(old: ReadonlyMap<string, unknown>, now: ReadonlyMap<string, unknown>): [string, string][] {
  const unhashed = (ids: Iterable<string>, other: ReadonlyMap<string, unknown>) => {
    const byName = new Map<string, string[]>();
    for (const id of ids) {
      if (other.has(id) || !HASHED_ID.test(id)) continue;
      const key = id.slice(0, -CONTENT_HASH_LENGTH);
      byName.set(key, [...(byName.get(key) ?? []), id]);
    }
    return byName;
  };
  const before = unhashed(old.keys(), now);
  const after = unhashed(now.keys(), old);
  return [...before].flatMap(([key, [a, ...more]]): [string, string][] => {
    const found = after.get(key);
    return more.length === 0 && found?.length === 1 ? [[a, found[0]]] : [];
  });
}

/** `Deployment demoapp -> demoapp-blue` */
const pairId = (a: string, b: string) => (a === b ? a : `${a} -> ${b.slice(b.indexOf(' ') + 1)}`);

/**
 * How `after` differs from `before`, object by object (matched by id, rolling objects with
 * their blue/green colors, and config objects across a new content hash) and field by field.
 */
export function diffManifests(before: readonly Manifest[], after: readonly Manifest[]): ObjectDiff {
  const old = new Map(before.map((m) => [m.id, m.value]));
  const now = new Map(after.map((m) => [m.id, m.value]));
  const pairs = [
    ...[...now.keys()].filter((id) => old.has(id)).map((id): [string, string] => [id, id]),
    ...colorPairs(old, now),
    ...hashPairs(old, now),
  ];
  const changed: ObjectDiff['changed'][number][] = [];
  let same = 0;
  const secrets = secretValues([...before, ...after].map((m) => m.value));
  for (const [a, b] of pairs) {
    const fields = fieldChanges(old.get(a), now.get(b), secrets);
    if (fields.length) changed.push({ id: pairId(a, b), fields });
    else same++;
  }
  const paired = { old: new Set(pairs.map(([a]) => a)), now: new Set(pairs.map(([, b]) => b)) };
  const sort = (ids: Iterable<string>) => [...ids].sort();
  return {
    removed: sort([...old.keys()].filter((id) => !paired.old.has(id))),
    added: sort([...now.keys()].filter((id) => !paired.now.has(id))),
    changed: changed.sort((a, b) => compareCodePoints(a.id, b.id)),
    same,
  };
}

const show = (v: unknown) => (v === undefined ? '(none)' : v instanceof Hidden ? v.text : JSON.stringify(keyedValues(v)));
/** Values inside a change are shown as written, not with the `[name]` keys used for matching. */
function keyedValues(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Hidden) return v;
  const entries = Object.entries(v);
  if (entries.length && entries.every(([k]) => k.startsWith('['))) return entries.map(([, x]) => keyedValues(x));
  return Object.fromEntries(entries.map(([k, x]) => [k, keyedValues(x)]));
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
    ...text.slice(0, MAX_TEXT_LINES).map((l) => `  ${mark} ${l === '' ? '(an empty line)' : escapeControls(l)}`),
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
