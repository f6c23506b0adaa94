/**
 * The render cache's keys of a stage's apps (`appCacheKeys`): a text in which every difference in
 * what an app is made from shows, hashed. The compiler's own sources are the cache's business
 * (lib/cli/render-cache.ts). Pure.
 */
import type { Engine, SecretStore } from '../config/delivery.js';
import { jsonExact } from '../model/json-exact.js';
import { sha256Hex } from '../model/sha256.js';
import type { StageContext } from '../stack.js';

/** Bumped when what a key covers changes. */
const CACHE_KEY_FORMAT = 1;

/**
 * A text for `value` in which every difference shows: unlike JSON.stringify, undefined, -0,
 * NaN and the order of keys are kept, so two values with the same text are the same. A value JSON
 * keeps exactly (the usual one) is its JSON text, marked as such; any other is spelled out.
 */
function exactText(value: unknown): string {
  return jsonExact(value) ? `j${JSON.stringify(value)}` : `x${spelledOut(value)}`;
}

/** `exactText` of any value JSON does not keep exactly (rare: the stage file gave -0 or NaN, a stack undefined). */
function spelledOut(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null) return 'n';
  if (typeof value === 'number') return Object.is(value, -0) ? 'num:-0' : `num:${value}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (Array.isArray(value)) return `[${value.map(spelledOut).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${spelledOut(v)}`)
      .join(',')}}`;
  }
  // anything else (a class instance, a function, a bigint) cannot be keyed reliably
  throw new Error(`cannot key a ${typeof value}`);
}

/**
 * The cache keys of a stage's apps: an app's key covers everything its chart is made from besides
 * the compiler itself, the whole stage context (name, namespace, architecture, partOf, nodes,
 * images, the custom kinds at cluster scope, the files its apps include), the stage's delivery
 * settings, the release written on it, its name, stack and settings. The key of an app is
 * undefined when a value cannot be keyed (then the app is rendered). The stage's part is written
 * once, not once per app: the text is that of the whole list.
 */
export function appCacheKeys(stage: {
  compilerVersion: string;
  stage: StageContext;
  options: { readonly secretStore?: SecretStore; readonly engine?: Engine };
}) {
  let head: string | undefined;
  try {
    const { compilerVersion, options } = stage;
    head = [CACHE_KEY_FORMAT, compilerVersion, keyedContext(stage.stage), options.secretStore ?? null, options.engine ?? null]
      .map(exactText)
      .join(',');
  } catch {
    // nothing of this stage can be keyed
  }
  return (app: { name: string; stack: string; settings: unknown }): string | undefined => {
    if (head === undefined) return undefined;
    try {
      const text = `[${head},${[app.name, app.stack, app.settings].map(exactText).join(',')}]`;
      return sha256Hex(text);
    } catch {
      return undefined;
    }
  };
}

/**
 * The stage context as a key reads it: the files the stage's apps include (a Map, which no key
 * text spells) by path and the SHA-256 of their text, in the Map's order, so that an edit of any
 * of them changes the key of every app of the stage.
 */
function keyedContext(context: StageContext): unknown {
  const { files, ...rest } = context;
  return files === undefined ? rest : { ...rest, files: [...files].map(([path, text]) => [path, sha256Hex(text)]) };
}
