/**
 * The compiler's pipeline over the stages of a project: each stage compiled by `compileStage`
 * (lib/compile-stage.ts: load, render, check, plan its files), one after another or on other
 * threads (`runStages`), the outcomes merged in the order of the stages; then the promotion order
 * checked across stages and `dist/delivery/` planned. Every problem of every stage is collected
 * and thrown at once. Pure: it takes the texts of stage files and returns the output to write;
 * only `lib/cli/` reads and writes files.
 */
import { compareProblems, ExitCode, ProblemsError, type Problem } from './errors.js';
import { promotionProblems, type PromotionDeclaration } from './promotion-order.js';
import { PROJECT_FILE, loadProjectFile, projectPlaces } from './config/project-file.js';
import { DELIVERY_DIR, deliveryFiles } from './delivery/index.js';
import { planDelivery } from './delivery/plan.js';
import type { DeliveredStage } from './delivery/stage.js';
import type { ProjectCheckout } from './delivery/delivery-plan.js';
import type { ProjectFile } from './config/delivery.js';
import type { CheckResult } from './checks/index.js';
import { placedProblems } from './checks/manifests.js';
import type { KubeObject } from './model/object.js';
import type { RenderCache, RenderedStage } from './synth/rendered.js';
import { textTree, type FileTree } from './synth/file-content.js';
import { digest } from './synth/inventory.js';
import type { InventoryChanges } from './synth/inventory-changes.js';
import type { DistTree } from './synth/disk.js';
import { claimProblems, claimsNotChecked, retoldLeaving } from './edge/across-stages.js';
import { outputClaimsOf, removedOutputsOf, type RemovedStages } from './edge/output-claims.js';
import { readingOnce } from './model/read-once.js';
import {
  COMPILER_VERSION,
  compileStage,
  type StageDeclarations,
  type StageEnvironment,
  type StageOutcome,
  type StageSource,
} from './compile-stage.js';

export {
  COMPILER_VERSION,
  compileStage,
  loadStage,
  schemaText,
  stageLoader,
  withCustomKinds,
  withSources,
  type StageDeclarations,
  type StageEnvironment,
  type StageOutcome,
  type StageSource,
} from './compile-stage.js';
export { DIST_DIR } from './synth/disk.js';

/** The project file (`stagecraft.yaml`), when the project has one. */
export interface ProjectSource {
  readonly file: string;
  readonly text: string;
  /**
   * What Git says of the checkout the project lies in, its directory there and its remotes (lib/cli/delivery-checkout.ts),
   * asked only when a delivered stage is planned (it starts git). @default - not in one: not checked
   */
  readonly checkout?: ProjectCheckout;
}

export interface CompileStagesOptions {
  readonly project?: ProjectSource;
  /**
   * Plan `dist/delivery/` too: only when every stage of the project is compiled, since the
   * engine's objects (an AppProject, the dependencies between stages) depend on all of them.
   * @default false
   */
  readonly delivery?: boolean;
  /** CustomResourceDefinitions the project declares (its `crds/` folder), for the custom resources stacks render. @default [] */
  readonly crds?: readonly KubeObject[];
  /**
   * Every stage of the project, which `promotion.from` may name (checked only when given).
   * @default - not checked
   */
  readonly stages?: readonly string[];
  /** Rendered apps kept between runs (lib/cli/render-cache.ts). @default - none */
  readonly cache?: RenderCache;
  /**
   * The stages of the project not compiled here, whose output is kept as it is (lib/cli/reuse.ts):
   * the promotion order and the delivery plan see what they declare too. @default []
   */
  readonly kept?: readonly KeptStage[];
  /** How the stages are compiled (lib/cli/stage-workers.ts uses worker threads). @default - one after another, in this thread */
  readonly runStages?: StageRunner;
  /**
   * What is kept of each stage's outcome once it is compiled, before the others are: a caller can
   * write the stage's files and drop them, and its objects (lib/cli/output.ts). A stage whose
   * outcome comes back without `files` has no entry in `tree`. @default - everything
   */
  readonly keep?: (outcome: StageOutcome) => StageOutcome;
  /** Called before each stage is compiled (for a progress line). */
  readonly onStage?: (stage: string, index: number, count: number) => void;
  /**
   * A compilation of some stages, not every one, with no record of the others (neither compiled nor
   * kept, so `delivery` is not planned: naming every stage plans it, and needs none of this): once
   * they compiled without a problem, it refuses what a compilation of every stage
   * refuses of their files that one of them alone would not see. Their delivery settings, planned
   * with these stages alone for their problems (a cluster the project file does not declare, an
   * engine that cannot honour them); and a `promotion.from` that makes a cycle through stages not
   * compiled, whose own `promotion.from` `promotedFrom` reads along the chain (undefined when the
   * stage declares none, or its file does not load: its own compilation says why). Only with `stages`.
   * @default - neither
   */
  readonly alone?: { readonly promotedFrom: (stage: string) => string | undefined };
  /**
   * The stages whose output is in dist/ but whose stage file is gone (a synthesis of every stage removes it): an edge machine
   * one of them runs on that a compiled stage's edge now names, and a floating IP it moves that one now takes, are warned of
   * (lib/edge/moved-machines.ts). @default none
   */
  readonly removed?: RemovedStages;
  /**
   * The compilation writes no output (`npm run diff`): the steps on an edge machine a compiled stage takes from another stage's
   * edge install its files once its synthesis has written them, unless its output in dist/ has them already. @default false
   */
  readonly writesNothing?: boolean;
}

export interface Compiled {
  readonly stages: readonly RenderedStage[];
  readonly tree: DistTree;
  /** Per stage, what the checks found (warnings only: errors stop the compilation) and the exceptions used. */
  readonly checks: ReadonlyMap<string, CheckResult>;
  /** Per stage, the summary lines of the values its `secrets.allow` excused (lib/stage-secrets.ts). */
  readonly allowedSecrets: ReadonlyMap<string, readonly string[]>;
  /** Per stage, what it declares that other stages' output depends on: `delivery:` and `promotion.from`. */
  readonly declarations: ReadonlyMap<string, StageDeclarations>;
  /**
   * Warnings about what the compilation changes in the output as it is (lib/live-edits.ts), in
   * stage order, then of the stages' delivery settings an engine ignores (lib/delivery/plan.ts):
   * said when a stage is compiled (the delivery's at every synthesis), never kept with a stage's warnings.
   */
  readonly notices: readonly Problem[];
  /**
   * The warnings of the delivery plan (among `notices`): they follow from the inputs and what Git says of the checkout alone,
   * so that a command answered from the last compilation (lib/cli/fingerprint.ts) says them again. @default - none
   */
  readonly deliveryWarnings: readonly Problem[];
  /**
   * Per stage, warnings about its stage file's own settings, placed there: a stack's refine step's
   * (a careless quantity), the entries of images: that no container uses (lib/stage-images.ts);
   * and what its stacks warned of in the files they include, placed there (a null label). Kept with the stage's warnings, and said again when the stage is kept.
   */
  readonly warnings: ReadonlyMap<string, readonly Problem[]>;
  /**
   * Per stage compared across stages (compiled, kept, or read from its output in dist/), the warnings of
   * that comparison placed at its stage file's settings (`edge/machine-name`, lib/edge/across-stages.ts):
   * kept with its warnings, but they depend on the other stages, so a kept stage's are these, not its record's.
   */
  readonly acrossStages: ReadonlyMap<string, readonly Problem[]>;
  /**
   * Per stage, the warnings of that comparison about an output this compilation writes again or removes (an edge machine a
   * compiled stage's edge leaves that the stage's now names): among `notices` too, said once, as the next compilation finds
   * that output changed; printed with `acrossStages` by the commands that compile a stage without synth (acrossStagesWarnings).
   */
  readonly acrossStagesOnce: ReadonlyMap<string, readonly Problem[]>;
  /** Per stage that had output, how its objects changed from it (`StageOutcome.changes`); a new stage has none. */
  readonly changes: ReadonlyMap<string, InventoryChanges>;
  /** The project file as this compilation loaded it (empty without one), so that no command reads it again. */
  readonly projectFile: ProjectFile;
}

/** A stage whose output is kept without compiling it (lib/cli/reuse.ts): what it declares across stages, as last compiled. */
export interface KeptStage extends PromotionDeclaration {
  readonly delivery?: DeliveredStage;
  /** What it takes that no other stage may take too (lib/edge/across-stages.ts); a record without it is not compared. */
  readonly claims?: unknown;
}

/**
 * Runs `compile` for each of `sources` (in any order, on any thread) and returns the outcomes in
 * the order of `sources`. The default runs them one after another in this thread; lib/cli gives
 * one that also uses worker threads.
 */
export type StageRunner = (
  sources: readonly StageSource[],
  env: StageEnvironment,
  compile: (source: StageSource, index: number) => StageOutcome,
  /** Called with each outcome as soon as it is there (from any thread); the runner returns what it returns. */
  arrived: (outcome: StageOutcome, index: number) => StageOutcome,
) => readonly StageOutcome[];

/** The runner without threads: each stage in turn, in this thread. */
export const inSequence: StageRunner = (sources, _env, compile, arrived) => sources.map((s, i) => arrived(compile(s, i), i));

/**
 * Loads (step 1), renders (step 2, with the transforms), checks (step 3, `checkStage` in
 * lib/checks/) and plans the output of every source.
 * @throws ProblemsError with the problems of every stage at once: exit code 2 when a stage file
 *   is wrong, 1 when only the checks of the rendered objects failed
 */
export function compileStages(sources: readonly StageSource[], options: CompileStagesOptions = {}): Compiled {
  const problems: Problem[] = [];
  let project: ProjectFile = {};
  try {
    if (options.project) project = loadProjectFile(options.project.text, options.project.file);
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    problems.push(...e.problems);
  }
  const delivered: DeliveredStage[] = [];
  const rendered: RenderedStage[] = [];
  const promotions: PromotionDeclaration[] = [];
  const checks = new Map<string, CheckResult>();
  const allowedSecrets = new Map<string, readonly string[]>();
  const declarations = new Map<string, StageDeclarations>();
  const files = new Map<string, FileTree>();
  const notices: Problem[] = [];
  // the stage whose compilation said each notice, to tell one again across stages
  const noticedBy = new Map<Problem, string>();
  const warnings = new Map<string, readonly Problem[]>();
  const changes = new Map<string, InventoryChanges>();
  let failedChecks = false;
  const env: StageEnvironment = {
    engine: project.delivery?.engine,
    sync: project.delivery?.sync,
    clusters: project.delivery?.clusters,
    cluster: project.delivery?.cluster,
    project: project.delivery?.project,
    crds: options.crds,
    cache: options.cache,
  };
  const runStages = options.runStages ?? inSequence;
  // each stage's output read once by its compilation and the comparison across stages (a worker thread reads its own)
  const once = sources.map((s) => (s.readOutput ? { ...s, readOutput: readingOnce(s.readOutput) } : s));
  const outcomes = runStages(
    once,
    env,
    (source, i) => {
      options.onStage?.(source.stage, i, sources.length);
      return compileStage(source, env);
    },
    (outcome) => options.keep?.(outcome) ?? outcome,
  );
  // merged in the order of the sources, whichever thread compiled them: the same output either way
  for (const outcome of outcomes) {
    const { stage, declaration } = outcome;
    if (outcome.promotion) promotions.push(outcome.promotion);
    if (declaration) {
      declarations.set(stage, declaration);
      if (declaration.delivery) delivered.push(declaration.delivery);
    }
    if (outcome.rendered) {
      rendered.push(outcome.rendered);
      if (outcome.files) files.set(outcome.stage, textTree(outcome.files));
    }
    if (outcome.checks) checks.set(outcome.stage, outcome.checks);
    if (outcome.allowedSecrets) allowedSecrets.set(outcome.stage, outcome.allowedSecrets);
    problems.push(...outcome.problems);
    for (const p of outcome.notices ?? []) noticedBy.set(p, stage);
    notices.push(...(outcome.notices ?? []));
    if (outcome.warnings?.length) warnings.set(outcome.stage, outcome.warnings);
    if (outcome.changes) changes.set(outcome.stage, outcome.changes);
    if (outcome.failedChecks) failedChecks = true;
  }
  // `promotion.from` can name only what the caller says the project has (a compilation of some stages names others)
  const kept = options.kept ?? [];
  promotions.push(...kept);
  if (options.stages) problems.push(...promotionProblems(promotions, options.stages));
  // with the kept stages', in the order of the project's stages, as a compilation of every stage plans them (the
  // files do not depend on it; the planner's messages list stages in it)
  const rank = new Map((options.stages ?? sources.map((s) => s.stage)).map((s, i) => [s, i]));
  // what two stages may not both take (an edge machine, a floating IP, a node port on one cluster), the kept ones' as recorded;
  // a node port is refused to the stage that takes it newly, told from the one whose output (dist/<stage>/) takes it already
  const outputOf = (stage: string) => once.find((s) => s.stage === stage);
  const removed = removedOutputsOf(sources, options.removed);
  const claims = claimProblems(
    declarations,
    kept,
    rank,
    project.delivery?.cluster,
    outputOf,
    outputClaimsOf(sources),
    removed,
    options.writesNothing,
  );
  problems.push(...claims.problems);
  notices.push(...[...claims.once.values()].flat());
  // a machine a stage's edge leaves that another stage's edge now names: the leaving stage's notice does not stop it there
  if (claims.taken.length) for (const [i, p] of notices.entries()) notices[i] = retoldLeaving(p, noticedBy.get(p) ?? '', claims.taken);
  if (claims.unchecked.length)
    notices.push(
      claimsNotChecked(
        sources.map((s) => s.stage),
        claims.unchecked,
      ),
    );
  delivered.push(...kept.flatMap((k) => (k.delivery ? [k.delivery] : [])));
  delivered.sort((a, b) => (rank.get(a.stage) ?? rank.size) - (rank.get(b.stage) ?? rank.size));
  const projectFile = options.project?.file ?? PROJECT_FILE;
  const plan = (stages: readonly DeliveredStage[]) =>
    planDelivery(
      stages,
      project,
      projectFile,
      new Map(promotions.flatMap((p) => (p.from ? [[p.stage, p.from] as const] : []))),
      options.project ? projectPlaces(options.project.text, projectFile) : undefined,
      options.project?.checkout,
    );
  if (options.alone && options.stages && !problems.length && !failedChecks) {
    // these stages' own delivery settings, planned without the others (its files and notices would be of these stages alone)
    const own = delivered.filter((d) => declarations.has(d.stage));
    if (own.length) problems.push(...plan(own).problems);
    const compiled = promotions.filter((p) => declarations.has(p.stage));
    problems.push(...cyclesThroughOthers(compiled, kept, options.stages, options.alone.promotedFrom));
  }
  let deliveryTree: Map<string, string> | undefined;
  let deliveryWarnings: readonly Problem[] = [];
  if (options.delivery && delivered.length && !problems.length) {
    const planned = plan(delivered);
    problems.push(...planned.problems);
    notices.push(...planned.notices);
    deliveryWarnings = planned.notices;
    if (!planned.problems.length) {
      const delivery = deliveryFiles(planned.plans, {
        compilerVersion: COMPILER_VERSION,
        source: projectFile,
        sourceDigest: digest(options.project?.text ?? ''),
      });
      problems.push(...delivery.problems);
      deliveryTree = delivery.files;
    }
  }
  const findings = failedChecks
    ? [...checks].flatMap(([stage, c]) => placedProblems(c.findings, rendered.find((r) => r.stage.name === stage)?.stage))
    : [];
  // a broken stage file is bad input (exit 2); the other stages' findings are shown with it
  if (problems.length) throw new ProblemsError([...[...problems].sort(compareProblems), ...findings]);
  if (failedChecks) throw new ProblemsError(findings, ExitCode.checkFailed);
  const tree: DistTree = new Map(rendered.flatMap((r) => (files.has(r.stage.name) ? [[r.stage.name, files.get(r.stage.name)!]] : [])));
  if (deliveryTree?.size) tree.set(DELIVERY_DIR, deliveryTree);
  return {
    stages: rendered,
    tree,
    checks,
    allowedSecrets,
    declarations,
    notices,
    deliveryWarnings,
    warnings,
    acrossStages: claims.warnings,
    acrossStagesOnce: claims.once,
    changes,
    projectFile: project,
  };
}

/**
 * The problems of the compiled stages' `promotion.from` (`compiled`) that make a cycle through stages
 * not compiled: a kept one's `promotion.from` is its record's (its file being the one recorded), the
 * others' are read along the chain (`promotedFrom`).
 */
function cyclesThroughOthers(
  compiled: readonly PromotionDeclaration[],
  kept: readonly KeptStage[],
  existing: readonly string[],
  promotedFrom: (stage: string) => string | undefined,
): Problem[] {
  const named = compiled.map((p) => p.stage);
  const keptFrom = new Map(kept.map((k) => [k.stage, k.from]));
  const chain: PromotionDeclaration[] = [];
  const seen = new Set(named);
  for (const p of compiled) {
    for (let from = p.from; from !== undefined && !seen.has(from); from = chain[chain.length - 1].from) {
      seen.add(from);
      chain.push({ stage: from, from: keptFrom.has(from) ? keptFrom.get(from) : promotedFrom(from) });
    }
  }
  return chain.length ? promotionProblems([...compiled, ...chain], existing, named) : [];
}
