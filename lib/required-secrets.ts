/**
 * The Secrets a stage needs but never holds, written on the stage's Namespace as one annotation:
 * `stagecraft.dev/required-secrets: demoapp-tls=tls.crt,tls.key; mysqlsecret=database,password,username`.
 *
 * Operators see in `dist/` what must exist before the workloads start (made by
 * `npm run secrets`, or by whoever issues certificates), and the checks, reading only manifests,
 * know those Secrets and their keys without any value being committed.
 */
import type { SecretDeclaration } from './stack.js';
import { compareCodePoints } from './model/order.js';

export const REQUIRED_SECRETS_ANNOTATION = 'stagecraft.dev/required-secrets';

/** Declarations merged by name (two apps may share a Secret), keys sorted, as the annotation's value. */
export function formatRequiredSecrets(declarations: readonly SecretDeclaration[]): string {
  const byName = new Map<string, Set<string>>();
  for (const d of declarations) byName.set(d.name, new Set([...(byName.get(d.name) ?? []), ...d.keys]));
  return [...byName.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([name, keys]) => `${name}=${[...keys].sort().join(',')}`)
    .join('; ');
}

/** The Secrets named in the annotation's value, with their keys. */
export function parseRequiredSecrets(value: string | undefined): { name: string; keys: string[] }[] {
  return (value ?? '')
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, keys = ''] = entry.split('=');
      return {
        name: name.trim(),
        keys: keys
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean),
      };
    });
}
