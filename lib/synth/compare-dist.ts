/**
 * How `dist/` differs from a compiled tree: per stage directory, the generated files changed,
 * missing or no longer produced (compared byte for byte, never read whole), and the foreign
 * entries left as they are; which directories a comparison covers. What is on disk, and how it is
 * told apart, is ./disk.ts.
 */
import { existsSync, readdirSync, lstatSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileSize, type FileContent } from './file-content.js';
import { TX_DIR, holdsBytes, isKeptAside, outputFolders, scanDir, type DistTree } from './disk.js';

export interface WriteOptions {
  /** A full synthesis: also remove the output of stage directories not in the tree. */
  readonly removeOthers: boolean;
}

export interface DistDifference {
  /** Paths below the output directory whose content differs. */
  readonly changed: string[];
  /** Paths the sources produce that are not there. */
  readonly missing: string[];
  /** Generated files that are there but that the sources no longer produce (foreign files are not counted). */
  readonly extra: string[];
  /** Entries stagecraft did not write (`scanDir`'s foreign ones), left as they are: `synth/foreign-files`. */
  readonly foreign: string[];
}

/** How the generated files of `distDir` differ from `tree` (for stages in `tree` only, unless `removeOthers`). */
export function compareDist(distDir: string, tree: DistTree, { removeOthers }: WriteOptions): DistDifference {
  return mergeDifferences(distDirs(distDir, tree.keys(), removeOthers).map((d) => compareDistDir(distDir, d, tree.get(d))));
}

/**
 * The directories of `distDir` to compare, sorted: those of `names`, and with `removeOthers` every
 * other one there too (the write transaction's staging directory and what a write kept aside, `isKeptAside`, aside).
 */
export function distDirs(distDir: string, names: Iterable<string>, removeOthers: boolean): string[] {
  const there = removeOthers && existsSync(distDir) ? readdirSync(distDir).filter((e) => e !== TX_DIR && !isKeptAside(e)) : [];
  return [...new Set([...names, ...there])].sort();
}

/**
 * An entry of `distDir` that is no stage's (`README.md`, `notes/`, a kept-aside copy) as the
 * foreign entry a full synthesis leaves there; undefined for a directory holding generated files
 * (a removed stage's output, which the synthesis removes) or a name gone meanwhile.
 */
export function foreignAtRoot(distDir: string, entry: string): string | undefined {
  const st = lstatSync(join(distDir, entry), { throwIfNoEntry: false });
  if (!st || (st.isDirectory() && !isKeptAside(entry) && scanDir(join(distDir, entry)).owned.length > 0)) return undefined;
  return `${entry}${st.isDirectory() ? '/' : ''}`;
}

/** How the generated files of `distDir/<dir>` differ from `files` (none given: each is extra). */
export function compareDistDir(distDir: string, dir: string, files: ReadonlyMap<string, FileContent> = new Map()): DistDifference {
  // an output folder left empty (its only file removed by hand) is the output's own, as a write takes it: not said foreign
  const folders = outputFolders(files);
  const { owned: present, foreign } = scanDir(join(distDir, dir), { output: (rel) => folders.has(rel) });
  const changed: string[] = [];
  const extra: string[] = [];
  for (const p of present) {
    const want = files.get(p);
    if (want === undefined) extra.push(`${dir}/${p}`);
    else if (!sameBytes(join(distDir, dir, p), want)) changed.push(`${dir}/${p}`);
  }
  const have = new Set(present);
  const missing = [...files.keys()].filter((p) => !have.has(p)).map((p) => `${dir}/${p}`);
  return { changed, missing, extra, foreign: foreign.map((p) => `${dir}/${p}`) };
}

/**
 * Whether the file at `path` holds exactly `want`: its size first, then at most that many bytes and
 * one, so that a file of any size (a 600 MB one where a generated file was) is compared without
 * being read whole (reading it into a string failed beyond V8's 512 MiB).
 */
function sameBytes(path: string, want: FileContent): boolean {
  const size = fileSize(want);
  return statSync(path, { throwIfNoEntry: false })?.size === size && holdsBytes(path, want, size);
}

/** The differences of several directories, in their order (missing files sorted, as `compareDist` gives them). */
export function mergeDifferences(differences: readonly DistDifference[]): DistDifference {
  return {
    changed: differences.flatMap((d) => d.changed),
    missing: differences.flatMap((d) => d.missing).sort(),
    extra: differences.flatMap((d) => d.extra),
    foreign: differences.flatMap((d) => d.foreign),
  };
}
