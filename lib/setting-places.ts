/**
 * Where a value of an app's object comes from in its stage file: the setting that names the object
 * (`database.names.volume`), else the only setting of the app that holds the value, else the app.
 * The warnings about a stage's output as it changes (lib/output-changes.ts, lib/data-leaves.ts)
 * are placed there, so that they point at what to change back.
 */
import { STACKS } from '../apps/index.js';
import type { LoadedStage } from './config/load.js';
import type { SourceLocation } from './errors.js';
import { formatFieldPath, type FieldPath } from './model/field-path.js';
import { isRecord } from './model/object.js';
import type { ObjectName } from './stack.js';

/** Where a problem about an app's object goes: the stage-file setting (or app) that gave it, else the object. */
export interface Place {
  readonly location?: SourceLocation;
  /** The setting, as users write it (`apps.shop.database.storage`). @default - no setting gave the value */
  readonly setting?: string;
}

/** The objects an app names, with the settings that may name them instead (`Stack.objectNames`). */
export function namesOf(loaded: LoadedStage, app: string): readonly ObjectName[] {
  const instance = loaded.apps.find((a) => a.name === app);
  const stack = instance && STACKS[instance.stack as keyof typeof STACKS];
  return (instance && stack?.objectNames?.(instance.name, instance.settings as never, loaded.context.name)) ?? [];
}

/**
 * Where a value of an object of `app` comes from in the stage file: the setting that names an
 * object by it (`database.names.volume`), else the only setting of the app that holds it, else the app.
 */
export function placeOf(loaded: LoadedStage, app: string | undefined, value: unknown, field: FieldPath = []): Place {
  const instance = app === undefined ? undefined : loaded.apps.find((a) => a.name === app);
  if (!instance) return {};
  const named = namesOf(loaded, instance.name).find((n) => n.setting && n.name === value);
  const path = named?.setting ?? settingHolding(instance.settings, value, field.at(-1));
  const setting = path && ['apps', instance.name, ...path];
  return { location: loaded.locate(setting ?? ['apps', instance.name]), ...(setting ? { setting: formatFieldPath(setting) } : {}) };
}

/**
 * The path of the only leaf of `settings` equal to `value` (as text), or of the only one of them
 * under the key `key` (the field's: `storage`), if exactly one is.
 */
function settingHolding(settings: unknown, value: unknown, key: string | number | undefined): FieldPath | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const found: FieldPath[] = [];
  const walk = (v: unknown, path: FieldPath) => {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, [...path, i]);
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else if ((typeof v === 'string' || typeof v === 'number') && String(v) === String(value)) found.push(path);
  };
  walk(settings, []);
  const keyed = found.length > 1 ? found.filter((p) => p.at(-1) === key) : found;
  return keyed.length === 1 ? keyed[0] : undefined;
}
