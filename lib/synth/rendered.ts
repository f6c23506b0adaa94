/**
 * What rendering a stage gives (lib/synth/render.ts): charts of plain objects, their documents as
 * written (serialized once, for the output files and the render cache), and what the render cache
 * keeps of an app instead of its objects. It builds no chart: the render cache's entries
 * (lib/cli/render-entry.ts) and the output (output.ts) read these shapes without building one.
 */
import type { Problem } from '../errors.js';
import type { StageContext } from '../stack.js';
import type { KubeObject } from '../model/object.js';
import type { KeptChecks } from '../model/kept-checks.js';
import type { Substitution } from '../transforms/images.js';
import { chartImages, summaryOf, type AppSummary } from './app-summary.js';
import { commentHeader, toYaml } from './serialize.js';
import { generatedLine } from './disk.js';
import { digest } from './inventory.js';
import type { RenderedNodeFile } from './node-files.js';
import { contentDigest, type StoredBytes } from './file-content.js';

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
export function fromCache(name: string, app: CachedApp): RenderedChart {
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
export function serializeForFile(objects: readonly KubeObject[], source: string, header: string): SerializedObjects {
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
