/**
 * Where the project lies in the Git work tree it is in, which the engines read `dist/<stage>` from the
 * top of (lib/delivery/plan.ts compares it with the project file's `delivery.repository.path`).
 */
import { spawnSync } from 'node:child_process';

/**
 * The directory `root` in its Git work tree, as `git rev-parse --show-prefix` says it without its last `/`
 * (`infra/k8s`; `''` at the top); undefined when it is in none, or Git cannot say (not installed, a
 * repository it does not trust).
 */
export function gitCheckout(root: string): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--show-prefix'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  return r.stdout.replace(/\n$/, '').replace(/\/$/, '');
}
