/**
 * The compiler's pipeline, one step after another: load each stage file (schema and refine),
 * render its charts and node files, transform, check, and plan the files of `dist/<stage>/`.
 * Every problem of every stage is collected and thrown at once. Pure: it takes the texts of
 * stage files and returns the output to write; only `lib/cli/` reads and writes files.
 */
import { STACKS } from '../apps/index.js';
import packageJson from '../package.json' with { type: 'json' };
import { StageLoader } from './config/load.js';
import { PROJECT_FILE, loadProjectFile } from './config/project-file.js';
import { DELIVERY_DIR, deliveryFiles, deliveryObjects, validateDeliveryObjects } from './delivery/index.js';
import { planDelivery, type DeliveredStage } from './delivery/plan.js';
import { ENGINES, type ProjectFile } from './config/delivery.js';
import { ExitCode, ProblemsError, compareProblems, type Problem } from './errors.js';
import { checkStage, type CheckResult } from './checks/index.js';
import { toProblem } from './checks/finding.js';
import { renderStage, type RenderCache, type RenderedStage } from './synth/render.js';
import { stageFiles } from './synth/output.js';
import { digest } from './synth/inventory.js';
import type { DistTree } from './synth/write.js';

/** The version of stagecraft itself (its package.json), written on each stage's own objects. */
export const COMPILER_VERSION: string = packageJson.version;

/** The output directory, relative to the project root (also `output` in cdk8s.yaml). */
export const DIST_DIR = 'dist';

let loader: StageLoader<typeof STACKS> | undefined;
/** The loader for the registered stacks (its schema is compiled once per process). */
export function stageLoader(): StageLoader<typeof STACKS> {
  return (loader ??= new StageLoader(STACKS));
}

/** The stage-file JSON Schema as written for editors. */
export function schemaText(): string {
  return JSON.stringify(stageLoader().schema, null, 2) + '\n';
}

/** One stage file to compile. */
export interface StageSource {
  readonly stage: string;
  /** The file as messages name it, relative to the project root: `environments/qa.yaml`. */
  readonly file: string;
  readonly text: string;
}

/** The project file (`stagecraft.yaml`), when the project has one. */
export interface ProjectSource {
  readonly file: string;
  readonly text: string;
}

export interface CompileStagesOptions {
  readonly project?: ProjectSource;
  /**
   * Plan `dist/delivery/` too: only when every stage of the project is compiled, since the
   * engine's objects (an AppProject, the dependencies between stages) depend on all of them.
   * @default false
   */
  readonly delivery?: boolean;
  /** The promotion order, for the dependencies between stages' deliveries. @default [] */
  readonly promotionOrder?: readonly string[];
  /** Rendered apps kept between runs (lib/cli/render-cache.ts). @default - none */
  readonly cache?: RenderCache;
}

export interface Compiled {
  readonly stages: readonly RenderedStage[];
  readonly tree: DistTree;
  /** Per stage, what the checks found (warnings only: errors stop the compilation) and the exceptions used. */
  readonly checks: ReadonlyMap<string, CheckResult>;
}

/** Step 1: a stage file, loaded and validated against the schema and the stacks' refine rules. */
export function loadStage({ text, file }: StageSource) {
  return stageLoader().load(text, file);
}

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
  const checks = new Map<string, CheckResult>();
  const digests = new Map<string, string>();
  let failedChecks = false;
  for (const source of sources) {
    try {
      if (source.stage === DELIVERY_DIR) {
        throw new ProblemsError([{ code: 'config/stage-name', subject: source.file, message: `the stage name '${DELIVERY_DIR}' is reserved for ${DIST_DIR}/${DELIVERY_DIR}/`, hint: 'rename the stage file' }]);
      }
      const loaded = loadStage(source);
      const { delivery, secretStore } = loaded.file;
      const engine = delivery ? (delivery.engine ?? project.delivery?.engine) : undefined;
      const r = renderStage(loaded, STACKS, COMPILER_VERSION, { secretStore, engine, cache: options.cache });
      if (delivery) {
        delivered.push({ stage: r.stage.name, namespace: r.stage.namespace, source: source.file, delivery, objects: r.charts.flatMap((c) => c.objects) });
      }
      // every check on every stage, after rendering: an error here means nothing is written
      const { problems: stageProblems, ...result } = checkStage(r, loaded.file.checks ?? {});
      if (stageProblems.length) throw new ProblemsError(stageProblems);
      rendered.push(r);
      digests.set(source.stage, digest(source.text));
      checks.set(source.stage, result);
      if (result.findings.some((f) => f.severity === 'error')) failedChecks = true;
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      problems.push(...e.problems);
    }
  }
  let deliveryTree: Map<string, string> | undefined;
  if (options.delivery && delivered.length && !problems.length) {
    const projectFile = options.project?.file ?? PROJECT_FILE;
    const planned = planDelivery(delivered, project, projectFile, options.promotionOrder ?? []);
    problems.push(...planned.problems);
    problems.push(...validateDeliveryObjects(ENGINES.flatMap((e) => {
      const mine = planned.plans.filter((p) => p.engine === e);
      return mine.length ? [...deliveryObjects(e, mine).values()].flat() : [];
    })));
    if (!planned.problems.length) {
      deliveryTree = deliveryFiles(planned.plans, {
        compilerVersion: COMPILER_VERSION,
        source: projectFile,
        sourceDigest: digest(options.project?.text ?? ''),
      });
    }
  }
  const findings = failedChecks ? [...checks.values()].flatMap((c) => c.findings.map((f) => toProblem(f))) : [];
  // a broken stage file is bad input (exit 2); the other stages' findings are shown with it
  if (problems.length) throw new ProblemsError([...[...problems].sort(compareProblems), ...findings]);
  if (failedChecks) throw new ProblemsError(findings, ExitCode.checkFailed);
  const files = (r: RenderedStage) =>
    stageFiles(r, { sourceDigest: digests.get(r.stage.name)!, compilerVersion: COMPILER_VERSION, distDir: DIST_DIR });
  const tree: DistTree = new Map(rendered.map((r) => [r.stage.name, files(r)]));
  if (deliveryTree?.size) tree.set(DELIVERY_DIR, deliveryTree);
  return { stages: rendered, tree, checks };
}
