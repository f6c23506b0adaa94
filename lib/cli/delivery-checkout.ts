/**
 * Where the project lies in the Git work tree it is in, which the engines read `dist/<stage>` from the
 * top of (lib/delivery/plan.ts compares it with the project file's `delivery.repository.path`).
 */
import type { ProjectCheckout } from '../delivery/delivery-plan.js';
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

/**
 * The URLs of the remotes of the repository `root` is in, by remote name (`origin`), as `git remote -v` says them (a
 * `url.<base>.insteadOf` applied: `gh:team/app` is the URL it stands for): the one it fetches from first, then those it
 * pushes to (`pushurl`, or a second `url`), where this checkout's commits go too; undefined when Git cannot say (see
 * `gitCheckout`). A remote's URL may hold credentials: a message shows its name, never its URL.
 */
export function gitRemotes(root: string, timeout = GIT_TIMEOUT_MS): ReadonlyMap<string, readonly string[]> | undefined {
  const r = projectGit(root, ['remote', '-v'], { timeout });
  if (r?.status !== 0) return undefined;
  const remotes = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const m = /^([^\t]+)\t(.+) \((fetch|push)\)$/.exec(line);
    if (!m) continue;
    const urls = remotes.get(m[1]!) ?? [];
    if (!urls.includes(m[2]!)) urls.push(m[2]!);
    remotes.set(m[1]!, urls);
  }
  return remotes;
}

/** What Git says of the checkout `root` is in, each asked the first time it is needed: a compilation that plans no delivered stage starts no git. */
export function lazyCheckout(root: string): ProjectCheckout {
  let prefix: { readonly said: string | undefined } | undefined;
  let remotes: { readonly said: ReadonlyMap<string, readonly string[]> | undefined } | undefined;
  return {
    prefix: () => (prefix ??= { said: gitCheckout(root) }).said,
    remotes: () => (remotes ??= { said: gitRemotes(root) }).said,
  };
}
