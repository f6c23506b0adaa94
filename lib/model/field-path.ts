/**
 * Field paths: where a value sits in an object or a stage file, as keys from its root
 * (`['spec', 'containers', 0, 'image']`), and the helpers every layer shares to read, show and
 * convert them.
 */

/** Keys from a root; numbers index lists. */
export type FieldPath = readonly (string | number)[];

/**
 * A path as users read it: `spec.containers[0].image`. A key that starts with `[` is appended as
 * written (`containers[demoapp]`: a list entry matched by name).
 */
export function formatFieldPath(path: FieldPath): string {
  let s = '';
  for (const k of path) s += typeof k === 'number' ? `[${k}]` : k.startsWith('[') ? k : s ? `.${k}` : k;
  return s;
}

/** An ajv `instancePath` (`/apps/nginx/probes/0`, JSON Pointer) as keys (`['apps', 'nginx', 'probes', 0]`). */
export function fromAjvPath(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((k) => (/^\d+$/.test(k) ? Number(k) : k));
}

/** The value at `path` below `root`, or undefined when the path leads nowhere. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let v = root;
  // own properties only: a key such as `constructor` names nothing of Object.prototype here
  for (const k of path)
    v = v !== null && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}
