/**
 * Where the project lies in the Git work tree it is in, which the engines read `dist/<stage>` from the
 * top of (lib/delivery/plan.ts compares it with the project file's `delivery.repository.path`).
 */
import { GIT_TIMEOUT_MS, projectGit } from './delivery-git.js';

/**
 * The directory `root` in its Git work tree, as `git rev-parse --show-prefix` says it without its last `/`
 * (`infra/k8s`; `''` at the top), the work tree found from `root` itself; undefined when it is in none (a
 * bare repository's directory included), or Git cannot say: not installed, a repository it does not trust,
 * or no answer within `timeout` ms (then stopped: a synthesis never waits on a hung git).
 */
export function gitCheckout(root: string, timeout = GIT_TIMEOUT_MS): string | undefined {
  // in a bare repository's directory (or a .git one) --show-prefix says '', as at a top: only a work tree's answer is one
  const r = projectGit(root, ['rev-parse', '--is-inside-work-tree', '--show-prefix'], { timeout });
  if (r?.status !== 0) return undefined;
  const [inside, prefix = ''] = r.stdout.split('\n');
  return inside === 'true' ? prefix.replace(/\/$/, '') : undefined;
}

/** `gitCheckout(root)`, asked the first time it is called: a compilation that plans no delivered stage starts no git. */
export function lazyCheckout(root: string): () => string | undefined {
  let said: { readonly checkout: string | undefined } | undefined;
  return () => (said ??= { checkout: gitCheckout(root) }).checkout;
}
