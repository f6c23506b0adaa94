/**
 * A chart's construct tree to plain objects: the tree validated once, each object resolved by
 * cdk8s and copied as it comes out (lib/synth/render.ts renders stages with these).
 */
import { ApiObject, type App, Chart } from 'cdk8s';
import type { Problem } from '../errors.js';
import type { KubeObject } from '../model/object.js';

/** Every problem the constructs' own validations report, with the construct path. */
export function validateTree(app: App, source: string): Problem[] {
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
export function chartObjects(chart: Chart): KubeObject[] {
  return chart.node
    .findAll()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart) // an object belongs to its closest chart
    .map((o) => plainCopy(o.toJson()) as KubeObject);
}

/** Whether an object has a key of its own (for `for...in`, which also visits inherited ones). */
const hasOwn = Object.prototype.hasOwnProperty;

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
  // own keys in Object.keys' order, by `for...in` over V8's cache of them: Object.keys made an array
  // per object copied (half of what copying a fleet's objects allocated: 56 -> 29 MB, x0.82 CPU, bench/README.md)
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const v = plainCopy((value as Record<string, unknown>)[key]);
    // an own `__proto__` key stays a key (an assignment would set the copy's prototype)
    if (key === '__proto__') Object.defineProperty(copy, key, { value: v, enumerable: true, writable: true, configurable: true });
    else copy[key] = v;
  }
  return copy;
}
