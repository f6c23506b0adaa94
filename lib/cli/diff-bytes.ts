/**
 * What a diff of one stage (`npm run diff -- <stage>`) says of the files of `dist/<stage>` whose bytes differ from its
 * compiled output where no line it prints shows it: a hand's CRLF line endings, byte order mark, comment or spacing, a
 * removed inventory.txt. `npm run check` counts them out of date and `npm run synth` writes them again, so the diff names
 * them in check's words (`changed: dist/qa/00-namespace.yaml`), whether or not objects changed besides. Reads `dist/`.
 */
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import type { Manifest } from '../diff/manifests.js';
import { EDGE_DIR } from '../edge/index.js';
import { compareDist } from '../synth/compare-dist.js';
import type { FileTree } from '../synth/file-content.js';
import { KUSTOMIZATION_FILE } from '../synth/output.js';
import { staleLines } from './output.js';
import { DIST_DIR, type Project } from './project.js';
import { BYTE_ORDER_MARK } from './read-file.js';

/** A line of an edge file as the edge diff prints it (trimmed), and the file's first line without a byte order mark. */
const shownLines = (text: string): string[] =>
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l) => l.trim());

/** `text` as its lines read: without a byte order mark or the carriage returns of CRLF line endings. */
const asLines = (text: string): string => (text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text).replaceAll('\r\n', '\n');

/**
 * `before` (a stage's files in `dist/`) with each edge file that differs from its compiled one (in `after`) only where
 * no line the edge diff prints shows it (CRLF line endings, a byte order mark, spaces around a line) as the compiled
 * one, and the others without CRLF or a byte order mark: the edge diff listed every line of a CRLF file as removed
 * and added, alike on the terminal; such a file is named by `unshownFiles`.
 */
export function edgeAsShown(before: FileTree, after: ReadonlyMap<string, string>): FileTree {
  const shown = new Map(before);
  for (const [path, text] of before) {
    const compiled = after.get(path);
    if (compiled === undefined || compiled === text || !path.startsWith(`${EDGE_DIR}/`)) continue;
    const [a, b] = [shownLines(text), shownLines(compiled)];
    shown.set(path, a.length === b.length && a.every((l, i) => l === b[i]) ? compiled : asLines(text));
  }
  return shown;
}

/** What a diff of one stage printed, which shows some of the files that differ. */
export interface Shown {
  /** Its files in `dist/`, and as compiled; and their objects, by file (`manifestsByFile`). */
  readonly before: FileTree;
  readonly after: FileTree;
  readonly objects: { readonly before: ReadonlyMap<string, Manifest[]>; readonly after: ReadonlyMap<string, Manifest[]> };
  /** Whether it printed objects changed, leaving or arriving; and whether it printed edge lines besides or instead. */
  readonly objectsChange: boolean;
  readonly edgeChange: boolean;
  /** Its edge files as the edge diff compared them (`edgeAsShown`): one that differs from its compiled one is listed with its lines. */
  readonly edge: FileTree;
}

/** Whether a file of the stage holds objects (every `.yaml` file but the kustomization), which the diff compares one by one. */
const holdsObjects = (path: string): boolean => path.endsWith('.yaml') && path.split('/').pop() !== KUSTOMIZATION_FILE;

/** Each object of a stage, by id, as the diff compares them (the last of an id: `diffManifests`). */
const byId = (files: ReadonlyMap<string, Manifest[]>): Map<string, unknown> =>
  new Map([...files.values()].flat().map((m) => [m.id, m.value]));

/** The files the kustomization lists (its `resources`: the charts' files, those at the top of the stage directory). */
const listed = (files: ReadonlyMap<string, Manifest[]>): string =>
  [...files.keys()]
    .filter((p) => !p.includes('/'))
    .sort()
    .join('\n');

/**
 * Whether the lines a diff printed (`shown`) show how `path` differs: an edge file it listed; while objects changed, a
 * file of objects one of whose own objects it printed (changed, or leaving or arriving: its id on one side only), not
 * one whose objects are printed nowhere (moved to another file by hand, or a copy's, whose ids the other files hold); while
 * anything changed, inventory.txt (the objects', the edge files' and the stage file's digests) and, while a file of
 * objects arrives or leaves, the kustomization (the files it lists), unless their bytes hold what no change shows (CRLF
 * line endings, a byte order mark). A file missing or left over that holds no objects is never shown.
 */
function isShown(path: string, { before, after, objects, objectsChange, edgeChange, edge }: Shown, ids: ObjectsById): boolean {
  const [was, now] = [before.get(path), after.get(path)];
  if (path.startsWith(`${EDGE_DIR}/`)) return edge.get(path) !== now;
  if (holdsObjects(path)) {
    if (!objectsChange) return false;
    const [old, made] = [objects.before.get(path) ?? [], objects.after.get(path) ?? []];
    if (was !== undefined && now !== undefined && isDeepStrictEqual(old, made)) return false;
    const printed = (mine: ReadonlyMap<string, unknown>, other: ReadonlyMap<string, unknown>) => (m: Manifest) =>
      !other.has(m.id) || !isDeepStrictEqual(mine.get(m.id), other.get(m.id));
    return old.some(printed(ids.before, ids.after)) || made.some(printed(ids.after, ids.before));
  }
  if (!(objectsChange || edgeChange) || was === undefined || now === undefined || asLines(was) !== was) return false;
  return path !== KUSTOMIZATION_FILE || listed(objects.before) !== listed(objects.after);
}

/** A stage's objects by id, in `dist/` and as compiled (`byId`). */
interface ObjectsById {
  readonly before: ReadonlyMap<string, unknown>;
  readonly after: ReadonlyMap<string, unknown>;
}

/**
 * The files of `dist/<stage>` that `npm run check` finds out of date (in its words: `changed: dist/qa/10-web.yaml`,
 * `missing: dist/qa/inventory.txt`) and that the lines a diff printed (`shown`) do not show.
 */
export function unshownFiles(project: Project, stage: string, shown: Shown): string[] {
  const distDir = join(project.root, DIST_DIR);
  const { changed, missing, extra, foreign } = compareDist(distDir, new Map([[stage, shown.after]]), { removeOthers: false });
  const ids = { before: byId(shown.objects.before), after: byId(shown.objects.after) };
  const unshown = (paths: string[]) => paths.filter((p) => !isShown(p.slice(stage.length + 1), shown, ids));
  return staleLines(distDir, { changed: unshown(changed), missing: unshown(missing), extra: unshown(extra), foreign });
}
