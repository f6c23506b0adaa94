/**
 * Writing output trees to disk atomically, and comparing them with what is there.
 *
 * Everything is written into a staging directory beside the output directory first; only when
 * every file is written are the stage directories swapped in by rename. A failure before the swap
 * leaves the output directory byte-for-byte as it was.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import type { FileTree } from './output.js';

/** Per stage name, the files of its directory. */
export type DistTree = Map<string, FileTree>;

export interface WriteOptions {
  /** Remove every entry of the output directory that is not a stage written now (a full synthesis). */
  readonly removeOthers: boolean;
}

function stagingDirs(distDir: string) {
  const parent = dirname(distDir);
  const base = basename(distDir);
  return { staging: join(parent, `.${base}.staging`), old: join(parent, `.${base}.old`) };
}

/** Writes `tree` into `distDir` atomically per run; see the module comment. */
export function writeDist(distDir: string, tree: DistTree, { removeOthers }: WriteOptions): void {
  const { staging, old } = stagingDirs(distDir);
  rmSync(staging, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  try {
    for (const [stage, files] of tree) {
      for (const [rel, content] of files) {
        const target = join(staging, stage, rel);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
    }
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  // the swap: entries leave for `old`, the new stages come in; on any failure (EXDEV when the output
  // directory is a mount point, EACCES...) every entry moved is put back, and nothing is left behind
  const moved: string[] = [];
  const placed: string[] = [];
  try {
    mkdirSync(distDir, { recursive: true });
    mkdirSync(old, { recursive: true });
    const leaving = removeOthers ? readdirSync(distDir) : [...tree.keys()].filter((s) => existsSync(join(distDir, s)));
    for (const entry of leaving) {
      renameSync(join(distDir, entry), join(old, entry));
      moved.push(entry);
    }
    for (const stage of tree.keys()) {
      renameSync(join(staging, stage), join(distDir, stage));
      placed.push(stage);
    }
  } catch (e) {
    for (const stage of placed) rmSync(join(distDir, stage), { recursive: true, force: true });
    for (const entry of moved) renameSync(join(old, entry), join(distDir, entry));
    rmSync(staging, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(staging, { recursive: true, force: true });
}

/** Every file below `dir`, as relative paths with `/`, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out;
}

export interface DistDifference {
  /** Paths below the output directory whose content differs. */
  readonly changed: string[];
  /** Paths the sources produce that are not there. */
  readonly missing: string[];
  /** Paths that are there but that the sources no longer produce. */
  readonly extra: string[];
}

/** How `distDir` differs from `tree` (for stages in `tree` only, unless `removeOthers`). */
export function compareDist(distDir: string, tree: DistTree, { removeOthers }: WriteOptions): DistDifference {
  const expected = new Map<string, string>();
  for (const [stage, files] of tree) for (const [rel, content] of files) expected.set(`${stage}/${rel}`, content);
  const present = listFiles(distDir).filter((p) => removeOthers || tree.has(p.split('/')[0]));
  const changed: string[] = [];
  const extra: string[] = [];
  for (const p of present) {
    const want = expected.get(p);
    if (want === undefined) extra.push(p);
    else if (readFileSync(join(distDir, p), 'utf8') !== want) changed.push(p);
  }
  const have = new Set(present);
  const missing = [...expected.keys()].filter((p) => !have.has(p)).sort();
  return { changed, missing, extra };
}
