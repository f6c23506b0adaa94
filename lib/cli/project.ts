/**
 * The project on disk: where stage files and output live, and compiling them. The CLI commands
 * are the only callers; this is where reading files happens.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIST_DIR, compileStages, stageLoader, type Compiled } from '../compile.js';
import type { LoadedStage } from '../config/load.js';
import { PROJECT_FILE } from '../config/project-file.js';
import { promotionOrder, type PromotionDeclaration, type PromotionOrder } from '../promotion.js';
import { ProblemsError, formatProblem } from '../errors.js';
import type { FileTree } from '../synth/output.js';
import {
  INVENTORY_FILE,
  changeLines,
  changeSummary,
  compareInventories,
  parseInventory,
  type InventoryChanges,
} from '../synth/inventory.js';
import { diffLines, diffManifests, manifestsOf } from '../diff/objects.js';
import { compareDist, listFiles, needsRecovery, recover, scanDir, writeTransaction } from '../synth/write.js';
import { ENVIRONMENTS_DIR, forgetFingerprint } from './fingerprint.js';
import { diskRenderCache, type DiskRenderCache } from './render-cache.js';
import { WORKERS_ENV, stageWorkers } from './stage-workers.js';
import { acquireLock } from './lock.js';
import { parseManifests } from '../checks/manifests.js';
import type { KubeObject } from '../model/object.js';
import { withFs } from '../fs-problems.js';
import { readInputFile, readProjectSource } from './read-file.js';
import { edgeChangeLines } from '../edge/changes.js';

export { COMPILER_VERSION, DIST_DIR, schemaText, stageLoader, type Compiled } from '../compile.js';

export { ENVIRONMENTS_DIR } from './fingerprint.js';
/** The JSON Schema of stage files, for editors (`# yaml-language-server: $schema=./stage.schema.json`). */
export const SCHEMA_FILE = join(ENVIRONMENTS_DIR, 'stage.schema.json');

export interface Project {
  readonly root: string;
  /** Stage names, from the files in `environments/`, sorted. */
  readonly stages: readonly string[];
  /** Where messages about the project itself go (a recovery, files left alone in dist/). @default stderr */
  readonly log: (line: string) => void;
  /** The command that holds the project's lock (`npm run synth`), when opened as a writer. */
  readonly writer?: string;
}

export interface OpenOptions {
  /**
   * The command, when it writes: the project's lock is taken for it (lib/cli/lock.ts) and held
   * until the process exits. @default - a reader, which takes no lock
   */
  readonly writer?: string;
  /** @default - write each line to stderr */
  readonly log?: (line: string) => void;
}

/**
 * Opens the project in `root`: takes the lock for a writer, and completes or rolls back what an
 * interrupted command left (a journal or staging files, see lib/synth/write.ts), saying so.
 */
export function openProject(root: string, { writer, log = (l) => process.stderr.write(`${l}\n`) }: OpenOptions = {}): Project {
  const command = writer && `npm run ${writer}`;
  if (command) acquireLock(root, command, log);
  if (needsRecovery(root, DIST_DIR)) {
    // a reader takes the lock only to recover, and not from a writer that is still at work
    const release = command ? undefined : acquireLock(root, 'recovery', log);
    try {
      for (const line of recover(root, DIST_DIR, [ENVIRONMENTS_DIR])) log(line);
    } finally {
      release?.();
    }
  }
  const dir = join(root, ENVIRONMENTS_DIR);
  const entries = existsSync(dir) ? withFs(ENVIRONMENTS_DIR, 'reading', () => readdirSync(dir)) : [];
  const yml = entries.filter((f) => f.endsWith('.yml')).sort();
  if (yml.length) {
    throw new ProblemsError(
      yml.map((f) => ({
        code: 'config/yml-extension',
        message: `${ENVIRONMENTS_DIR}/${f} is not read: stage files end in .yaml`,
        hint: `rename it: mv ${ENVIRONMENTS_DIR}/${f} ${ENVIRONMENTS_DIR}/${f.slice(0, -'.yml'.length)}.yaml`,
      })),
    );
  }
  const stages = entries
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  return { root, stages, log, writer: command };
}

/** The text of a stage file on disk (a regular file, within the bounds of lib/model/limits.ts). */
export function readStageFile(project: Project, stage: string): string {
  return readInputFile(stagePath(project, stage), relative(project.root, stagePath(project, stage))).text;
}

export function stagePath(project: Project, stage: string): string {
  return join(project.root, ENVIRONMENTS_DIR, `${stage}.yaml`);
}

export interface CompileOptions {
  /** Stage file texts to compile instead of the files on disk (a change not yet written), by stage. */
  readonly sources?: ReadonlyMap<string, string>;
  /** Called before each stage is compiled (for a progress line). */
  readonly onStage?: (stage: string, index: number, count: number) => void;
  /** Render every app, without the render cache (lib/cli/render-cache.ts). @default false */
  readonly noCache?: boolean;
  /**
   * The other stages of the project, whose output is kept without compiling (lib/cli/reuse.ts),
   * with their `promotion.from`: the delivery tree is planned when these and `stages` are every
   * stage. @default []
   */
  readonly kept?: readonly PromotionDeclaration[];
}

/**
 * Reads the stage files of `stages` (every stage of the project by default) and compiles them.
 * @throws ProblemsError with the problems of every stage at once
 */
export function compile(
  project: Project,
  stages: readonly string[] = project.stages,
  { sources, onStage, noCache = false, kept = [] }: CompileOptions = {},
): Compiled {
  const projectPath = join(project.root, PROJECT_FILE);
  const cache = noCache ? undefined : diskRenderCache(project.root);
  if (cache) unflushed.push(cache);
  const compiled = compileStages(
    stages.map((stage) => ({
      stage,
      file: relative(project.root, stagePath(project, stage)),
      text: sources?.get(stage) ?? readStageFile(project, stage),
      readSource: (path: string) => readSource(project, path),
    })),
    {
      project: existsSync(projectPath) ? { file: PROJECT_FILE, text: readFileSync(projectPath, 'utf8') } : undefined,
      // the delivery objects depend on every stage: planned only when all of them are compiled
      delivery: project.stages.every((s) => stages.includes(s) || kept.some((k) => k.stage === s)),
      otherPromotions: kept,
      stages: project.stages,
      crds: projectCrds(project),
      onStage,
      cache,
      runStages: stageWorkers({ root: project.root, cache, setting: process.env[WORKERS_ENV] }),
    },
  );
  return compiled;
}

const unflushed: DiskRenderCache[] = [];

/** Writes what the compilations of this command put in the render cache: call it once the command has succeeded. */
export function flushRenderCache(): void {
  for (const cache of unflushed.splice(0)) cache.flush();
}

/** Throws away what the compilations of this command put in the render cache and did not flush (main does, when a command returns). */
export function discardRenderCache(): void {
  for (const cache of unflushed.splice(0)) cache.discard();
}

/**
 * A file of the project, or the manifest files below a folder, by path relative to the root (with
 * `/`), for stacks that include existing manifests; undefined when there is none, or the path
 * leaves the project.
 */
export function readSource(project: Project, path: string): Map<string, string> | undefined {
  return readProjectSource(project.root, path);
}

/**
 * The promotion order the project's stage files declare (`promotion.from`). A stage file that does
 * not load is left out here: compiling it reports its problems.
 */
export function promotionOrderOf(project: Project): PromotionOrder {
  return promotionOrder(
    project.stages.flatMap((stage) => {
      try {
        return [{ stage, from: (loadStage(project, stage).file as { promotion?: { from?: string } }).promotion?.from }];
      } catch (e) {
        if (e instanceof ProblemsError) return [];
        throw e;
      }
    }),
  );
}

/** The project's CRD folder: CustomResourceDefinitions its stacks' custom resources are validated with. */
export const CRDS_DIR = 'crds';

/** The CustomResourceDefinitions in `crds/` (YAML files, searched recursively), none when there is no such folder. */
export function projectCrds(project: Project): KubeObject[] {
  const dir = join(project.root, CRDS_DIR);
  if (!existsSync(dir)) return [];
  const files = listFiles(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return [...parseManifests(files.map((f) => ({ file: join(CRDS_DIR, f), text: readFileSync(join(dir, f), 'utf8') }))).objects];
}

/** The files stagecraft wrote in `dist/<stage>/` as they are on disk (empty when the stage has no output yet). */
export function readStageTree(project: Project, stage: string): FileTree {
  const dir = join(project.root, DIST_DIR, stage);
  return new Map(scanDir(dir).owned.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

/** What writing a stage changed, for the summary line. */
export interface WrittenStage {
  readonly stage: string;
  readonly objects: number;
  readonly files: number;
  /** Compared with the inventory that was in `dist/<stage>/` before; undefined when there was none. */
  readonly changes?: InventoryChanges;
}

export interface WriteOutputOptions {
  /** A full synthesis: remove the output of stages that have no stage file any more. */
  readonly removeOthers: boolean;
  /** New texts of stage files, written with the output in one transaction (an edit by promote or switch). */
  readonly stageTexts?: ReadonlyMap<string, string>;
  /** Other project files to write in the same transaction (the schema), by path relative to the root. */
  readonly files?: ReadonlyMap<string, string>;
  /** Stages whose output stays as it is, not compiled (lib/cli/reuse.ts): never removed. @default [] */
  readonly keep?: readonly string[];
}

export interface WrittenOutput {
  /** One per compiled stage, in order. */
  readonly stages: WrittenStage[];
  /** Stages whose output was removed because their stage file is gone, sorted. */
  readonly removed: string[];
}

/**
 * Writes compiled stages into `dist/` and any edited project files as one transaction (see
 * lib/synth/write.ts), leaving files stagecraft did not write where they are (one warning lists
 * them), and says what changed in each stage compared with the output that was there.
 * @throws Error when the project was not opened as a writer (it must hold the lock)
 */
export function writeOutput(
  project: Project,
  compiled: Compiled,
  { removeOthers, stageTexts, files, keep }: WriteOutputOptions,
): WrittenOutput {
  if (!project.writer) throw new Error('writeOutput: open the project with openProject(root, { writer }) first, which takes the lock');
  const distDir = join(project.root, DIST_DIR);
  const before = new Map(
    [...compiled.tree.keys()].map((s) => {
      const path = join(distDir, s, INVENTORY_FILE);
      return [s, existsSync(path) ? parseInventory(readFileSync(path, 'utf8')) : undefined] as const;
    }),
  );
  const projectFiles = new Map([
    ...(files ?? []),
    ...[...(stageTexts ?? [])].map(([stage, text]) => [relative(project.root, stagePath(project, stage)), text] as const),
  ]);
  // what the last full synthesis recorded stops being true now (lib/cli/fingerprint.ts)
  forgetFingerprint(project.root);
  const { removed, foreign } = writeTransaction({
    root: project.root,
    distDir: DIST_DIR,
    tree: compiled.tree,
    removeOthers,
    keep,
    files: projectFiles,
    command: project.writer,
  });
  if (foreign.length) {
    project.log(
      formatProblem({
        code: 'synth/foreign-files',
        severity: 'warning',
        message: `${DIST_DIR}/ holds files that stagecraft did not write; they are left as they are: ${foreign.join(', ')}`,
        hint: `stagecraft replaces only the files it generated (they start with a 'Generated by stagecraft' header); keep hand-written files out of ${DIST_DIR}/<stage>/ if kubectl apply -f should not read them`,
      }),
    );
  }
  const stages = compiled.stages.map((r) => {
    const stageFiles = compiled.tree.get(r.stage.name)!;
    const old = before.get(r.stage.name);
    return {
      stage: r.stage.name,
      objects: r.charts.reduce((n, c) => n + c.objects.length, 0),
      files: stageFiles.size,
      changes: old && compareInventories(old, parseInventory(stageFiles.get(INVENTORY_FILE)!)),
    };
  });
  return { stages, removed };
}

/** `qa: 14 objects in 5 files -> dist/qa/ (1 added, 1 changed, 0 removed)`, then the objects. */
export function writtenLines(w: WrittenStage): string[] {
  const what = w.changes ? changeSummary(w.changes) : 'new';
  return [
    `${w.stage}: ${w.objects} objects in ${w.files} files -> ${DIST_DIR}/${w.stage}/ (${what})`,
    ...(w.changes ? changeLines(w.changes).map((l) => `  ${l}`) : []),
  ];
}

/** @throws ProblemsError naming every one of `stages` that has no stage file */
export function requireStages(project: Project, stages: readonly string[]): void {
  const unknown = stages.filter((s) => !project.stages.includes(s));
  if (unknown.length) {
    throw new ProblemsError(
      unknown.map((s) => ({
        code: 'cli/unknown-stage',
        message: `there is no stage '${s}' (no ${ENVIRONMENTS_DIR}/${s}.yaml)`,
        hint: `the stages are: ${project.stages.join(', ') || 'none'}`,
      })),
    );
  }
}

/** A stage file, loaded and validated (from `text` instead of the file, when given). */
export function loadStage(project: Project, stage: string, text = readStageFile(project, stage)): LoadedStage {
  return stageLoader().load(text, relative(project.root, stagePath(project, stage)));
}

/** The files of `dist/` that differ from `compiled` (its stages only), as `changed: dist/qa/...` lines. */
export function staleFiles(project: Project, compiled: Compiled, removeOthers = false): string[] {
  const diff = compareDist(join(project.root, DIST_DIR), compiled.tree, { removeOthers });
  return [
    ...diff.changed.map((p) => `changed: ${DIST_DIR}/${p}`),
    ...diff.missing.map((p) => `missing: ${DIST_DIR}/${p}`),
    ...diff.extra.map((p) => `not produced by the sources: ${DIST_DIR}/${p}`),
  ];
}

/**
 * Writes a new text of one stage file and that stage's output, after compiling it in memory: when
 * the new text does not compile, nothing is written. Returns what to tell the user: the stage's
 * summary line and, field by field, how its objects changed.
 */
export function rewriteStage(project: Project, stage: string, text: string): string[] {
  const compiled = compile(project, [stage], { sources: new Map([[stage, text]]) });
  const tree = readStageTree(project, stage);
  const before = manifestsOf(tree);
  const [written] = writeOutput(project, compiled, { removeOthers: false, stageTexts: new Map([[stage, text]]) }).stages;
  const changes = diffManifests(before, manifestsOf(compiled.tree.get(stage)!));
  return [
    writtenLines(written)[0],
    ...diffLines(changes, { before: 'the old output', after: 'the new output' }).map((l) => `  ${l}`),
    ...edgeChangeLines(tree, compiled.tree.get(stage)!).map((l) => `  ${l}`),
  ];
}
