/**
 * Where the project lies in the Git work tree it is in, which the engines read `dist/<stage>` from the
 * top of (lib/delivery/plan.ts compares it with the project file's `delivery.repository.path`).
 */
import { existsSync, lstatSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ProjectCheckout } from '../delivery/delivery-plan.js';
import { remoteReading, revisionReading } from '../delivery/checkout.js';
import { shellWord } from '../errors.js';
import { sha256Hex } from '../model/sha256.js';
import { readRegularBytes } from '../synth/disk.js';
import { GIT_TIMEOUT_MS, askGit, type GitSilence } from './delivery-git.js';

/** What Git said of where a project is: its `prefix` in its work tree, or, when it said nothing though it may be in one, why. */
export interface CheckoutAnswer {
  readonly prefix?: string;
  readonly unanswered?: { readonly why: string; readonly fix: string };
}

/** Why a git that said nothing did not, and what has it asked again (`CheckoutAnswer.unanswered`). */
const SILENCES: Readonly<Record<GitSilence, { readonly why: string; readonly fix: string }>> = {
  missing: {
    why: 'git is not installed here (no git on PATH)',
    fix: 'install git where the synthesis runs (a CI image: apt-get install git, apk add git)',
  },
  timeout: {
    why: `git gave no answer within ${GIT_TIMEOUT_MS / 1000} s and was stopped`,
    fix: 'see what holds git rev-parse --show-prefix in the project (a network file system, a huge repository) and run the synthesis again',
  },
  failed: { why: 'git could not be run', fix: 'make git runnable where the synthesis runs (git --version says why it is not)' },
};

/**
 * Where `root` lies in its Git work tree (`gitCheckout`), or why Git could not say when it is installed in no usable
 * way: not on PATH, no answer within `timeout` ms, or refusing a repository that another user owns and safe.directory does
 * not name (as in a CI container). A directory in no work tree (a bare repository's included) has neither: none is checked.
 */
export function askCheckout(root: string, timeout = GIT_TIMEOUT_MS): CheckoutAnswer {
  // in a bare repository's directory (or a .git one) --show-prefix says '', as at a top: only a work tree's answer is one
  const r = askGit(root, ['rev-parse', '--is-inside-work-tree', '--show-prefix'], { timeout });
  if ('silent' in r) return { unanswered: SILENCES[r.silent] };
  if (r.status === 0) {
    const [inside, prefix = ''] = r.stdout.split('\n');
    return inside === 'true' ? { prefix: prefix.replace(/\/$/, '') } : {};
  }
  // git's 'detected dubious ownership in repository at '<top>'', whose advice names safe.directory in every language
  if (!r.stderr.includes('safe.directory')) return {};
  const top = refusedTop(r.stderr);
  const word = top === undefined ? undefined : shellWord(top);
  return {
    unanswered: {
      why: 'Git refuses the repository, which another user owns (dubious ownership) and safe.directory does not name',
      fix: word
        ? `if you trust it, git config --global --add safe.directory ${word}`
        : "if you trust it, add the repository's top to git's safe.directory (git config --global --add safe.directory <its path>)",
    },
  };
}

/**
 * The top of the repository git refused as another user's, from the command its advice ends with (`git config --global
 * --add safe.directory <top>`, in every language; quoted as a shell reads it back by a newer git: `'/srv/it'\''s'`),
 * or from its English message (`repository at '<top>'`, whose path may hold a `'`); undefined when neither says it (the
 * project's directory is no answer: safe.directory names a repository's top, which a monorepo's project is not).
 */
function refusedTop(stderr: string): string | undefined {
  const advice = /safe\.directory (.+)$/m.exec(stderr)?.[1];
  if (advice !== undefined && !advice.startsWith("'")) return advice;
  // git's sq_quote: '...' runs, with each ' (and !) outside them, after a backslash
  if (advice !== undefined && /^(?:'[^']*'|\\.)+$/.test(advice))
    return advice.replace(/'([^']*)'|\\(.)/g, (_, run: string | undefined, c: string) => run ?? c);
  return /repository at '(.+)'$/m.exec(stderr)?.[1];
}

/**
 * The directory `root` in its Git work tree, as `git rev-parse --show-prefix` says it without its last `/`
 * (`infra/k8s`; `''` at the top), the work tree found from `root` itself; undefined when it is in none (a
 * bare repository's directory included), or Git cannot say: not installed, a repository it does not trust,
 * or no answer within `timeout` ms (then stopped: a synthesis never waits on a hung git).
 */
export function gitCheckout(root: string, timeout = GIT_TIMEOUT_MS): string | undefined {
  return askCheckout(root, timeout).prefix;
}

/**
 * The URLs of the remotes of the repository `root` is in, by remote name (`origin`), as `git remote -v` says them (a
 * `url.<base>.insteadOf` applied: `gh:team/app` is the URL it stands for): the one it fetches from first, then those it
 * pushes to (`pushurl`, or a second `url`), where this checkout's commits go too; undefined when Git cannot say (see
 * `gitCheckout`). A remote's URL may hold credentials: a message shows its name, never its URL.
 */
export function gitRemotes(root: string, timeout = GIT_TIMEOUT_MS): ReadonlyMap<string, readonly string[]> | undefined {
  const r = askGit(root, ['remote', '-v'], { timeout });
  if ('silent' in r || r.status !== 0) return undefined;
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

/** What `gitRefs` says of a checkout. */
export interface CheckoutRefs {
  /** The branch its HEAD is on (`refs/heads/main`). */
  readonly head: string;
  /** Its branches and tags as Git names them (`refs/heads/main`, `refs/remotes/origin/main`, `refs/tags/v1`). */
  readonly refs: ReadonlySet<string>;
  /** Its git directory (`/srv/app/.git`; a linked worktree's own), where HEAD is, and the common one, where the refs are, both absolute. */
  readonly gitDir: string;
  readonly commonDir: string;
}

/** The most of a checkout's refs `gitRefs` reads (bytes): a million tags' names. */
const REFS_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The checkout's branches and tags and the branch its HEAD is on, asked at once, with where Git keeps them (`CheckoutRefs`);
 * undefined when it has no such list at hand: a shallow clone (CI's, which holds the branch it was made of), a detached
 * HEAD (CI's too), no commit yet, or no Git that says.
 */
export function gitRefs(root: string, timeout = GIT_TIMEOUT_MS): CheckoutRefs | undefined {
  // HEAD by its full name; the refs as they are listed, which is whole too (--symbolic-full-name of each of 50,000 tags
  // took 5 s, --symbolic of them 0.1 s), and all of them (1.2 MB of 50,000 tags: past Node.js's 1 MiB, git was stopped
  // and nothing checked); the -- ends what may be read as a path (a file named HEAD in the project)
  const r = askGit(
    root,
    [
      'rev-parse',
      '--absolute-git-dir',
      '--git-common-dir',
      '--is-shallow-repository',
      '--symbolic-full-name',
      'HEAD',
      '--symbolic',
      '--glob=refs/heads',
      '--glob=refs/remotes',
      '--glob=refs/tags',
      '--',
    ],
    { timeout, maxBuffer: REFS_MAX_BYTES },
  );
  if ('silent' in r || r.status !== 0) return undefined;
  const [gitDir = '', common = '', shallow, head = '', ...refs] = r.stdout.split('\n');
  // an older git than 2.15 says the option back as it is, not false (than 2.13, --absolute-git-dir too)
  if (shallow !== 'false' || !head.startsWith('refs/heads/') || !isAbsolute(gitDir)) return undefined;
  // (the -- said back, and the last line's end, are no refs)
  return { head, refs: new Set(refs.filter((ref) => ref.startsWith('refs/'))), gitDir, commonDir: resolve(root, common) };
}

/** The most of a packed-refs file `foundInFiles` reads (bytes; 50,000 tags are 3.3 MB, read and searched in a few ms): a larger one is left to git. */
const PACKED_REFS_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Whether the files Git keeps refs in (its files backend's: a loose ref in `commonDir`, else a line of its packed-refs)
 * show, with no git started, that `revisionReading` would find one of `wanted` as `gitRefs` says them: HEAD (in `gitDir`)
 * on a branch that is there, no shallow file, and one of `wanted` (or a branch of it of `remote`) there. This is what
 * holds the common unchanged case to one git (the remotes'): only what is plainly there is read so, and a ref is there
 * or not whatever else moves (a commit, a fetch); a branch renamed or deleted is gone from both places (the packed-refs
 * rewritten without it). False whenever the files do not plainly say so (a reftable, a detached or unborn HEAD, a name
 * no ref has, a file system that tells no case apart, a packed-refs past PACKED_REFS_MAX_BYTES, anything unreadable): git is asked then.
 */
function foundInFiles(gitDir: string, commonDir: string, remote: string, wanted: readonly string[]): boolean {
  try {
    if (existsSync(join(commonDir, 'reftable')) || existsSync(join(commonDir, 'shallow')) || existsSync(join(gitDir, 'shallow')))
      return false;
    // a file system that finds refs/heads/Main as refs/heads/main (macOS's, Windows'), where a name is no proof: git says
    if (existsSync(join(gitDir, 'head'))) return false;
    const head = /^ref: (refs\/heads\/\S+)\n?$/.exec(readRegularBytes(join(gitDir, 'HEAD'), 4096).toString('utf8'))?.[1];
    let packed: string | undefined;
    const there = (ref: string): boolean => {
      // what git check-ref-format refuses, or a path out of the refs
      if (/(?:^|\/)\.|\.\.|\/\/|\/$|\.lock(?:\/|$)|[\s~^:?*[\\]/.test(ref)) return false;
      if (lstatSync(join(commonDir, ref), { throwIfNoEntry: false })?.isFile()) return true;
      packed ??= existsSync(join(commonDir, 'packed-refs'))
        ? readRegularBytes(join(commonDir, 'packed-refs'), PACKED_REFS_MAX_BYTES).toString('utf8')
        : '';
      return packed.includes(` ${ref}\n`);
    };
    const tracking = (ref: string) => ref.startsWith('refs/heads/') && there(`refs/remotes/${remote}/${ref.slice('refs/heads/'.length)}`);
    return head !== undefined && there(head) && wanted.some((ref) => there(ref) || tracking(ref));
  } catch {
    return false;
  }
}

/**
 * What Git answered each question of the project in a root in this command (`npm run synth`: the fast path, then the
 * command, each its own bundle of this module, then the delivery plan), by root: a question is asked once per command.
 * Kept on globalThis, which every bundle of the process shares, until `forgetCheckoutAnswers`.
 */
interface Answers {
  prefix?: CheckoutAnswer;
  remotes?: { readonly said: ReadonlyMap<string, readonly string[]> | undefined };
  refs?: { readonly said: CheckoutRefs | undefined };
}

function answers(root: string): Answers {
  const key = Symbol.for('stagecraft.delivery-checkout.answers');
  const store = globalThis as { [key]?: Map<string, Answers> };
  store[key] ??= new Map();
  const said = store[key].get(root) ?? {};
  store[key].set(root, said);
  return said;
}

/**
 * Drops what Git answered, and what the last plan was told (`told`): the next command run in this process (tests, tools)
 * asks again, and a command of it that plans no delivered stage records nothing of the checkout (lib/cli/main.ts, at its end).
 */
export function forgetCheckoutAnswers(): void {
  (globalThis as { [key: symbol]: Map<string, Answers> | undefined })[Symbol.for('stagecraft.delivery-checkout.answers')]?.clear();
  told.clear();
}

const prefixAnswer = (root: string) => (answers(root).prefix ??= askCheckout(root));
const remotesAnswer = (root: string) => (answers(root).remotes ??= { said: gitRemotes(root) }).said;
const refsAnswer = (root: string) => (answers(root).refs ??= { said: gitRefs(root) }).said;

/**
 * Each question a plan may ask of the checkout, by its name, with its arguments: the text of its answer, as recorded (by
 * its digest) and compared. Of the remotes, what the plan reads of them for the repository it names (`remoteReading`:
 * the remote that names it, else every remote's name; or, `naming`, the remote that names it alone), never a URL: a URL's credentials are no part of the digested text
 * (a CI clone's token changes every job, and a digest of a short password is a guess away from it), a remote set to
 * another URL of one repository (ssh for https) changes nothing, nor does a remote added beside it (a fork).
 */
const QUESTIONS = {
  prefix: (root: string) => JSON.stringify(prefixAnswer(root)),
  remotes: (root: string, hostPath: string) => {
    const remotes = remotesAnswer(root);
    return JSON.stringify(remotes ? remoteReading(hostPath, remotes) : null);
  },
  naming: (root: string, hostPath: string) => {
    const remotes = remotesAnswer(root);
    return JSON.stringify(remotes ? remoteReading(hostPath, remotes, 'naming') : null);
  },
  // the refs wanted (lib/delivery/checkout.ts `followedRefs`), by a space, which no ref's name holds; where Git said it
  // keeps them ('' where it said nothing), where the common answer is read with no git (`foundInFiles`)
  revision: (root: string, remote: string, wanted: string, gitDir: string, commonDir: string) => {
    const refs = wanted.split(' ');
    if (gitDir && foundInFiles(gitDir, commonDir, remote, refs)) return JSON.stringify({ found: true });
    const said = refsAnswer(root);
    return JSON.stringify((said && revisionReading(said, remote, refs)) ?? null);
  },
} satisfies Record<string, (root: string, ...args: string[]) => string>;

type Question = keyof typeof QUESTIONS;

/**
 * What the last `lazyCheckout` of each project root was told, by question (its name and arguments, as JSON): the
 * delivery plan read it, so that a fingerprint of the output records it (`checkoutRecord`) and holds only while Git says
 * the same (`checkoutAsRecorded`): a remote set to another URL, or git installed, changes the plan as a project file would.
 */
const told = new Map<string, Map<string, string>>();

/** What Git says of the checkout `root` is in, each asked the first time it is needed: a compilation that plans no delivered stage starts no git. */
export function lazyCheckout(root: string): ProjectCheckout {
  const said = new Map<string, string>();
  told.set(root, said);
  const ask = (q: Question, ...args: string[]) =>
    said.set(JSON.stringify([q, ...args]), (QUESTIONS[q] as (root: string, ...a: string[]) => string)(root, ...args));
  const asked = (): CheckoutAnswer => {
    ask('prefix');
    return prefixAnswer(root);
  };
  return {
    prefix: () => asked().prefix,
    unanswered: () => asked().unanswered,
    remotesOf: (hostPath, only) => {
      ask(only ?? 'remotes', hostPath);
      const remotes = remotesAnswer(root);
      return remotes && remoteReading(hostPath, remotes, only);
    },
    revisionOf: (remote, wanted) => {
      const refs = refsAnswer(root);
      ask('revision', remote, wanted.join(' '), refs?.gitDir ?? '', refs?.commonDir ?? '');
      return refs && revisionReading(refs, remote, wanted);
    },
  };
}

/**
 * The SHA-256 of each answer Git gave the last delivery plan of the project in `root` in this process, by question;
 * undefined when it asked none (no stage delivered, no project file).
 */
export function checkoutRecord(root: string): Readonly<Record<string, string>> | undefined {
  const said = told.get(root);
  if (!said?.size) return undefined;
  // what changes the prefix's answer changes what the remotes say too, where there are any (git installed or gone, a
  // repository refused or trusted, another repository's top, made anew without them), but the project's directory moved,
  // which the fingerprint's root says: one git per use, not two
  const remotes = [...said].some(([q, text]) => /^\["(?:remotes|naming)"/.test(q) && text !== '{}' && text !== 'null');
  const questions = [...said.keys()].filter((q) => !(remotes && q === '["prefix"]'));
  return Object.fromEntries(questions.map((q) => [q, sha256Hex(said.get(q)!)]));
}

/**
 * Whether Git answers each question `recorded` (a `checkoutRecord`) holds as it did, asked again (a git per kind of
 * question, once per command: only a project whose stages are delivered has any); true of none recorded, false of a
 * record that is none.
 */
export function checkoutAsRecorded(root: string, recorded: unknown): boolean {
  if (recorded === undefined) return true;
  if (typeof recorded !== 'object' || recorded === null) return false;
  return Object.entries(recorded).every(([key, digest]) => {
    const question = parsedQuestion(key);
    return question !== undefined && sha256Hex(question(root)) === digest;
  });
}

/** The question a record's key names (`["remotes","git.example.com/team/app"]`), asked of a root; undefined when none. */
function parsedQuestion(key: string): ((root: string) => string) | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) return undefined;
  const [name, ...args] = parsed as string[];
  if (name === undefined || !Object.hasOwn(QUESTIONS, name)) return undefined;
  const question = QUESTIONS[name as Question] as (root: string, ...a: string[]) => string;
  return question.length === args.length + 1 ? (root) => question(root, ...args) : undefined;
}
