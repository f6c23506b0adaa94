/**
 * Rendering a stage: one cdk8s App per stage, one chart per stack, then the transforms.
 * Steps in order: build the charts, validate the construct tree, resolve each chart to plain
 * objects, transform, order for apply. Pure: nothing is read or written.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from '../k8s.js';
import { ProblemsError, inStep, type Problem, type StepOrigin } from '../errors.js';
import type { LoadedStage } from '../config/load.js';
import { chartWarnings, type SecretDeclaration, type Stack, type StageContext } from '../stack.js';
import { REQUIRED_SECRETS_ANNOTATION, formatRequiredSecrets, secretsMadeOutside, type RequiredSecret } from '../required-secrets.js';
import {
  REQUIRED_SERVICE_ACCOUNTS_ANNOTATION,
  externalServiceAccounts,
  formatRequiredServiceAccounts,
} from '../required-service-accounts.js';
import type { KubeObject } from '../model/object.js';
import { compareCodePoints } from '../model/order.js';
import { applyRank } from '../model/kinds.js';
import { transform } from '../transforms/index.js';
import { MANAGED_BY } from '../transforms/labels.js';
import { externalSecrets } from '../constructs/external-secrets.js';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../model/sync-waves.js';
import type { Engine, SecretStore } from '../config/delivery.js';
import { renderNodeFiles, type AppNodeFiles } from './node-files.js';
import { appCacheKeys } from './cache-keys.js';
import { chartObjects, validateTree } from './chart-objects.js';
import {
  NAMESPACE_CHART,
  chartFileHeader,
  fromCache,
  serializeForFile,
  type CachedApp,
  type RenderCache,
  type RenderedChart,
  type RenderedStage,
} from './rendered.js';

/** Orders objects for `kubectl apply`: by kind (in the kind table's apply order), then namespace and name by code point (a total order, the same on every machine). */
export function compareForApply(a: KubeObject, b: KubeObject): number {
  const key = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}/${o.apiVersion}`;
  return applyRank(a.kind) - applyRank(b.kind) || compareCodePoints(a.kind, b.kind) || compareCodePoints(key(a), key(b));
}

class NamespaceChart extends Chart {
  constructor(
    app: App,
    stage: StageContext,
    secrets: readonly SecretDeclaration[],
    external: { readonly secrets: readonly RequiredSecret[]; readonly serviceAccounts: readonly string[] },
    options: RenderOptions,
  ) {
    super(app, NAMESPACE_CHART, { disableResourceNameHashes: true });
    const required = [...secrets, ...external.secrets];
    const serviceAccounts = external.serviceAccounts;
    // a stage whose Secrets come from a store gets them from the External Secrets Operator
    const syncWave = options.engine === 'argocd';
    const fromStore = options.secretStore ? externalSecrets(secrets, options.secretStore, stage.namespace, { syncWave }) : [];
    const annotations = {
      ...(required.length ? { [REQUIRED_SECRETS_ANNOTATION]: formatRequiredSecrets(required) } : {}),
      ...(serviceAccounts.length ? { [REQUIRED_SERVICE_ACCOUNTS_ANNOTATION]: formatRequiredServiceAccounts(serviceAccounts) } : {}),
      // Argo CD applies the waves of the ExternalSecrets and of a SecretStore the stage holds first: the Namespace must exist before them
      ...(syncWave && options.secretStore ? { [SYNC_WAVE_ANNOTATION]: NAMESPACE_SYNC_WAVE } : {}),
    };
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: stage.namespace, annotations: Object.keys(annotations).length ? annotations : undefined },
    });
    for (const o of fromStore) new ApiObject(this, `external-secret-${o.metadata.name}`, o);
  }
}

/** What a stage's delivery changes in its objects. */
export interface RenderOptions {
  /** The store the stage's Secrets come from (`secretStore:`): one ExternalSecret per declared Secret. */
  readonly secretStore?: SecretStore;
  /** The engine that delivers the stage, if any (Argo CD gets sync waves where they change the order). */
  readonly engine?: Engine;
  /** Where what apps render to is kept between runs. @default - none: every app is rendered */
  readonly cache?: RenderCache;
}

/** A chart's objects as cdk8s resolved them, or what resolving threw. */
type ResolvedChart = { readonly objects: KubeObject[] } | { readonly error: unknown };

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
export function renderStage(
  loaded: LoadedStage,
  stacks: Record<string, Stack>,
  compilerVersion: string,
  options: RenderOptions = {},
): RenderedStage {
  const { context: stage, source } = loaded;
  const { secrets } = loaded;
  // Each chart in an App of its own, resolved to plain objects at once: no chart refers to another,
  // so the objects are the same as in one App per stage, but the constructs of one app are garbage
  // as soon as its objects are out (a stage of 1,000 apps never holds 1,000 construct trees, which
  // the garbage collector would copy and promote). Problems come in the order one App gave them.
  const problems: Problem[] = [];
  const resolve = (chart: Chart): ResolvedChart => {
    const app = chart.node.root as App;
    problems.push(...validateTree(app, source));
    try {
      return { objects: chartObjects(chart) };
    } catch (error) {
      return { error }; // thrown again where transforming the chart reports it
    }
  };
  /** An app's resolved objects transformed for the stage, in apply order. */
  const transformed = (objects: KubeObject[], stack: string, instance: string, version: string) =>
    transform(objects, {
      stage,
      stack,
      instance,
      version,
      engine: options.engine,
      secretStore: options.secretStore,
      podTemplatesAsWritten: stacks[stack]?.podTemplatesAsWritten,
    }).sort(compareForApply);
  /**
   * The objects of an app from the render cache, which keeps what they are written as, not the
   * objects: rendered as below when a step asks for them (the same compiler renders the same
   * objects from the same settings; they rendered without a problem when they were kept).
   */
  const renderAgain = (name: string, stackName: string, settings: unknown): KubeObject[] => {
    const stack = stacks[stackName];
    const app = new App({ outdir: 'unused' });
    const chart = stack.chart(app, name, settings, stage);
    const found = validateTree(app, source);
    if (found.length) throw new ProblemsError(found);
    return transformed(chartObjects(chart), stackName, name, stack.version(settings));
  };
  const namespaceApp = new App({ outdir: 'unused' }); // an App is never asked to write
  const charts: { resolved: ResolvedChart; name: string; stack: string; version: string; key?: string; warnings?: Problem[] }[] = [
    {
      resolved: resolve(
        new NamespaceChart(
          namespaceApp,
          stage,
          secrets,
          { secrets: secretsMadeOutside(loaded.file), serviceAccounts: externalServiceAccounts(loaded.file) },
          options,
        ),
      ),
      name: NAMESPACE_CHART,
      stack: MANAGED_BY,
      version: compilerVersion,
    },
  ];
  /** Apps whose objects came from the cache: no chart is built for them. */
  const cached = new Map<string, CachedApp>();
  const nodeFiles: AppNodeFiles[] = [];
  const origins = new Map<string, StepOrigin>();
  const appKey = appCacheKeys({ compilerVersion, stage, options });
  // apps with node files are always rendered: their files are not kept
  const keys = loaded.apps.map((a) => (options.cache && !stacks[a.stack].nodeFiles ? appKey(a) : undefined));
  options.cache?.prefetch?.(keys.filter((k) => k !== undefined));
  for (const [i, { name, stack: stackName, settings }] of loaded.apps.entries()) {
    const stack = stacks[stackName];
    const key = keys[i];
    const hit = key === undefined ? undefined : options.cache?.get(key, () => renderAgain(name, stackName, settings));
    if (hit) {
      cached.set(name, hit);
      continue;
    }
    const origin = constructOrigin(loaded, name, stackName);
    origins.set(name, origin);
    const app = new App({ outdir: 'unused' });
    const chart = inStep(`synthesizing stage '${stage.name}', chart '${name}'`, () => stack.chart(app, name, settings, stage), origin);
    const version = stack.version(settings);
    if (stack.nodeFiles) {
      // a chart of its own, so that node files are validated with the tree but never written as a chart
      const scope = new Chart(app, `${name}.nodes`, { disableResourceNameHashes: true });
      const files = inStep(
        `synthesizing stage '${stage.name}', node files of '${name}'`,
        () => stack.nodeFiles!(scope, name, settings, stage),
        origin,
      );
      nodeFiles.push({ context: { stage, stack: stackName, instance: name, version }, files });
    }
    const warnings = chartWarnings(chart);
    charts.push({ resolved: resolve(chart), name, stack: stackName, version, key, ...(warnings.length ? { warnings } : {}) });
  }
  if (problems.length) throw new ProblemsError(problems);
  const nodes = renderNodeFiles(nodeFiles, stage, source);

  // every chart is transformed even after one fails (or a node file), so that all problems are reported at once
  const rendered: RenderedChart[] = [];
  const transformProblems: Problem[] = [...nodes.problems];
  const header = chartFileHeader(source);
  for (const { resolved, name, stack, version, key, warnings } of charts) {
    try {
      const objects = inStep(
        `synthesizing stage '${stage.name}', chart '${name}'`,
        () => {
          if ('error' in resolved) throw resolved.error;
          return transformed(resolved.objects, stack, name, version);
        },
        origins.get(name),
      );
      const warned = warnings ? { warnings } : {};
      if (key === undefined) rendered.push({ name, objects, ...warned });
      else {
        // serialized here once, for the output files and for the cache
        rendered.push({ name, objects, serialized: serializeForFile(objects, source, header), cacheKey: key, ...warned });
      }
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
      transformProblems.push(...e.problems);
    }
  }
  if (transformProblems.length) throw new ProblemsError(transformProblems);
  // the charts in the order of loaded.apps, as without the cache: the namespace chart, then the apps
  const byName = new Map(rendered.map((c) => [c.name, c]));
  const ordered: RenderedChart[] = [byName.get(NAMESPACE_CHART)!];
  for (const { name } of loaded.apps) ordered.push(byName.get(name) ?? fromCache(name, cached.get(name)!));
  return { stage, source, charts: ordered, nodeFiles: nodes.nodeFiles };
}
