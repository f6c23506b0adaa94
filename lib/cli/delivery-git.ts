/**
 * git run for the project, in the repository its own directory is in: the one way lib/cli/ runs git
 * (where the project lies in its work tree, lib/cli/delivery-checkout.ts; a removed stage's output as
 * its last commit has it, lib/cli/deployed-output.ts), so that neither follows a hook's repository nor
 * waits on a hung git.
 */
import { spawnSync } from 'node:child_process';

/** How long one git command may take (ms) before it is stopped and git is taken as unable to say: a synthesis never waits on a hung git. */
export const GIT_TIMEOUT_MS = 10_000;

/**
 * The variables that tell git which repository, work tree, index or object store to use rather than finding
 * them from its directory: those of `git rev-parse --local-env-vars` (what git itself clears before it runs in a
 * submodule) but the configuration ones (GIT_CONFIG_COUNT, GIT_CONFIG_PARAMETERS: a CI's `safe.directory` given
 * so stays). Git sets GIT_DIR for a hook of a linked worktree (and a receive hook), GIT_INDEX_FILE for every commit
 * hook, GIT_OBJECT_DIRECTORY for a pre-receive hook's quarantine; without GIT_WORK_TREE git takes the directory it
 * runs in as the top of the work tree, so that asked from the project's directory it would read another
 * repository's HEAD, or the project's at the wrong place. Git's own advice for a hook's git run elsewhere is to clear them.
 */
const LOCATING_VARIABLES = [
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_OBJECT_DIRECTORY',
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_GRAFT_FILE',
  'GIT_INDEX_FILE',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_REPLACE_REF_BASE',
  'GIT_PREFIX',
  'GIT_INTERNAL_SUPER_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_COMMON_DIR',
] as const;

/** What a git command said: its exit status, standard output and standard error. */
export interface GitAnswer {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Why git said nothing: not installed (no `git` on PATH), stopped after its `timeout`, or not run for another reason
 * (not executable, an output past `maxBuffer`).
 */
export type GitSilence = 'missing' | 'timeout' | 'failed';

/**
 * `git <args>` run in `root`, the repository found from `root` itself (the hook variables cleared), with no lock
 * taken on the index, no prompt and, where git knows GIT_NO_LAZY_FETCH (2.44 on), no fetch of a partial clone's
 * missing object (an older git's fetch is bounded by `timeout` too); `silent` says why it said nothing: it could not be
 * started, or did not end within `timeout` ms (then stopped with SIGKILL; a git stopped so in `root` is not started
 * there again by this process, `hung`).
 * @param maxBuffer the most standard output read (bytes). @default - Node.js's (1 MiB)
 */
export function askGit(
  root: string,
  args: readonly string[],
  { timeout = GIT_TIMEOUT_MS, maxBuffer }: { readonly timeout?: number; readonly maxBuffer?: number } = {},
): GitAnswer | { readonly silent: GitSilence } {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', GIT_NO_LAZY_FETCH: '1' };
  for (const name of LOCATING_VARIABLES) delete env[name];
  const hungKey = `${env.PATH ?? ''}\0${root}`;
  if (hung().has(hungKey)) return { silent: 'timeout' };
  const r = spawnSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    ...(maxBuffer !== undefined ? { maxBuffer } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout,
    killSignal: 'SIGKILL',
    env,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return { silent: 'missing' };
  if (code === 'ETIMEDOUT') {
    hung().add(hungKey);
    return { silent: 'timeout' };
  }
  return r.error || r.signal || typeof r.stdout !== 'string'
    ? { silent: 'failed' }
    : { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The git (by PATH) and directory of each git stopped after no answer in time, in this process: not started again, as
 * a command asks several times (the fingerprint's answers in the fast path and again in the command, each its own
 * bundle of this module, then the delivery plan), and a hung git held `npm run check` four times GIT_TIMEOUT_MS.
 * Kept on globalThis, which every bundle of the process shares; a directory is a project's root, and tests make new ones.
 */
function hung(): Set<string> {
  const key = Symbol.for('stagecraft.delivery-git.hung');
  const store = globalThis as { [key]?: Set<string> };
  store[key] ??= new Set();
  return store[key];
}

/** `askGit`'s answer, undefined when git said nothing. */
export function projectGit(
  root: string,
  args: readonly string[],
  options: { readonly timeout?: number; readonly maxBuffer?: number } = {},
): GitAnswer | undefined {
  const r = askGit(root, args, options);
  return 'silent' in r ? undefined : r;
}
