/**
 * Where the project lies in the Git work tree it is in, which the engines read `dist/<stage>` from the
 * top of (lib/delivery/plan.ts compares it with the project file's `delivery.repository.path`).
 */
import { spawnSync } from 'node:child_process';
import { GIT_TIMEOUT_MS } from './deployed-output.js';

/**
 * The variables that tell git which repository and work tree to use rather than finding them from its
 * directory. Git sets GIT_DIR for a hook of a linked worktree (and GIT_INDEX_FILE for every commit
 * hook), and without GIT_WORK_TREE git takes the directory it runs in as the top of the work tree: asked
 * from the project's directory, it would say the project is at the top (a false refusal of
 * `delivery.repository.path`). Git's own advice for a hook's git run elsewhere is to clear them.
 */
const LOCATING_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX'];

/**
 * The directory `root` in its Git work tree, as `git rev-parse --show-prefix` says it without its last `/`
 * (`infra/k8s`; `''` at the top), the work tree found from `root` itself; undefined when it is in none (a
 * bare repository's directory included), or Git cannot say: not installed, a repository it does not trust,
 * or no answer within `timeout` ms (then stopped: a synthesis never waits on a hung git).
 */
export function gitCheckout(root: string, timeout = GIT_TIMEOUT_MS): string | undefined {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const name of LOCATING_VARIABLES) delete env[name];
  // in a bare repository's directory (or a .git one) --show-prefix says '', as at a top: only a work tree's answer is one
  const r = spawnSync('git', ['rev-parse', '--is-inside-work-tree', '--show-prefix'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout,
    killSignal: 'SIGKILL',
    env,
  });
  if (r.error || r.signal || r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  const [inside, prefix = ''] = r.stdout.split('\n');
  return inside === 'true' ? prefix.replace(/\/$/, '') : undefined;
}

/** `gitCheckout(root)`, asked the first time it is called: a compilation that plans no delivered stage starts no git. */
export function lazyCheckout(root: string): () => string | undefined {
  let said: { readonly checkout: string | undefined } | undefined;
  return () => (said ??= { checkout: gitCheckout(root) }).checkout;
}
