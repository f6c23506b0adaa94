/**
 * Compiling one stage, step after step: load its stage file (schema and refine, the files its apps
 * include, the custom kinds it knows: lib/load-stage.ts), render its charts and node files (with the transforms),
 * check them, and plan the files of `dist/<stage>/`. What `compileStages` (lib/compile.ts) runs for
 * each stage, in this thread or in a worker's (lib/cli/stage-workers.ts): its outcome is plain data.
 * Pure: it takes the text of the stage file and returns the output to write.
 */
import { STACKS } from '../apps/index.js';
import packageJson from '../package.json' with { type: 'json' };
import type { PromotionDeclaration } from './promotion-order.js';
import type { LoadedStage } from './config/load.js';
import { loadStage, promotionDeclaration, withCustomKinds, withSources, type StageSource } from './load-stage.js';
import { DELIVERY_DIR } from './delivery/index.js';
import { definedAfter } from './delivery/first-sync.js';
import { DEFAULT_PROJECT, stageObjectName } from './delivery/delivery-plan.js';
import { unknownRemoteKeys } from './constructs/external-secrets.js';
import { PLACED_SETTINGS, deliveredObjects, deliveredStage, placesOf, type DeliveredStage } from './delivery/stage.js';
import type { ClusterSpec, Engine, StageDelivery } from './config/delivery.js';
import { resolvedSync } from './config/sync-policy.js';
import { ProblemsError, type Problem } from './errors.js';
import type { CheckResult } from './checks/index.js';
import { checkStage } from './checks/stage.js';
import { includedPlaces, placedFieldProblems } from './checks/manifests.js';
import { describeObject, type KubeObject } from './model/object.js';
import { chartHeads } from './synth/app-summary.js';
import { renderStage } from './synth/render.js';
import { NAMESPACE_CHART, keepApps, leanChart, type RenderCache, type RenderedChart, type RenderedStage } from './synth/rendered.js';
import { externalSecretsMade, secretsMadeOutside } from './required-secrets.js';
import { stageFiles } from './synth/output.js';
import type { StageFileTree } from './synth/file-content.js';
import { digest } from './synth/inventory.js';
import type { InventoryChanges } from './synth/inventory-changes.js';
import { screenStageSecrets, screenUnfinishedStage } from './stage-secrets.js';
import { atApps } from './app-findings.js';
import { placedReferences, unsaidAtSettings } from './stage-references.js';
import { DIST_DIR } from './synth/disk.js';
import { stageEdge } from './edge/index.js';
import { appStacks } from './edge/node-ports.js';
import { stageClaims, type StageClaims } from './edge/across-stages.js';
import { edgeChangeWarnings } from './edge/changes.js';
import { readingOnce } from './model/read-once.js';
import type { EdgeProblem } from './edge/publish.js';
import { liveImageEdits } from './live-edits.js';
import { outputChanges } from './output-changes.js';
import { placedImageProblems, unusedImageEntries } from './stage-images.js';

// step 1, of its own module; said here too, where the compiler's callers (lib/compile.ts, the CLI, bench/) import it from
export { loadStage, promotionDeclaration, schemaText, stageLoader, withCustomKinds, withSources, type StageSource } from './load-stage.js';

/** The version of stagecraft itself (its package.json), written on each stage's own objects. */
export const COMPILER_VERSION: string = packageJson.version;

/** What a stage file declares across stages. */
export interface StageDeclarations {
  /** Whether it declares `delivery:` (its objects go into dist/delivery/). */
  readonly delivered: boolean;
  /** Its `promotion.from` (where it is written is `StageOutcome.promotion`'s, not recorded: a kept stage's problems of the promotion order are not placed). */
  readonly from?: string;
  /** What the delivery plan needs of the stage, once it rendered, when it declares `delivery:`. */
  readonly delivery?: DeliveredStage;
  /** What it takes that no other stage may take too (edge addresses, node ports), once it rendered (lib/edge/across-stages.ts). */
  readonly claims?: StageClaims;
}

/** What the compilation of one stage needs besides its stage file: plain data, or the render cache. */
export interface StageEnvironment {
  /** The project file's delivery engine, for a stage whose `delivery:` names none. */
  readonly engine?: Engine;
  /** The project file's sync policy, for the settings a stage's `delivery.sync` does not write. @default - the engine's defaults */
  readonly sync?: StageDelivery['sync'];
  /** The project file's clusters, by name, for where a stage's engine applies it now. @default - none known */
  readonly clusters?: Readonly<Record<string, ClusterSpec>>;
  /** The project file's cluster, for a stage whose `delivery:` names none. */
  readonly cluster?: string;
  /**
   * The project file's `delivery.project`, which names each stage's Application or Kustomization
   * (`<project>-<stage>`), so that the hints print it. @default 'stagecraft' (lib/delivery/delivery-plan.ts)
   */
  readonly project?: string;
  readonly crds?: readonly KubeObject[];
  readonly cache?: RenderCache;
}

/**
 * What compiling one stage gave: everything `compileStages` merges, as plain data (a worker thread
 * sends it to the main thread as it is). Each field is set when its step was reached.
 */
export interface StageOutcome {
  readonly stage: string;
  /** What the stage file declares that other stages depend on, once it loaded. */
  readonly declaration?: StageDeclarations;
  /** Its `promotion.from` and where that is written, for the problems of the promotion order, once it loaded. */
  readonly promotion?: PromotionDeclaration;
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
  /**
   * Warnings about the stage file's own settings, placed there (see `Compiled.warnings`), and what
   * its stacks warned of in the files they include, placed there, once it rendered.
   */
  readonly warnings?: readonly Problem[];
  /** Whether the checks found errors (reported with every stage's findings). */
  readonly failedChecks: boolean;
  /**
   * How the stage's objects changed from the inventory of its output as it was (`readOutput`),
   * compared once for the warnings (lib/output-changes.ts) and the summary line (lib/cli/output.ts),
   * once it rendered.
   * @default - the stage had no output (a new stage), or nothing to compare with (no `readOutput`)
   */
  readonly changes?: InventoryChanges;
}

/** Loads, renders, checks one stage; a ProblemsError becomes the outcome's problems, any other error is thrown. */
export function compileStage(source: StageSource, env: StageEnvironment): StageOutcome {
  const outcome: { -readonly [K in keyof StageOutcome]: StageOutcome[K] } = { stage: source.stage, problems: [], failedChecks: false };
  const problems: Problem[] = [];
  // whether the stage file's secrets were screened: a step that stops before says them all the same (screenUnfinishedStage)
  let screenedStage = false;
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
    const { delivery, secretStore } = loaded.file;
    outcome.promotion = promotionDeclaration(loaded);
    outcome.declaration = { delivered: delivery !== undefined, from: outcome.promotion.from };
    if (secretStore) {
      // a remoteKeys entry must name a Secret's key that the stage declares (its apps' stacks, asked when it loaded)
      const unknown = unknownRemoteKeys(loaded.secrets, secretStore);
      if (unknown.length) throw new ProblemsError(unknown.map(({ path, key, ...p }) => ({ ...p, location: loaded.locate(path, key) })));
    }
    const engine = delivery ? (delivery.engine ?? env.engine) : undefined;
    const r = withPlacedWarnings(
      placingFields(loaded, () => renderStage(loaded, STACKS, COMPILER_VERSION, { secretStore, engine, cache: env.cache })),
      loaded,
    );
    // with what the stacks warned of while they made their charts (a null label of an included file), at its place
    outcome.warnings = [...loaded.warnings, ...r.charts.flatMap((c) => c.warnings ?? []), ...unusedImageEntries(loaded, r)];
    const outside = secretsMadeOutside(loaded.file);
    if (outside.length) {
      // a Secret declared as made outside stagecraft that an app makes as an object (a manifests app's), with its place in the included files
      const placed = includedPlaces(loaded.context.files, r.stage.namespace);
      const at = (object: KubeObject) =>
        placed({ code: 'config/conflict', severity: 'error', message: '', object, path: ['metadata', 'name'] });
      // only a Secret of a declared name is placed: placing parses the included files
      const declared = new Set(outside.map((s) => s.name));
      const made = r.charts.flatMap((c) =>
        c.name === NAMESPACE_CHART
          ? []
          : chartHeads(c)
              .filter(
                (o) =>
                  o.kind === 'Secret' &&
                  o.apiVersion === 'v1' &&
                  o.metadata?.namespace === r.stage.namespace &&
                  declared.has(String(o.metadata.name)),
              )
              .map((o) => ({ app: c.name, name: String(o.metadata.name), at: at(o) })),
      );
      const problems = externalSecretsMade(outside, made, (path) => loaded.locate(path));
      if (problems.length) throw new ProblemsError(problems);
    }
    if (delivery) {
      const { name, namespace } = r.stage;
      const objects = deliveredObjects(r.charts, name);
      // a custom resource Argo CD applies before its CRD fails the first sync (lib/delivery/first-sync.ts)
      const placed = engine === 'argocd' ? includedPlaces(loaded.context.files, namespace) : undefined;
      const early = placed
        ? definedAfter(objects, (object, path) => placed({ code: 'delivery/first-sync-crd', severity: 'error', message: '', object, path }))
        : [];
      if (early.length) throw new ProblemsError(early);
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
    // (what the engine does with replicas an autoscaler changed is its sync policy's: refs/autoscaled-replicas)
    const sync = delivery && resolvedSync({ ...env.sync, ...delivery.sync });
    const synced = sync && { automated: sync.automated, selfHeal: sync.selfHeal };
    const { problems: stageProblems, kept, ...checked } = checkStage(r, { ...loaded.file.checks, crds: env.crds, engine, sync: synced });
    // the apps rendered now are kept for the next run, with what the checks found on their objects
    if (env.cache) keepApps(r, env.cache, kept);
    if (stageProblems.length) throw new ProblemsError(stageProblems);
    // the edge load balancer (and the node ports it relies on), from the rendered Services
    const stacks = appStacks(loaded.apps);
    const edge = stageEdge(r.stage, r.source, loaded.file.edge, r.charts, stacks);
    // and what it takes that another stage may not (its edge's addresses, its node ports), checked across stages by lib/compile.ts
    const claims = stageClaims({
      ...r.stage,
      edge: loaded.file.edge,
      delivery,
      charts: r.charts.filter((c) => !c.summary?.plain),
      stacks,
      nodePortSettings: edge.nodePortSettings,
      locate: loaded.locate,
      namedNamespace: loaded.file.namespace,
    });
    outcome.declaration = { ...outcome.declaration, claims };
    // the stage's files now, so that its serialized documents need not be kept (nor sent by a worker)
    const { existingNamespaces: namespaces, existingObjects: objects } = loaded.file.checks ?? {};
    const provenance = {
      sourceDigest: digest(source.text),
      compilerVersion: COMPILER_VERSION,
      distDir: DIST_DIR,
      // what the stage file declares the cluster has: npm run check -- dist/<stage> checks as synth did
      ...(namespaces?.length || objects?.length ? { existing: { namespaces, objects } } : {}),
    };
    outcome.files = stageFiles(r, provenance, edge.files);
    outcome.rendered = { ...r, charts: r.charts.map(leanChart) };
    problems.push(...edge.problems.map(({ path, ...p }) => ({ ...p, location: loaded.locate(path) })));
    const placedWarnings = (warnings: readonly EdgeProblem[]) =>
      warnings.map(({ path, ...p }) => ({ ...p, severity: 'warning' as const, location: loaded.locate(path) }));
    const edgeWarnings = placedWarnings(edge.placedWarnings);
    if (edgeWarnings.length) outcome.warnings = [...(outcome.warnings ?? []), ...edgeWarnings];
    // secret values found in the output are reported at the setting they came from
    // a node-port clash said at the settings that gave the ports needs no second, unplaced, finding
    const unclashed = edge.clashingServices.size
      ? checked.findings.filter((f) => f.code !== 'api/node-port' || !edge.clashingServices.has(describeObject(f.object)))
      : checked.findings;
    // a warning said at the stage-file setting that gave it (disruptionBudget.minAvailable) is not said again at the object
    const findings = unsaidAtSettings(unclashed, r, loaded);
    const screened = screenStageSecrets(source, loaded.file, findings);
    screenedStage = true;
    // a reference that a stage-file setting wrote, to an object the stage lacks, is reported at that setting
    const placed = placedReferences(screened.findings, r, loaded, STACKS);
    problems.push(...placed.problems);
    // what no stage-file setting is known to have written is said at the key of the app that made the object
    const result = { ...checked, findings: [...atApps(placed.findings, r, loaded, STACKS), ...edge.warnings] };
    // what the cluster cannot take from this output: read only where an object of a watched kind changed
    // (what deletes what leaves it, and what applies it, is the engine's sync policy's: on each push, by hand, suspended)
    const name = stageObjectName(env.project ?? DEFAULT_PROJECT, loaded.context.name);
    const by = sync && engine ? { engine, name, automated: sync.automated, prune: sync.prune } : undefined;
    const named = delivery && (delivery.cluster ?? env.cluster);
    const cluster = named !== undefined && env.clusters && Object.hasOwn(env.clusters, named) ? env.clusters[named] : undefined;
    // each file of the output read once, by the comparison of its objects, the live image's warning (both read a blue/green app's chart) and the edge's (its inventory)
    const readOutput = source.readOutput && readingOnce(source.readOutput);
    const compared = outputChanges(loaded, r.charts, outcome.files, readOutput, source.readSource, by, cluster);
    outcome.notices = [...liveImageEdits(loaded, readOutput, by), ...compared.problems];
    if (compared.changes) outcome.changes = compared.changes;
    // a node port that moves under a backend taking traffic, an edge machine that leaves: against the edge files of dist/<stage> as they were
    outcome.notices = [...outcome.notices, ...placedWarnings(edgeChangeWarnings(readOutput, edge))];
    outcome.checks = result;
    outcome.allowedSecrets = screened.allowed;
    if (screened.problems.length) problems.push(...screened.problems);
    if (result.findings.some((f) => f.severity === 'error')) outcome.failedChecks = true;
  } catch (e) {
    if (!(e instanceof ProblemsError)) throw e;
    problems.push(...e.problems, ...(screenedStage ? [] : screenUnfinishedStage(source, e.problems)));
  }
  outcome.problems = problems;
  return outcome;
}

/**
 * `r` with its stacks' warnings about a field of an object (`Problem.field`, which a project's own
 * stack may set in `addChartWarning`) placed at that field in the included file the object came
 * from, as the transforms' problems are (`placedFieldProblems`), or else named by the object
 * (`subject`): what the render cache keeps of an app is plain data, never an object, so a warning
 * that held one was refused from it and its app rendered again at every run.
 */
export function withPlacedWarnings(r: RenderedStage, loaded: Pick<LoadedStage, 'context'>): RenderedStage {
  const holds = (c: RenderedChart) => c.warnings?.some((w) => w.field) === true;
  if (!r.charts.some(holds)) return r;
  const place = (warnings: readonly Problem[]) =>
    placedFieldProblems(
      warnings.map((w) => (w.field && !w.location && w.subject === undefined ? { ...w, subject: describeObject(w.field.object) } : w)),
      loaded.context,
    );
  return { ...r, charts: r.charts.map((c) => (holds(c) ? { ...c, warnings: place(c.warnings!) } : c)) };
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
    throw new ProblemsError(placedImageProblems(e.problems, placed, loaded, STACKS), e.exitCode);
  }
}
