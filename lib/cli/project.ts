/**
 * The project on disk: where stage files and output live, and compiling them. The CLI commands
 * are the only callers; this is where reading files happens.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { DIST_DIR, compileStages, stageLoader, type Compiled, type StageOutcome } from '../compile.js';
import type { CheckResult } from '../checks/index.js';
import { imageSubstitutions, type Substitution } from '../transforms/images.js';
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
import { beginTransaction, compareDist, listFiles, needsRecovery, recover, scanDir } from '../synth/write.js';
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
  /**
   * Output being written (`beginOutput`): each stage's files go there as soon as it is compiled,
   * and the result's `tree` and `stages` then hold neither those files nor those objects.
   * @default - everything kept in the result
   */
  readonly output?: OutputInProgress;
}

/**
 * Reads the stage files of `stages` (every stage of the project by default) and compiles them.
 * @throws ProblemsError with the problems of every stage at once
 */
export function compile(
  project: Project,
  stages: readonly string[] = project.stages,
  { sources, onStage, noCache = false, kept = [], output }: CompileOptions = {},
): Compiled {
  const projectPath = join(project.root, PROJECT_FILE);
  const cache = noCache ? undefined : diskRenderCache(project.root);
  if (cache) unflushed.push(cache);
  const stageSources = stages.map((stage) => ({
    stage,
    file: relative(project.root, stagePath(project, stage)),
    text: sources?.get(stage) ?? readStageFile(project, stage),
    readSource: (path: string) => readSource(project, path),
  }));
  const restoreHeap = tightHeap(stageSources.reduce((n, s) => n + s.text.length, 0));
  try {
    return compileStages(stageSources, {
      project: existsSync(projectPath) ? { file: PROJECT_FILE, text: readFileSync(projectPath, 'utf8') } : undefined,
      // the delivery objects depend on every stage: planned only when all of them are compiled
      delivery: project.stages.every((s) => stages.includes(s) || kept.some((k) => k.stage === s)),
      otherPromotions: kept,
      stages: project.stages,
      crds: projectCrds(project),
      onStage,
      cache,
      runStages: stageWorkers({ root: project.root, cache, setting: process.env[WORKERS_ENV] }),
      keep: output?.keep,
    });
  } finally {
    restoreHeap();
  }
}

/** Stage files of at least this many bytes in all make a compilation large enough for `tightHeap`. */
const LARGE_COMPILATION_BYTES = 1024 * 1024;
/**
 * How far V8 lets the heap grow past the objects alive after a full collection before the next
 * one, in percent, while a large compilation runs. V8 chooses up to 300 % when collecting is cheap
 * next to the program's work, which it is here: a stage's objects die when the stage is compiled,
 * so the heap filled with garbage up to four times what was alive (the 1,000-app x 4-stage fleet
 * peaked at 416 MiB of RSS with about 110 MiB alive). 50 % keeps the peak near the live size for
 * a little more collection work (bench/README.md).
 */
const COMPILATION_HEAP_GROWING_PERCENT = 50;

/**
 * Sets V8's heap growing factor for a compilation of `bytes` of stage files, when it is large and
 * the process was not started with one; returns what puts the default back.
 */
function tightHeap(bytes: number): () => void {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /heap[-_]growing[-_]percent/.test(a));
  if (bytes < LARGE_COMPILATION_BYTES || given) return () => {};
  setFlagsFromString(`--heap-growing-percent=${COMPILATION_HEAP_GROWING_PERCENT}`);
  // 0 is V8's default: the factor it chooses itself
  return () => setFlagsFromString('--heap-growing-percent=0');
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
  /** The images the stage's architecture substituted (`images:` of a stage file). */
  readonly images: readonly Substitution[];
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
  /** The SHA-256 of every file written below `dist/`, by path from the project root (`dist/qa/inventory.txt`). */
  readonly digests: ReadonlyMap<string, string>;
}

/**
 * Writes compiled stages into `dist/` and any edited project files as one transaction (see
 * lib/synth/write.ts), leaving files stagecraft did not write where they are (one warning lists
 * them), and says what changed in each stage compared with the output that was there.
 * @throws Error when the project was not opened as a writer (it must hold the lock)
 */
export function writeOutput(project: Project, compiled: Compiled, options: WriteOutputOptions): WrittenOutput {
  const output = beginOutput(project, options);
  try {
    return output.write(compiled);
  } finally {
    output.abort();
  }
}

/** What the reports need of a stage whose files and objects were dropped once written (`beginOutput`). */
interface StagedStage {
  readonly objects: number;
  readonly files: number;
  readonly inventory: string;
  readonly images: readonly Substitution[];
}

/**
 * Output being written while stages are compiled: `keep` (give it to `compile`) writes each stage's
 * files into the staging directory of the write transaction (lib/synth/write.ts) as soon as the
 * stage is compiled, and drops them and the stage's objects (but the objects of a stage that
 * declares `delivery:`, which the delivery plan needs), so that the command never holds the
 * output of every stage at once; `write` then does the transaction. Nothing users see changes
 * before `write`, and `abort` removes what was staged (call it in a `finally`: after `write`
 * it does nothing).
 */
export interface OutputInProgress {
  readonly keep: (outcome: StageOutcome) => StageOutcome;
  /** Writes what `keep` staged and the files of `compiled.tree` (see `writeOutput`). */
  write(compiled: Compiled): WrittenOutput;
  abort(): void;
}

/**
 * Starts writing output into `dist/` (see `OutputInProgress`). The project must be opened as a writer.
 * @throws Error when the project was not opened as a writer (it must hold the lock)
 */
export function beginOutput(project: Project, { removeOthers, stageTexts, files, keep }: WriteOutputOptions): OutputInProgress {
  if (!project.writer) throw new Error('writeOutput: open the project with openProject(root, { writer }) first, which takes the lock');
  const projectFiles = new Map([
    ...(files ?? []),
    ...[...(stageTexts ?? [])].map(([stage, text]) => [relative(project.root, stagePath(project, stage)), text] as const),
  ]);
  const command = project.writer;
  const tx = beginTransaction({ root: project.root, distDir: DIST_DIR, removeOthers, keep, files: projectFiles, command });
  const staged = new Map<string, StagedStage>();
  /** Digests of the files written (path below the root -> SHA-256), for the fingerprint (lib/cli/fingerprint.ts). */
  const digests = new Map<string, string>();
  const digestFiles = (stage: string, tree: FileTree) => {
    for (const [rel, text] of tree) digests.set(`${DIST_DIR}/${stage}/${rel}`, createHash('sha256').update(text).digest('hex'));
  };
  return {
    keep(outcome) {
      const { files: tree, rendered, ...rest } = outcome;
      // a stage with problems stops the command: nothing to write
      if (!tree || !rendered || outcome.problems.length || outcome.failedChecks) return outcome;
      tx.stage(outcome.stage, tree);
      digestFiles(outcome.stage, tree);
      const objects = rendered.charts.flatMap((c) => c.objects);
      staged.set(outcome.stage, {
        objects: objects.length,
        files: tree.size,
        inventory: tree.get(INVENTORY_FILE)!,
        images: imageSubstitutions(objects),
      });
      return { ...rest, rendered: { ...rendered, charts: [], nodeFiles: [] }, ...(rest.checks ? { checks: slimChecks(rest.checks) } : {}) };
    },
    write(compiled) {
      const distDir = join(project.root, DIST_DIR);
      const before = new Map(
        [...compiled.tree.keys(), ...staged.keys()].map((s) => {
          const path = join(distDir, s, INVENTORY_FILE);
          return [s, existsSync(path) ? parseInventory(readFileSync(path, 'utf8')) : undefined] as const;
        }),
      );
      for (const [stage, tree] of compiled.tree) digestFiles(stage, tree);
      // what the last full synthesis recorded stops being true now (lib/cli/fingerprint.ts)
      forgetFingerprint(project.root);
      const { removed, foreign } = tx.commit(compiled.tree);
      return { ...report(project, compiled, staged, before, foreign), removed, digests };
    },
    abort: () => tx.abort(),
  };
}

/** The findings and exceptions of a stage's checks, naming their objects without holding them (see `describeObject`). */
function slimChecks(checks: CheckResult): CheckResult {
  const named = new Map<KubeObject, KubeObject>();
  const slim = (o: KubeObject): KubeObject => {
    // a nameless object is named by its place (lib/model/object.ts): kept as it is
    if (typeof o.metadata?.name !== 'string') return o;
    let s = named.get(o);
    if (!s) {
      const { name, namespace } = o.metadata;
      s = { apiVersion: o.apiVersion, kind: o.kind, metadata: namespace === undefined ? { name } : { name, namespace } };
      named.set(o, s);
    }
    return s;
  };
  return {
    ...checks,
    findings: checks.findings.map((f) => ({ ...f, object: slim(f.object) })),
    exceptions: checks.exceptions.map((e) => ({ ...e, object: slim(e.object) })),
  };
}

function report(
  project: Project,
  compiled: Compiled,
  staged: ReadonlyMap<string, StagedStage>,
  before: ReadonlyMap<string, ReturnType<typeof parseInventory> | undefined>,
  foreign: readonly string[],
): Omit<WrittenOutput, 'removed' | 'digests'> {
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
    const old = before.get(r.stage.name);
    const stageFiles = compiled.tree.get(r.stage.name);
    const s: StagedStage = staged.get(r.stage.name) ?? {
      objects: r.charts.reduce((n, c) => n + c.objects.length, 0),
      files: stageFiles!.size,
      inventory: stageFiles!.get(INVENTORY_FILE)!,
      images: imageSubstitutions(r.charts.flatMap((c) => c.objects)),
    };
    return {
      stage: r.stage.name,
      objects: s.objects,
      files: s.files,
      images: s.images,
      changes: old && compareInventories(old, parseInventory(s.inventory)),
    };
  });
  return { stages };
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
