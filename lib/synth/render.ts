/**
 * Rendering a stage: one cdk8s App per stage, one chart per stack, then the transforms.
 * Steps in order: build the charts, validate the construct tree, resolve each chart to plain
 * objects, transform, order for apply. Pure: nothing is read or written.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from '../k8s.js';
import { ProblemsError, inStep, type Problem, type StepOrigin } from '../errors.js';
import type { LoadedStage } from '../config/load.js';
import type { SecretDeclaration, Stack, StageContext } from '../stack.js';
import { REQUIRED_SECRETS_ANNOTATION, formatRequiredSecrets } from '../required-secrets.js';
import type { KubeObject } from '../model/object.js';
import { compareCodePoints } from '../model/order.js';
import { applyRank } from '../model/kinds.js';
import { transform } from '../transforms/index.js';
import { MANAGED_BY } from '../transforms/labels.js';
import { externalSecrets } from '../constructs/external-secrets.js';
import type { Engine, SecretStore } from '../config/delivery.js';
import { renderNodeFiles, type AppNodeFiles, type RenderedNodeFile } from './node-files.js';

/** Name of the chart that holds the stage's Namespace. */
export const NAMESPACE_CHART = 'namespace';

export interface RenderedChart {
  /** The stack name, or `namespace` for the stage's own chart. */
  readonly name: string;
  readonly objects: readonly KubeObject[];
}

export interface RenderedStage {
  readonly stage: StageContext;
  /** The stage file, as named in messages. */
  readonly source: string;
  /** In apply order: the namespace chart first, then the stacks by name. */
  readonly charts: readonly RenderedChart[];
  /** Files for nodes' directories (static pods, kubeconfigs), by node, then file name. */
  readonly nodeFiles: readonly RenderedNodeFile[];
}

/** Orders objects for `kubectl apply`: by kind (in the kind table's apply order), then namespace and name by code point (a total order, the same on every machine). */
export function compareForApply(a: KubeObject, b: KubeObject): number {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}/${o.apiVersion}`;
  return applyRank(a.kind) - applyRank(b.kind) || compareCodePoints(a.kind, b.kind) || compareCodePoints(key(a), key(b));
}

class NamespaceChart extends Chart {
  constructor(app: App, stage: StageContext, secrets: readonly SecretDeclaration[], options: RenderOptions) {
    super(app, NAMESPACE_CHART, { disableResourceNameHashes: true });
    const annotations = secrets.length ? { [REQUIRED_SECRETS_ANNOTATION]: formatRequiredSecrets(secrets) } : undefined;
    new k8s.KubeNamespace(this, 'namespace', { metadata: { name: stage.namespace, annotations } });
    // a stage whose Secrets come from a store gets them from the External Secrets Operator
    if (options.secretStore) {
      for (const o of externalSecrets(secrets, options.secretStore, stage.namespace, { syncWave: options.engine === 'argocd' })) {
        new ApiObject(this, `external-secret-${o.metadata.name}`, o);
      }
    }
  }
}

/** What a stage's delivery changes in its objects. */
export interface RenderOptions {
  /** The store the stage's Secrets come from (`secretStore:`): one ExternalSecret per declared Secret. */
  readonly secretStore?: SecretStore;
  /** The engine that delivers the stage, if any (Argo CD gets sync waves where they change the order). */
  readonly engine?: Engine;
}

/** Every problem the constructs' own validations report, with the construct path. */
function validateTree(app: App, source: string): Problem[] {
  return app.node.findAll().flatMap((c) =>
    c.node.validate().map((message) => ({
      code: 'construct/invalid',
      subject: `${source}: ${c.node.path}`,
      message,
    })),
  );
}

/**
 * The objects of one chart, resolved: what `chart.toJson()` returns, in another order. cdk8s's
 * `toJson()` resolves dependencies and validates the whole App on every call, so rendering a
 * stage of N charts chart by chart walks the App N times (quadratic: 1,000 apps would take
 * minutes). Neither is needed here: the tree is validated once (`validateTree`), and objects are
 * put in apply order by `compareForApply`, not by dependencies.
 */
function chartObjects(chart: Chart): KubeObject[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart) // an object belongs to its closest chart
    .map((o) => o.toJson() as KubeObject);
}

/**
 * How an `Error` thrown while an app is built is reported: placed at the app's key under `apps:`
 * in the stage file (its settings are what a stack's constructs refuse, e.g. a cron schedule).
 */
function constructOrigin(loaded: LoadedStage, name: string, stack: string): StepOrigin {
  return {
    code: 'construct/error',
    location: () => loaded.locate(['apps'], name),
    hint: `a construct of stack '${stack}' refused what apps.${name} asks for: check its settings`,
  };
}

/**
 * Renders a loaded stage into ordered, transformed objects per chart.
 * @param compilerVersion the release written on the stage's own objects (its Namespace)
 */
export function renderStage(loaded: LoadedStage, stacks: Record<string, Stack>, compilerVersion: string, options: RenderOptions = {}): RenderedStage {
  const { context: stage, source } = loaded;
  const app = new App({ outdir: 'unused' }); // the App is never asked to write
  const secrets = loaded.apps.flatMap((a) => stacks[a.stack].secrets?.(a.name, a.settings, stage) ?? []);
  const charts: { chart: Chart; name: string; stack: string; version: string }[] = [
    { chart: new NamespaceChart(app, stage, secrets, options), name: NAMESPACE_CHART, stack: MANAGED_BY, version: compilerVersion },
  ];
  const nodeFiles: AppNodeFiles[] = [];
  const origins = new Map<string, StepOrigin>();
  for (const { name, stack: stackName, settings } of loaded.apps) {
    const stack = stacks[stackName];
    const origin = constructOrigin(loaded, name, stackName);
    origins.set(name, origin);
    charts.push(
      inStep(
        `synthesizing stage '${stage.name}', chart '${name}'`,
        () => ({ chart: stack.chart(app, name, settings, stage), name, stack: stackName, version: stack.version(settings) }),
        origin,
      ),
    );
    if (stack.nodeFiles) {
      // a chart of its own, so that node files are validated with the tree but never written as a chart
      const scope = new Chart(app, `${name}.nodes`, { disableResourceNameHashes: true });
      const files = inStep(`synthesizing stage '${stage.name}', node files of '${name}'`, () => stack.nodeFiles!(scope, name, settings, stage), origin);
      nodeFiles.push({ context: { stage, stack: stackName, instance: name, version: stack.version(settings) }, files });
    }
  }
  const problems = validateTree(app, source);
  if (problems.length) throw new ProblemsError(problems);
  const nodes = renderNodeFiles(nodeFiles, stage, source);
  if (nodes.problems.length) throw new ProblemsError(nodes.problems);

  // every chart is transformed even after one fails, so that all problems are reported at once
  const rendered: RenderedChart[] = [];
  const transformProblems: Problem[] = [];
  for (const { chart, name, stack, version } of charts) {
    try {
      rendered.push(
        inStep(
          `synthesizing stage '${stage.name}', chart '${name}'`,
          () => ({ name, objects: transform(chartObjects(chart), { stage, stack, instance: name, version }).sort(compareForApply) }),
          origins.get(name),
        ),
      );
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      transformProblems.push(...e.problems);
    }
  }
  if (transformProblems.length) throw new ProblemsError(transformProblems);
  return { stage, source, charts: rendered, nodeFiles: nodes.nodeFiles };
}
