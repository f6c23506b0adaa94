/**
 * The output in `dist/` as the last write left it, read by the commands that compare with it or
 * say what it leaves: a stage's generated files, the engines' delivery inventories, and the
 * inventories of stages whose file is gone. lib/cli/project.ts re-exports them.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DELIVERY_DIR } from '../delivery/index.js';
import { ExitCode, ProblemsError } from '../errors.js';
import { withFs } from '../fs-problems.js';
import { ENGINES, type Engine } from '../model/engines.js';
import { distDirs } from '../synth/compare-dist.js';
import { DIST_DIR, MAX_GENERATED_BYTES, readRegularFile, scanDir } from '../synth/disk.js';
import type { FileTree } from '../synth/file-content.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import type { Project } from './open-project.js';

/**
 * The files stagecraft wrote in `dist/<stage>/` as they are on disk (empty when the stage has no output yet).
 * @throws ProblemsError (exit 2) naming a file larger than MAX_GENERATED_BYTES, which is not read
 */
export function readStageTree(project: Project, stage: string): FileTree {
  const dir = join(project.root, DIST_DIR, stage);
  return new Map(scanDir(dir).owned.map((p) => [p, readGenerated(join(dir, p), `${DIST_DIR}/${stage}/${p}`, stage)]));
}

/** The text of the generated file at `path` (named `shown`), read only up to MAX_GENERATED_BYTES. */
function readGenerated(path: string, shown: string, stage: string): string {
  try {
    return withFs(shown, 'reading', () => readRegularFile(path, MAX_GENERATED_BYTES));
  } catch (e) {
    if (!(e instanceof ProblemsError) || e.problems[0]?.code !== 'fs/efbig') throw e;
    const size = withFs(shown, 'reading', () => statSync(path).size);
    throw new ProblemsError(
      [
        {
          code: 'input/too-large',
          message: `${shown} is ${(size / 1024 / 1024).toFixed(0)} MiB; a generated file is read only up to ${MAX_GENERATED_BYTES / 1024 / 1024} MiB, and stagecraft writes none that large`,
          hint: `run npm run synth, which writes ${DIST_DIR}/${stage}/ again, then run the command again`,
        },
      ],
      ExitCode.badInput,
    );
  }
}

/**
 * The inventories of the engines' delivery directories in `dist/delivery/` (`argocd`, `flux`), by
 * engine: read before a synthesis replaces them, so that it can say what an engine it no longer
 * writes leaves in its cluster. An engine without a readable inventory is left out.
 */
export function deliveryInventories(project: Project): Map<Engine, string> {
  return new Map(
    ENGINES.flatMap((engine): [Engine, string][] => {
      try {
        return [[engine, readRegularFile(join(project.root, DIST_DIR, DELIVERY_DIR, engine, INVENTORY_FILE), MAX_GENERATED_BYTES)]];
      } catch {
        return [];
      }
    }),
  );
}

/**
 * The inventories of the stages whose output is in `dist/` but whose stage file is gone (removed,
 * and not synthesized since), by stage: what a full synthesis removes, and what those stages
 * leave running in their clusters. A directory without a readable inventory is left out.
 */
export function removedStages(project: Project): Map<string, string> {
  const distDir = join(project.root, DIST_DIR);
  // no directory there (a file named dist): the command that writes it says so
  if (!statSync(distDir, { throwIfNoEntry: false })?.isDirectory()) return new Map();
  const dirs = distDirs(distDir, [], true).filter((d) => d !== DELIVERY_DIR && !project.stages.includes(d));
  return new Map(
    dirs.flatMap((d): [string, string][] => {
      try {
        return [[d, readRegularFile(join(project.root, DIST_DIR, d, INVENTORY_FILE), MAX_GENERATED_BYTES)]];
      } catch {
        return [];
      }
    }),
  );
}
