/**
 * The manifests of a stage's output files, read as `npm run check` reads them (every object of its chart
 * files, and each node file), and the same with the stage's names set aside, so that two stages
 * compare by what differs in substance (./objects.ts compares them). Pure.
 */
import { ProblemsError, type Problem } from '../errors.js';
import { SourceFile } from '../checks/manifests.js';
import { capProblems } from '../model/limits.js';
import { KUSTOMIZATION_FILE, NODES_DIR } from '../synth/output.js';
import { hasConflictMarkers } from '../model/conflict-markers.js';
import type { FileTree } from '../synth/file-content.js';
import { CONTENT_HASH_LENGTH } from '../model/object.js';

/** One manifest: what identifies it in its stage, and its content. */
export interface Manifest {
  /** `Deployment qa/demoapp`, `PersistentVolume mysqlvolume-qa`, or a node file's path. */
  readonly id: string;
  readonly value: unknown;
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
  return [...manifestsByFile(files, dir).values()].flat();
}

/**
 * `manifestsOf`, by file (those that hold manifests, in the order of `files`): what a diff of one stage compares file by
 * file too (lib/cli/diff-bytes.ts), read once.
 * @throws ProblemsError as `manifestsOf`
 */
export function manifestsByFile(files: FileTree, dir?: string): Map<string, Manifest[]> {
  const out = new Map<string, Manifest[]>();
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
      out.set(
        path,
        docs.map((value, i) => ({ id: docs.length === 1 ? path : `${path}#${i}`, value })),
      );
      continue;
    }
    out.set(
      path,
      docs.map((value) => {
        const o = value as Described;
        const ns = o.metadata?.namespace;
        return { id: `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? ''}`, value };
      }),
    );
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

/** A config object's name with its content hash (`demoapp-config-007cd57b57`: lib/constructs/hashed-config-map.ts). */
export const HASHED_ID = new RegExp(`-[0-9a-f]{${CONTENT_HASH_LENGTH}}$`);

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
