/**
 * The compiler's pipeline, one step after another: load each stage file (schema and refine),
 * render its charts and node files, transform, check, and plan the files of `dist/<stage>/`.
 * Every problem of every stage is collected and thrown at once. Pure: it takes the texts of
 * stage files and returns the output to write; only `lib/cli/` reads and writes files.
 */
import { STACKS } from '../apps/index.js';
import packageJson from '../package.json' with { type: 'json' };
import type { TSchema } from '@sinclair/typebox';
import { StageLoader, type LoadedStage } from './config/load.js';
import type { StageEntryStore } from './config/stage-entries.js';
import { editorSchema } from './config/stage-schema.js';
import { formatFieldPath as dotted } from './model/field-path.js';
import { compareCodePoints } from './model/order.js';
import { promotionProblems, type PromotionDeclaration } from './promotion.js';
import { PROJECT_FILE, loadProjectFile, projectPlaces } from './config/project-file.js';
import { DELIVERY_DIR, deliveryFiles } from './delivery/index.js';
import { unknownRemoteKeys } from './constructs/external-secrets.js';
import { PLACED_SETTINGS, deliveredStage, placesOf, planDelivery, type DeliveredStage } from './delivery/plan.js';
import type { Engine, ProjectFile } from './config/delivery.js';
import { ExitCode, ProblemsError, compareProblems, type Problem } from './errors.js';
import type { CheckResult } from './checks/index.js';
import { checkStage } from './checks/stage.js';
import { clusterScopedKinds } from './checks/crds.js';
import { crdsIn, placedFieldProblems, placedProblems } from './checks/manifests.js';
import { describeObject, type KubeObject } from './model/object.js';
import { standInsOf } from './synth/app-summary.js';
import { keepApps, leanChart, renderStage, type RenderCache, type RenderedStage } from './synth/render.js';
import { stageFiles } from './synth/output.js';
import { textTree, type FileTree, type StageFileTree } from './synth/file-content.js';
import { digest } from './synth/inventory.js';
import { screenStageSecrets } from './stage-secrets.js';
import { placedReferences } from './stage-references.js';
import { DIST_DIR, type DistTree } from './synth/disk.js';
import { stageEdge } from './edge/index.js';
import { liveImageEdits, type OutputReader } from './live-edits.js';
import { placedImageProblems, unusedImageEntries } from './stage-images.js';

/** The version of stagecraft itself (its package.json), written on each stage's own objects. */
export const COMPILER_VERSION: string = packageJson.version;

export { DIST_DIR } from './synth/disk.js';

let loader: StageLoader<typeof STACKS> | undefined;
/** The loader for the registered stacks (its schema is compiled once per process). */
export function stageLoader(): StageLoader<typeof STACKS> {
  return (loader ??= new StageLoader(STACKS));
}

/** The stage-file JSON Schema as written for editors. */
export function schemaText(): string {
  return JSON.stringify(editorSchema(stageLoader().schema as TSchema, STACKS), null, 2) + '\n';
}

/** One stage file to compile. */
export interface StageSource {
  readonly stage: string;
  /** The file as messages name it, relative to the project root: `environments/qa.yaml`. */
  readonly file: string;
  readonly text: string;
  /**
   * Reads a file or folder of the project that an app includes (`Stack.sources`): path (relative
   * to the project root, with `/`) -> text of each file, or undefined when there is none. Given
   * by the CLI, the only layer that reads files.
   * @default - no files: an app that includes one is reported
   */
  readonly readSource?: (path: string) => ReadonlyMap<string, string> | undefined;
  /**
   * Reads a file of the stage's output as it is (`dist/<stage>/<file>`), for the warnings about
   * what this compilation changes there (lib/live-edits.ts). Given by the CLI.
   * @default - no output: nothing to compare with
   */
  readonly readOutput?: OutputReader;
  /**
   * The apps of this stage file as read before (lib/config/stage-entries.ts), kept by the CLI.
   * @default - the stage file is read whole
   */
  readonly entries?: StageEntryStore;
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
   * stage order: said when a stage is compiled, never kept with a stage's warnings.
   */
  readonly notices: readonly Problem[];
  /**
   * Per stage, warnings about its stage file's own settings, placed there: a stack's refine step's
   * (a careless quantity), the entries of images: that no container uses (lib/stage-images.ts).
   * Kept with the stage's warnings, and said again when the stage is kept.
   */
  readonly warnings: ReadonlyMap<string, readonly Problem[]>;
}

/** What a stage file declares across stages. */
export interface StageDeclarations {
  /** Whether it declares `delivery:` (its objects go into dist/delivery/). */
  readonly delivered: boolean;
  readonly from?: string;
  /** What the delivery plan needs of the stage, once it rendered, when it declares `delivery:`. */
  readonly delivery?: DeliveredStage;
}

/** A stage whose output is kept without compiling it (lib/cli/reuse.ts): what it declares across stages, as last compiled. */
export interface KeptStage extends PromotionDeclaration {
  readonly delivery?: DeliveredStage;
}

/** Step 1: a stage file, loaded and validated against the schema and the stacks' refine rules. */
export function loadStage({ text, file, entries }: StageSource) {
  return stageLoader().load(text, file, { entries });
}

/**
 * Step 1b: the repository files the stage's apps include, read through `source.readSource` and
 * given to the stacks in `context.files`; a path that names nothing is a problem at its setting.
 * @throws ProblemsError with every path that names no file
 */
export function withSources<L extends LoadedStage>(loaded: L, source: StageSource): L {
  const refs = loaded.apps.flatMap((a) =>
    (STACKS[a.stack as keyof typeof STACKS].sources?.(a.settings as never) ?? []).map((r) => ({ ...r, app: a.name })),
  );
  if (refs.length === 0) return loaded;
  const files = new Map<string, string>();
  const problems: Problem[] = [];
  for (const ref of refs) {
    const found = source.readSource?.(ref.path);
    if (found?.size) {
      for (const [path, text] of found) files.set(path, text);
      continue;
    }
    const path = ['apps', ref.app, ...ref.at];
    problems.push({
      code: 'config/missing-file',
      location: loaded.locate(path),
      message: `${dotted(path)} names no file or folder of the project with manifests (found '${ref.path}')`,
      hint: 'name a file, or a folder of .yaml, .yml or .json files, relative to the project root',
    });
  }
  if (problems.length) throw new ProblemsError(problems);
  return { ...loaded, context: { ...loaded.context, files: new Map([...files].sort(([a], [b]) => compareCodePoints(a, b))) } };
}

/**
 * Step 1c: the custom kinds the stage knows at cluster scope (`StageContext.clusterScopedKinds`),
 * from the CRDs of the project's `crds/` and of the files its apps include (these win), so that the
 * namespace transform gives their objects no namespace, as it does the built-in cluster-scoped kinds.
 */
export function withCustomKinds<L extends LoadedStage>(loaded: L, projectCrds: readonly KubeObject[] = []): L {
  const kinds = clusterScopedKinds([...projectCrds, ...(loaded.context.files ? crdsIn(loaded.context.files) : [])]);
  return kinds.length ? { ...loaded, context: { ...loaded.context, clusterScopedKinds: kinds } } : loaded;
}

/** A stage's `promotion.from`, located in its stage file. */
function promotionDeclaration(loaded: LoadedStage<{ promotion?: { from: string } }>): PromotionDeclaration {
  const stage = loaded.context.name;
  const from = loaded.file.promotion?.from;
  return from === undefined ? { stage } : { stage, from, location: loaded.locate(['promotion', 'from']) };
}

export interface CompileStagesOptions {
  /** Called before each stage is compiled (for a progress line). */
  readonly onStage?: (stage: string, index: number, count: number) => void;
}

/** What the compilation of one stage needs besides its stage file: plain data, or the render cache. */
export interface StageEnvironment {
  /** The project file's delivery engine, for a stage whose `delivery:` names none. */
  readonly engine?: Engine;
  readonly crds?: readonly KubeObject[];
  readonly cache?: RenderCache;
}

/**
 * What compiling one stage gave: everything `compileStages` merges, as plain data (a worker thread
 * sends it to the main thread as it is). Each field is set when its step was reached.
 */
export interface StageOutcome {
  readonly stage: string;
  readonly promotion?: PromotionDeclaration;
  /** What the stage file declares that other stages depend on, once it loaded. */
  readonly declaration?: StageDeclarations;
  /**
   * Set when the stage rendered and passed its checks without errors, with `files`; its charts
   * without their serialized documents, which `files` holds.
   */
  readonly rendered?: RenderedStage;
  /** The files of `dist/<stage>/` (those of apps from the render cache as bytes). */
  readonly files?: StageFileTree;
  readonly checks?: CheckResult;
  readonly allowedSecrets?: readonly string[];
  /** The stage's problems (a ProblemsError caught), in the order they were found. */
  readonly problems: readonly Problem[];
  /** Warnings placed in the stage file, and about what the compilation changes in the stage's output as it is (see `Compiled.notices`). */
  readonly notices?: readonly Problem[];
  /** Warnings about the stage file's own settings, placed there (see `Compiled.warnings`), once it rendered. */
  readonly warnings?: readonly Problem[];
  /** Whether the checks found errors (reported with every stage's findings). */
  readonly failedChecks: boolean;
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

/** Loads, renders, checks one stage; a ProblemsError becomes the outcome's problems, any other error is thrown. */
export function compileStage(source: StageSource, env: StageEnvironment): StageOutcome {
  const outcome: { -readonly [K in keyof StageOutcome]: StageOutcome[K] } = { stage: source.stage, problems: [], failedChecks: false };
  const problems: Problem[] = [];
  try {
    if (source.stage === DELIVERY_DIR) {
      throw new ProblemsError([
        {
          code: 'config/stage-name',
          subject: source.file,
          message: `the stage name '${DELIVERY_DIR}' is reserved for ${DIST_DIR}/${DELIVERY_DIR}/`,
          hint: 'rename the stage file',
        },
      ]);
    }
    const loaded = withCustomKinds(withSources(loadStage(source), source), env.crds);
    outcome.promotion = promotionDeclaration(loaded);
    const { delivery, secretStore } = loaded.file;
    outcome.declaration = {
      delivered: delivery !== undefined,
      ...(outcome.promotion.from === undefined ? {} : { from: outcome.promotion.from }),
    };
    if (secretStore) {
      // a remoteKeys entry must name a Secret's key that the stage declares (its apps' stacks, asked when it loaded)
      const unknown = unknownRemoteKeys(loaded.secrets, secretStore);
      if (unknown.length) throw new ProblemsError(unknown.map(({ path, key, ...p }) => ({ ...p, location: loaded.locate(path, key) })));
    }
    const engine = delivery ? (delivery.engine ?? env.engine) : undefined;
    const r = placingFields(loaded, () => renderStage(loaded, STACKS, COMPILER_VERSION, { secretStore, engine, cache: env.cache }));
    outcome.warnings = [...loaded.warnings, ...unusedImageEntries(loaded, r)];
    if (delivery) {
      const { name, namespace } = r.stage;
      // the plan reads kinds and namespaces: a cached app's summary names them (its objects are not rendered again)
      const objects = r.charts.flatMap((c) => (c.summary ? standInsOf(c.summary) : c.objects));
      outcome.declaration = {
        ...outcome.declaration,
        delivery: deliveredStage(
          {
            stage: name,
            namespace,
            source: source.file,
            delivery,
            places: placesOf(loaded.file, PLACED_SETTINGS, (path) => loaded.locate([...path])),
          },
          objects,
        ),
      };
    }
    // every check on every stage, after rendering: an error here means nothing is written
    // the project's CRD folder validates the custom resources a stack renders
    const { problems: stageProblems, kept, ...checked } = checkStage(r, { ...loaded.file.checks, crds: env.crds });
    // the apps rendered now are kept for the next run, with what the checks found on their objects
    if (env.cache) keepApps(r, env.cache, kept);
    if (stageProblems.length) throw new ProblemsError(stageProblems);
    // the edge load balancer (and the node ports it relies on), from the rendered Services
    const edge = stageEdge(r.stage, r.source, loaded.file.edge, r.charts);
    // the stage's files now, so that its serialized documents need not be kept (nor sent by a worker)
    const provenance = { sourceDigest: digest(source.text), compilerVersion: COMPILER_VERSION, distDir: DIST_DIR };
    outcome.files = stageFiles(r, provenance, edge.files);
    outcome.rendered = { ...r, charts: r.charts.map(leanChart) };
    problems.push(...edge.problems.map(({ path, ...p }) => ({ ...p, location: loaded.locate(path) })));
    // secret values found in the output are reported at the setting they came from
    // a node-port clash said at the settings that gave the ports needs no second, unplaced, finding
    const findings = edge.clashingServices.size
      ? checked.findings.filter((f) => f.code !== 'api/node-port' || !edge.clashingServices.has(describeObject(f.object)))
      : checked.findings;
    const screened = screenStageSecrets(source, loaded.file, findings);
    // a reference that a stage-file setting wrote, to an object the stage lacks, is reported at that setting
    const placed = placedReferences(screened.findings, r, loaded, STACKS);
    problems.push(...placed.problems);
    const result = { ...checked, findings: [...placed.findings, ...edge.warnings] };
    outcome.notices = liveImageEdits(loaded, source.readOutput);
    outcome.checks = result;
    outcome.allowedSecrets = screened.allowed;
    if (screened.problems.length) problems.push(...screened.problems);
    if (result.findings.some((f) => f.severity === 'error')) outcome.failedChecks = true;
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    problems.push(...e.problems);
  }
  outcome.problems = problems;
  return outcome;
}

/**
 * What `render` returns; the problems it throws about a field of an object (the transforms') placed
 * in the included file the object came from, as the checks' findings are (`placedFieldProblems`),
 * and an image with no build at the stage-file setting that gave it, once per image and place
 * (`placedImageProblems`).
 */
function placingFields<T>(loaded: LoadedStage, render: () => T): T {
  try {
    return render();
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    // placedFieldProblems keeps the problems' order: the i-th placed is the i-th thrown, whose field names the object and app
    const placed = placedFieldProblems(e.problems, loaded.context);
    throw new ProblemsError(placedImageProblems(e.problems, placed, loaded), e.exitCode);
  }
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
  const promotions: PromotionDeclaration[] = [];
  const checks = new Map<string, CheckResult>();
  const allowedSecrets = new Map<string, readonly string[]>();
  const declarations = new Map<string, StageDeclarations>();
  const files = new Map<string, FileTree>();
  const notices: Problem[] = [];
  const warnings = new Map<string, readonly Problem[]>();
  let failedChecks = false;
  const env: StageEnvironment = { engine: project.delivery?.engine, crds: options.crds, cache: options.cache };
  const runStages = options.runStages ?? inSequence;
  const outcomes = runStages(
    sources,
    env,
    (source, i) => {
      options.onStage?.(source.stage, i, sources.length);
      return compileStage(source, env);
    },
    (outcome) => options.keep?.(outcome) ?? outcome,
  );
  // merged in the order of the sources, whichever thread compiled them: the same output either way
  for (const outcome of outcomes) {
    if (outcome.promotion) promotions.push(outcome.promotion);
    if (outcome.declaration) declarations.set(outcome.stage, outcome.declaration);
    if (outcome.declaration?.delivery) delivered.push(outcome.declaration.delivery);
    if (outcome.rendered) {
      rendered.push(outcome.rendered);
      if (outcome.files) files.set(outcome.stage, textTree(outcome.files));
    }
    if (outcome.checks) checks.set(outcome.stage, outcome.checks);
    if (outcome.allowedSecrets) allowedSecrets.set(outcome.stage, outcome.allowedSecrets);
    problems.push(...outcome.problems);
    notices.push(...(outcome.notices ?? []));
    if (outcome.warnings?.length) warnings.set(outcome.stage, outcome.warnings);
    if (outcome.failedChecks) failedChecks = true;
  }
  // `promotion.from` can name only what the caller says the project has (a compilation of some stages names others)
  const kept = options.kept ?? [];
  promotions.push(...kept);
  if (options.stages) problems.push(...promotionProblems(promotions, options.stages));
  // with the kept stages', in the order of the project's stages, as a compilation of every stage plans them (the
  // files do not depend on it; the planner's messages list stages in it)
  const rank = new Map((options.stages ?? sources.map((s) => s.stage)).map((s, i) => [s, i]));
  delivered.push(...kept.flatMap((k) => (k.delivery ? [k.delivery] : [])));
  delivered.sort((a, b) => (rank.get(a.stage) ?? rank.size) - (rank.get(b.stage) ?? rank.size));
  let deliveryTree: Map<string, string> | undefined;
  if (options.delivery && delivered.length && !problems.length) {
    const projectFile = options.project?.file ?? PROJECT_FILE;
    const planned = planDelivery(
      delivered,
      project,
      projectFile,
      new Map(promotions.flatMap((p) => (p.from ? [[p.stage, p.from] as const] : []))),
      options.project ? projectPlaces(options.project.text, projectFile) : undefined,
    );
    problems.push(...planned.problems);
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
  return { stages: rendered, tree, checks, allowedSecrets, declarations, notices, warnings };
}
