/**
 * Staging a compiled stage's files into the write transaction in progress (lib/synth/write.ts,
 * `stageDirectory`) and dropping them, from any thread: lib/cli/output.ts does it in the main
 * thread, a stage worker (lib/cli/stage-workers.ts) for the stages it compiles, sending back
 * only what the reports need.
 */
import type { CheckResult } from '../checks/index.js';
import { DIST_DIR, type StageOutcome } from '../compile.js';
import { namedObject, type KubeObject } from '../model/object.js';
import { contentDigest, type StageFileTree } from '../synth/file-content.js';
import { stageDirectory, type StagedDirectory } from '../synth/stage-directory.js';
import type { Substitution } from '../transforms/images.js';
import { objectsReport } from '../synth/rendered.js';

/** What the reports need of a stage whose files and objects were dropped once written (`beginOutput`). */
export interface StagedStage {
  readonly objects: number;
  readonly files: number;
  readonly images: readonly Substitution[];
}

/** Output in progress, as compiling stages sees it (lib/cli/output.ts, `beginOutput`). */
export interface StagingOutput {
  /** Stages the files of an outcome compiled in this thread and returns it without them. */
  readonly keep: (outcome: StageOutcome) => StageOutcome;
  /** Where another thread stages an outcome itself (`stageOutcome`), to hand it to `adopt`. */
  readonly target: OutputTarget;
  /** What `keep` returns, for an outcome staged by `stageOutcome` in another thread. */
  readonly adopt: (staged: StagedOutcome) => StageOutcome;
}

/** Where the staging directory of output in progress is: plain data, for another thread. */
export interface OutputTarget {
  readonly root: string;
}

/** An outcome staged by `stageOutcome`: plain data, which a worker thread sends to `adopt`. */
export interface StagedOutcome {
  /** The outcome without the files and objects staged. */
  readonly outcome: StageOutcome;
  /** Set when the stage's files were staged. */
  readonly staged?: {
    readonly directory: StagedDirectory;
    readonly digests: readonly (readonly [string, string])[];
    readonly summary: StagedStage;
  };
}

/** SHA-256 of each file of a stage's tree, by path below the root (`dist/qa/inventory.txt`). */
export function fileDigests(stage: string, tree: StageFileTree): [string, string][] {
  return [...tree].map(([rel, content]) => [`${DIST_DIR}/${stage}/${rel}`, contentDigest(content)]);
}

/**
 * Writes the files of a compiled stage into the staging directory of output in progress (any
 * thread may, while it is open: `OutputInProgress.target`), and drops them and the stage's objects
 * (but the objects of a stage that declares `delivery:`, which the delivery plan needs).
 */
export function stageOutcome(target: OutputTarget, outcome: StageOutcome): StagedOutcome {
  const { files: tree, rendered, ...rest } = outcome;
  // a stage with problems stops the command: nothing to write
  if (!tree || !rendered || outcome.problems.length || outcome.failedChecks) return { outcome };
  const directory = stageDirectory({ root: target.root, distDir: DIST_DIR }, outcome.stage, tree);
  return {
    outcome: withoutObjects({ ...rest, rendered }),
    staged: {
      directory,
      digests: fileDigests(outcome.stage, tree),
      summary: { ...objectsReport(rendered.charts), files: tree.size },
    },
  };
}

/**
 * `outcome` without the stage's objects (a stage that declares `delivery:` keeps them in
 * `delivered`, which the delivery plan needs), its findings naming their objects (`slimChecks`):
 * what a command that needs only a stage's files keeps of it. An outcome with problems stays whole.
 */
export function withoutObjects(outcome: StageOutcome): StageOutcome {
  const { rendered, checks } = outcome;
  if (!rendered || outcome.problems.length || outcome.failedChecks) return outcome;
  // without them already (a worker's outcome): its findings name their objects
  if (rendered.charts.length === 0 && rendered.nodeFiles.length === 0) return outcome;
  return { ...outcome, rendered: { ...rendered, charts: [], nodeFiles: [] }, ...(checks ? { checks: slimChecks(checks) } : {}) };
}

/** The findings and exceptions of a stage's checks, naming their objects without holding them (see `describeObject`). */
export function slimChecks(checks: CheckResult): CheckResult {
  const named = new Map<KubeObject, KubeObject>();
  const slim = (o: KubeObject): KubeObject => {
    // a nameless object is named by its place (lib/model/object.ts): kept as it is
    if (typeof o.metadata?.name !== 'string') return o;
    let s = named.get(o);
    if (!s) {
      s = namedObject(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace);
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
