/**
 * Whether a value can travel as JSON text and come back the same: the render cache's keys spell such
 * a value as its JSON (lib/synth/cache-keys.ts), and the stage-entries store keeps it as JSON
 * (lib/cli/stage-entries.ts). Pure.
 */

/**
 * Whether `value` comes back from JSON.parse(JSON.stringify(value)) exactly: plain objects and
 * arrays (without holes) of strings, booleans, null and finite numbers but -0, no `__proto__` key.
 */
export function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !jsonExact(value[i])) return false;
    return true;
  }
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const k in value) {
    if (Object.hasOwn(value, k) && (k === '__proto__' || !jsonExact((value as Record<string, unknown>)[k]))) return false;
  }
  return true;
}
