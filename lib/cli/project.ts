/**
 * The project on disk: where stage files and output live, and compiling them. The CLI commands
 * are the only callers; this is where reading files happens. Opening the project (the lock, the
 * recovery of an interrupted write, the stage names) is lib/cli/open-project.ts, and what `dist/`
 * holds as written is lib/cli/dist-on-disk.ts, both re-exported here.
 */
import { committedFile } from './committed-file.js';
import { deployedOutput, type DeployedOutput } from './deployed-output.js';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DIST_DIR, compileStages, stageLoader, type Compiled, type KeptStage, type StageOutcome } from '../compile.js';
import type { LoadedStage } from '../config/load.js';
import { PROJECT_FILE } from '../config/project-file.js';
import { lazyCheckout } from './delivery-checkout.js';
import { promotionOrder, promotionProblems, type PromotionOrder } from '../promotion-order.js';
import { promotionDeclaration } from '../compile-stage.js';
import { ExitCode, ProblemsError } from '../errors.js';
import { readRegularFile } from '../synth/disk.js';
import { parseInventory } from '../synth/inventory.js';
import { ENVIRONMENTS_DIR } from './digests.js';
import { noteStateDirFile, stateDirIsFile } from './unkept-state.js';
import { diskRenderCache, type DiskRenderCache } from './render-cache.js';
import { stageWorkers } from './stage-workers.js';
import { WORKERS_ENV } from './worker-plan.js';
import { withoutObjects, type StagingOutput } from './staging.js';
import { SCHEMA_FILE, type Project } from './open-project.js';
import { removedStages } from './dist-on-disk.js';
import { parseManifests } from '../checks/manifests.js';
import type { KubeObject } from '../model/object.js';
import { givenAtStart, setRuntimeFlag } from '../model/runtime-flags.js';
import { LARGE_COMPILATION_BYTES } from '../model/launcher-flags.cjs';
import { didYouMean } from '../model/did-you-mean.js';
import { shownArgument } from '../model/shown-arguments.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { YAML_FILE, outputReader, readInputFile, readProjectSource } from './read-file.js';
import { diskStageEntries, pruneStageEntries } from './stage-entries.js';

export { COMPILER_VERSION, DIST_DIR, schemaText, stageLoader, type Compiled } from '../compile.js';

export { ENVIRONMENTS_DIR } from './digests.js';
export { SCHEMA_FILE, openProject, type OpenOptions, type Project } from './open-project.js';
export { deliveryInventories, readStageTree, removedStages } from './dist-on-disk.js';

/**
 * The schema file as it is in the project, or undefined when there is none or it is no regular
 * file (a FIFO there is not waited on): either way it is stale, and synth writes it.
 */
export function schemaOnDisk(root: string): string | undefined {
  try {
    return readRegularFile(join(root, SCHEMA_FILE));
  } catch {
    return undefined;
  }
}

/** The text of a stage file on disk (a regular file, within the bounds of lib/model/limits.ts). */
export function readStageFile(project: Project, stage: string): string {
  return readInputFile(stagePath(project, stage), relative(project.root, stagePath(project, stage))).text;
}

/** The stage file of `stage` in the project at `project.root`. */
export function stagePath(project: Pick<Project, 'root'>, stage: string): string {
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
   * with their `promotion.from` and delivery: the delivery tree is planned when these and `stages`
   * are every stage. @default []
   */
  readonly kept?: readonly KeptStage[];
  /**
   * Output being written (lib/cli/output.ts, `beginOutput`): each stage's files go there as soon as
   * it is compiled, and the result's `tree` and `stages` then hold neither those files nor those
   * objects. @default - everything kept in the result
   */
  readonly output?: StagingOutput;
  /**
   * False when nothing is written and the caller needs no stage's objects, only the files: each
   * stage's objects are dropped as soon as it is compiled, in the thread that compiled it
   * (`withoutObjects` in lib/cli/staging.ts). @default true
   */
  readonly objects?: boolean;
  /**
   * What else is done with each stage's outcome as it arrives, after `output` or `objects` took
   * their part (`npm run check` compares the stage's files with `dist/` and drops them). @default - nothing
   */
  readonly keep?: (outcome: StageOutcome) => StageOutcome;
  /**
   * `stages` are compiled with no record of the other stages (lib/cli/reuse.ts): what a compilation
   * of every stage refuses of their files is refused too, reading the other stage files along their
   * promotion chain (`CompileStagesOptions.alone`). @default false
   */
  readonly alone?: boolean;
  /**
   * The compilation's output removes that of the stages whose stage file is gone (a synthesis of every stage, which says what
   * their edge machines go on doing): an edge machine of theirs that a compiled stage's edge names is warned of there only
   * otherwise; a floating IP of theirs that one takes, either way. @default false
   */
  readonly removing?: boolean;
  /** Nothing compiled is written (npm run diff: `CompileStagesOptions.writesNothing`). @default false */
  readonly writesNothing?: boolean;
  /** The removed stages' output as deployed, shared with the removal lines so that git reads each file once (lib/cli/deployed-output.ts). @default one of its own */
  readonly deployed?: DeployedOutput;
}

/**
 * Reads the stage files of `stages` (every stage of the project by default) and compiles them.
 * @throws ProblemsError with the problems of every stage at once
 */
export function compile(
  project: Project,
  stages: readonly string[] = project.stages,
  {
    sources,
    onStage,
    noCache = false,
    kept = [],
    output,
    objects = true,
    keep,
    alone = false,
    removing = false,
    writesNothing = false,
    deployed = deployedOutput(project.root),
  }: CompileOptions = {},
): Compiled {
  const projectPath = join(project.root, PROJECT_FILE);
  // a file at .stagecraft itself: said once, with the state files it keeps from being kept, as the command ends (./unkept-state.ts)
  const warn = (line: string) => (stateDirIsFile(project.root) ? noteStateDirFile(project.root) : project.log(line));
  const cache = noCache ? undefined : diskRenderCache(project.root, { warn });
  if (cache) unflushed.push(cache);
  const stageSources = stages.map((stage) => ({
    stage,
    file: relative(project.root, stagePath(project, stage)),
    text: sources?.get(stage) ?? readStageFile(project, stage),
    readSource: (path: string) => readSource(project, path),
    readOutput: outputReader(project.root, stage),
    entries: diskStageEntries(project.root, stage),
    stages: project.stages,
  }));
  if (project.stages.every((s) => stages.includes(s))) pruneStageEntries(project.root, project.stages);
  const restoreHeap = tightHeap(stageSources.reduce((n, s) => n + s.text.length, 0));
  try {
    return compileStages(stageSources, {
      // read as every input is: a regular file within the size bound, UTF-8 (lib/cli/read-file.ts)
      project: existsSync(projectPath)
        ? { file: PROJECT_FILE, text: readInputFile(projectPath, PROJECT_FILE).text, checkout: lazyCheckout(project.root) }
        : undefined,
      // the delivery objects depend on every stage: planned only when all of them are compiled
      delivery: project.stages.every((s) => stages.includes(s) || kept.some((k) => k.stage === s)),
      kept,
      stages: project.stages,
      crds: projectCrds(project.root),
      onStage,
      cache,
      runStages: stageWorkers({ root: project.root, cache, output, objects, setting: process.env[WORKERS_ENV] }),
      keep: then(output?.keep ?? (objects ? undefined : withoutObjects), keep),
      alone: alone ? { promotedFrom: (stage) => promotedFromFile(project, stage) } : undefined,
      // a synthesis of every stage removes their output, and says what their edge machines go on doing (lib/cli/removed-stage.ts)
      removed: { stages: [...removedStages(project).keys()], removing, deployed, committed: committedFile(project.root) },
      writesNothing,
    });
  } finally {
    restoreHeap();
  }
}

/** A stage's `promotion.from`, read from its stage file; undefined when it declares none, or the file does not load (its own command says why). */
function promotedFromFile(project: Project, stage: string): string | undefined {
  try {
    return promotionDeclaration(loadStage(project, stage)).from;
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    return undefined;
  }
}

/** `first`, then `second`, on each outcome (either may be absent). */
function then(first?: (o: StageOutcome) => StageOutcome, second?: (o: StageOutcome) => StageOutcome) {
  return first && second ? (o: StageOutcome) => second(first(o)) : (first ?? second);
}

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
  if (bytes < LARGE_COMPILATION_BYTES || givenAtStart('heap-growing-percent')) return () => {};
  // 0 is V8's default: the factor it chooses itself
  return setRuntimeFlag({ flag: `--heap-growing-percent=${COMPILATION_HEAP_GROWING_PERCENT}`, undo: '--heap-growing-percent=0' });
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
 * not load is left out here (compiling it reports its problems), except one of `required`: the
 * stages the caller is about to use, whose problems are thrown (a stage left out would read as a
 * stage outside the order), as are those of their `promotion.from` (naming no stage, such as one
 * removed, the stage itself, or a cycle), which would read as a move out of order.
 * @throws ProblemsError with the problems of every stage of `required` whose file or `promotion.from` is wrong
 */
export function promotionOrderOf(project: Project, required: readonly string[] = []): PromotionOrder {
  const failed: ProblemsError[] = [];
  const declarations = project.stages.flatMap((stage) => {
    try {
      return [promotionDeclaration(loadStage(project, stage))];
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      if (required.includes(stage)) failed.push(e);
      return [];
    }
  });
  if (failed.length)
    throw new ProblemsError(
      failed.flatMap((e) => e.problems),
      failed[0].exitCode,
    );
  const wrong = promotionProblems(declarations, project.stages, required);
  if (wrong.length) throw new ProblemsError(wrong, ExitCode.badInput);
  return promotionOrder(declarations);
}

/** The project's CRD folder: CustomResourceDefinitions its stacks' custom resources are validated with. */
export const CRDS_DIR = 'crds';

/**
 * The CustomResourceDefinitions in the `crds/` folder of the project in `root` (YAML files,
 * searched recursively in name order), none when there is no such folder; synth and check (without
 * `--crds`) read the same. Read as a stack's included manifests are (lib/cli/read-file.ts): a
 * symbolic link is followed only while it stays in the project, and a link back up a folder being
 * walked is not walked again.
 * @throws ProblemsError (exit 2) naming a link that leads outside the project
 */
export function projectCrds(root: string): readonly KubeObject[] {
  const files = readProjectSource(root, CRDS_DIR, YAML_FILE);
  if (!files) return [];
  return parseManifests([...files.keys()].sort().map((file) => ({ file, text: files.get(file)! }))).objects;
}

/**
 * The stages of the project whose namespace is one the inventory `text` (a removed stage's output)
 * creates: a stage renamed that kept its namespace (`git mv qa.yaml staging.yaml`, `namespace:
 * qa`). Until its output is applied, the objects there, the Namespace too, carry the removed
 * stage's labels, which its delete command selects by. Read from the stage files, so that it holds
 * before the new stage's output is written; a stage file that does not load holds none.
 */
export function stagesHolding(project: Project, text: string): string[] {
  const namespaces = new Set<string>();
  for (const key of parseInventory(text).keys()) if (key.startsWith(NAMESPACE_KEY)) namespaces.add(key.slice(NAMESPACE_KEY.length));
  if (namespaces.size === 0) return [];
  return project.stages.filter((s) => {
    try {
      return namespaces.has(loadStage(project, s).context.namespace);
    } catch {
      return false; // its command says what is wrong with it
    }
  });
}

/** How an inventory's key of a Namespace starts (`v1 Namespace qa`). */
export const NAMESPACE_KEY = 'v1 Namespace ';

/**
 * Every command's check of the stage names it was given, with a "did you mean" for each that has
 * no stage file (a typo, another case, or the start of a name: `prod` -> `production`).
 * @throws ProblemsError naming every one of `stages` that has no stage file
 */
export function requireStages(project: Project, stages: readonly string[]): void {
  const unknown = stages.filter((s) => !project.stages.includes(s));
  if (unknown.length) {
    const removed = removedStages(project);
    throw new ProblemsError(
      unknown.map((s) => {
        // a removed stage was meant as it is named, not another ('lab' is not 'qa' misspelt)
        const guess = removed.has(s) ? undefined : didYouMean(s, project.stages, { prefix: true });
        const stages = `the stages are: ${project.stages.join(', ') || 'none'}`;
        // its file named only when the word is quoted whole: not a secret's (a token pasted there), nor one cut short
        const shown = shownArgument(s);
        const named = escapeInvisible(s);
        return {
          code: 'cli/unknown-stage',
          message: `there is no stage ${shown}${shown === `'${named}'` ? ` (no ${ENVIRONMENTS_DIR}/${named}.yaml)` : ''}${guess ? `; did you mean '${guess}'?` : ''}`,
          // its file was removed, its output not yet: say what removes it, and where to see what leaves the cluster
          // (a name starting with '-', after a second '--', is refused before: lib/cli/arguments.ts)
          hint: removed.has(s)
            ? `${DIST_DIR}/${s}/ is what is left of it: npm run diff -- ${s} shows its objects leaving and the command that deletes them from its cluster; npm run synth removes ${DIST_DIR}/${s}/ (${stages})`
            : stages,
        };
      }),
    );
  }
}

/** A stage file, loaded and validated (from `text` instead of the file, when given). */
export function loadStage(project: Project, stage: string, text = readStageFile(project, stage)): LoadedStage {
  return stageLoader().load(text, relative(project.root, stagePath(project, stage)), { stages: project.stages });
}
