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
import { chartImages, summaryOf, type AppSummary } from './app-summary.js';
import type { KubeObject } from '../model/object.js';
import type { KeptChecks } from '../model/kept-checks.js';
import { compareCodePoints } from '../model/order.js';
import { applyRank } from '../model/kinds.js';
import { transform } from '../transforms/index.js';
import { MANAGED_BY } from '../transforms/labels.js';
import { externalSecrets } from '../constructs/external-secrets.js';
import { NAMESPACE_SYNC_WAVE, SYNC_WAVE_ANNOTATION } from '../model/sync-waves.js';
import type { Engine, SecretStore } from '../config/delivery.js';
import { commentHeader, toYaml } from './serialize.js';
import { generatedLine } from './disk.js';
import { digest } from './inventory.js';
import { renderNodeFiles, type AppNodeFiles, type RenderedNodeFile } from './node-files.js';
import { contentDigest, type StoredBytes } from './file-content.js';
import type { Substitution } from '../transforms/images.js';
import { appCacheKeys } from './cache-keys.js';

/** Name of the chart that holds the stage's Namespace. */
export const NAMESPACE_CHART = 'namespace';

export interface RenderedChart {
  /** The stack name, or `namespace` for the stage's own chart. */
  readonly name: string;
  /** The objects; those of an app from the render cache are read from its entry when first used (`fromCache`). */
  readonly objects: readonly KubeObject[];
  /** What the stage needs to know of the objects without reading them, for an app from the render cache. @default - none */
  readonly summary?: AppSummary;
  /** Each object as `toYaml` writes it, and its digest, when the render cache kept or will keep them. @default - serialized when written */
  readonly serialized?: SerializedObjects;
  /** What the per-object checks found on `objects` when the render cache kept them (lib/checks `checkStage`). */
  readonly checks?: KeptChecks;
  /** The render cache's key of the app, to keep it under once checked (`keepApps`). @default - not kept */
  readonly cacheKey?: string;
  /** What its stack warned of while it made the chart (lib/stack.ts `addChartWarning`), kept with it by the render cache. @default - none */
  readonly warnings?: readonly Problem[];
}

/**
 * Objects as written: their YAML documents as one stream (`---` between them, as a file holds them
 * below its header), and the inventory's digest of each document.
 */
export interface SerializedObjects {
  /**
   * Text when just serialized; when from the render cache, its bytes, left in the cache's pack
   * until the stage's files are compared with dist/ and written (`StoredBytes`).
   */
  readonly stream: string | Uint8Array | StoredBytes;
  readonly digests: readonly string[];
  /**
   * The SHA-256 of the app's file in the output of the stage file `source` (`chartFileHeader`, then
   * `stream`), for an app the render cache keeps: that file is compared with `dist/` and recorded
   * without its documents read again. @default - hashed when written
   */
  readonly file?: { readonly source: string; readonly sha256: string };
}

/** The comment lines every chart file of the output of the stage file `source` starts with. */
export function chartFileHeader(source: string): string {
  return commentHeader(`${generatedLine(source)}\nChange the stage file or the stack, then run: npm run synth`);
}

/**
 * What the render cache keeps of an app: its objects as written and what is known of them, not
 * the objects themselves (which most steps do not read: `summary`).
 */
export interface KeptApp {
  readonly serialized: SerializedObjects;
  /** What the per-object checks found on the objects. @default - nothing kept: they are checked */
  readonly checks?: KeptChecks;
  readonly summary: AppSummary;
  /** What its stack warned of while it made the chart (`RenderedChart.warnings`). @default - none */
  readonly warnings?: readonly Problem[];
}

/**
 * An app found in the render cache: what was kept, and its objects, rendered again when a step
 * first asks for them (the same compiler, stack and settings render the same objects).
 */
export interface CachedApp extends KeptApp {
  readonly objects: KubeObject[];
}

/** How many objects `charts` have, and the image substitutions made in them (from the summary of an app that has one: `chartImages`). */
export function objectsReport(charts: readonly RenderedChart[]): { readonly objects: number; readonly images: Substitution[] } {
  return {
    objects: charts.reduce((n, c) => n + (c.summary?.heads.length ?? c.objects.length), 0),
    images: charts.flatMap(chartImages),
  };
}

/**
 * `target` with `objects` got from `get` when first read (an own, enumerable property, so that
 * spreading, cloning and serializing `target` read them as they would read an array).
 */
export function withObjects<T extends object>(target: T, get: () => KubeObject[]): T & { readonly objects: KubeObject[] } {
  let objects: KubeObject[] | undefined;
  return Object.defineProperty(target, 'objects', { get: () => (objects ??= get()), enumerable: true }) as T & { objects: KubeObject[] };
}

/** A chart of an app from the render cache: its objects are read from the cache only when used. */
function fromCache(name: string, app: CachedApp): RenderedChart {
  const { serialized, checks, summary, warnings } = app;
  return withObjects({ name, serialized, checks, summary, ...(warnings ? { warnings } : {}) }, () => app.objects);
}

/** `chart` without its serialized documents and kept checks; the objects of a cached app still read only when used. */
export function leanChart(chart: RenderedChart): RenderedChart {
  const { name, summary } = chart;
  return summary ? withObjects({ name, summary }, () => [...chart.objects]) : { name, objects: chart.objects };
}

/** Serializes `objects` as the output files will hold them. */
export function serializeObjects(objects: readonly KubeObject[]): SerializedObjects & { readonly stream: string } {
  const documents = objects.map(toYaml);
  return { stream: documents.join('---\n'), digests: documents.map(digest) };
}

/** `serializeObjects`, with the SHA-256 of the objects' file in the output of the stage file `source` (`SerializedObjects.file`). */
function serializeForFile(objects: readonly KubeObject[], source: string, header: string): SerializedObjects {
  const serialized = serializeObjects(objects);
  return { ...serialized, file: { source, sha256: contentDigest([header, serialized.stream]) } };
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

/**
 * Keeps the apps of a rendered stage that the render cache does not have yet (`cacheKey`), with
 * what the per-object checks found on them (`checks`, by chart), once the stage rendered without
 * a problem and was checked.
 */
export function keepApps(r: RenderedStage, cache: RenderCache, checks: ReadonlyMap<string, KeptChecks>): void {
  for (const c of r.charts) {
    // only charts rendered now have a key: a cached app's objects are not read
    if (c.cacheKey === undefined || !c.serialized) continue;
    const warnings = c.warnings?.length ? { warnings: c.warnings } : {};
    cache.set(c.cacheKey, { serialized: c.serialized, checks: checks.get(c.name), summary: summaryOf(c.objects), ...warnings });
  }
}

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

/**
 * What apps render to (`KeptApp`), by a key that covers everything they are made from (see
 * `appCacheKeys`, lib/synth/cache-keys.ts); the compiler's own sources are the cache's business
 * (lib/cli/render-cache.ts).
 */
export interface RenderCache {
  /**
   * A fresh copy of what is kept under `key`, with `render` giving its objects when they are first
   * asked for; or undefined.
   */
  get(key: string, render: () => KubeObject[]): CachedApp | undefined;
  /** Reads what is kept under `keys` at once, for the `get`s that follow. @default - each read by its `get` */
  prefetch?(keys: readonly string[]): void;
  set(key: string, app: KeptApp): void;
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
 * put in apply order by `compareForApply`, not by dependencies. Each object is copied as it
 * comes out (`plainCopy`).
 */
function chartObjects(chart: Chart): KubeObject[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart) // an object belongs to its closest chart
    .map((o) => plainCopy(o.toJson()) as KubeObject);
}

/**
 * `value` copied key by key, in the same order: the same JSON, built so that V8 gives objects with
 * the same keys one hidden class. cdk8s-plus's generated `toJson_*` functions build each object by
 * spreading the one before into a new literal (`{ ...r, [key]: value }`); once V8 has seen a few
 * shapes there, every object they return gets a hidden class of its own. A stage of 1,000 apps
 * then held 56,000 hidden classes (12 MiB per thread), and every check and the YAML emitter read
 * objects whose shapes their property caches could not keep. The copy costs less than it saves:
 * a cold 1,000-app x 4-stage synth took 10 % less time and 60 MiB less peak RSS (bench/README.md).
 * The commands' bundles now rewrite those functions (lib/cli/defined-entries.mjs), and their
 * objects share hidden classes without the copy; it stays for cdk8s-plus run as installed (tests,
 * in-process use, a version whose generated code the rewrite does not match), at no cost measured.
 */
export function plainCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(plainCopy);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = plainCopy((value as Record<string, unknown>)[key]);
    // an own `__proto__` key stays a key (an assignment would set the copy's prototype)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
    else copy[key] = v;
  }
  return copy;
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
