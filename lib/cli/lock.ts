/**
 * One writer at a time: `.stagecraft/lock` (git-ignored) holds the PID, host, command (as it ran:
 * `commandRan`) and start time of the process that writes the project. A second writer waits for it (a bounded time,
 * `STAGECRAFT_LOCK_WAIT` seconds, default 30) and then gives up naming the holder. A lock whose
 * process is gone (same host, PID not alive, or alive but started at another time than the lock's
 * holder: the PID was used again) is taken over.
 *
 * Hand-written rather than proper-lockfile: that library decides staleness by
 * the lock's age, refreshed by a timer in the holder, and records no PID or command to name;
 * here a dead holder is known at once from its PID, and a synchronous command needs no timer.
 *
 * Taking over a gone holder's lock is ./lock-takeover.ts.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, relative } from 'node:path';
import { ExitCode, ProblemsError, escapeName } from '../errors.js';
import { shorten } from '../model/limits.js';
import { detectSecret } from '../model/secret-rules.js';
import { withoutSecretWords } from '../model/shown-arguments.js';
import { escapeInvisible } from '../model/invisible-characters.js';
import { STATE_DIR } from '../synth/disk.js';
import { crashPoint } from '../model/crash-point.cjs';
import {
  LOCK_FILE,
  TAKEOVER_FILE,
  alive,
  cleanWaiterFiles,
  parseHolder,
  processStart,
  readLock,
  takeOver,
  type Holder,
} from './lock-takeover.js';

import { writeNew } from '../model/flushed-file.cjs';

export { LOCK_FILE, processStart } from './lock-takeover.js';

const DEFAULT_WAIT_S = 30;
const POLL_MS = 100;

const held = new Map<string, { count: number; raw: string }>();

/** This process's start, read once (`processStart`). */
let ownStart: string | undefined | null = null;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** `cli/locked`: the lock is another command's, or cannot be read as one (exit 1, a refusal). */
function locked(message: string, hint: string): ProblemsError {
  return new ProblemsError([{ code: 'cli/locked', message, hint }], ExitCode.checkFailed);
}

function describe(h: Holder): string {
  // what the lock file says is printed as text, whoever wrote it (a lock committed to a repository), and a
  // character that prints as nothing or turns the line around (a stage name pasted with U+202E) as its escape
  const text = (t: string) => escapeInvisible(escapeName(t));
  const host = h.host && h.host !== hostname() ? ` on ${text(h.host)}` : '';
  return `pid ${h.pid}${host} (${text(h.command)}, since ${text(h.since)})`;
}

/**
 * The command line that ran, for the lock and the journal to name: in a process the CLI script started
 * (`argv`: lib/cli/run.cjs), `npm run synth -- --no-cache` when npm ran the command's script
 * (npm_lifecycle_event names it), else Node.js's (`node lib/cli/run.cjs synth --no-cache`, the script
 * from the working directory), with every argument given, but one that holds a secret, kept as `(hidden)`
 * (lib/model/shown-arguments.ts); a lock that named `npm run synth` for a
 * direct run sent its reader looking for a process no `ps` shows. A command run in another program's
 * process (a test's) is named by `writer`, in npm's form.
 * @param writer the command's name, then `--` and its arguments when it has any (`synth -- --stage qa`)
 */
export function commandRan(writer: string, env: Readonly<Record<string, string | undefined>> = process.env, argv = process.argv): string {
  if (argv[1] === undefined || basename(argv[1]) !== CLI_SCRIPT || argv[2] !== writer.split(' ')[0])
    return `npm run ${withoutSecretWords(writer)}`;
  // each argument that holds a secret as (hidden), judged whole: other commands print the line, and a killed command
  // leaves it on disk (`--release 'token: ...'` is a secret's setting as one word, its halves none)
  const args = argv.slice(3).map((a) => (detectSecret(a) ? '(hidden)' : a));
  if (env.npm_lifecycle_event === argv[2]) return ['npm run', argv[2], ...(args.length ? ['--', ...args] : [])].join(' ');
  return ['node', relative(process.cwd(), argv[1]) || argv[1], argv[2], ...args].join(' ');
}

/** The script that starts every command (lib/cli/run.cjs). */
const CLI_SCRIPT = 'run.cjs';

export const LOCK_WAIT_ENV = 'STAGECRAFT_LOCK_WAIT';

/**
 * The seconds to wait for the lock that `setting` (the value of STAGECRAFT_LOCK_WAIT) gives:
 * DEFAULT_WAIT_S when it is unset or empty, else a number of seconds >= 0 (`0`, `2.5`, `120`).
 * @throws ProblemsError for anything else (`abc`, `-5`, `Infinity`, `30s`), which waited the default
 *   while the hint said "longer than NaN s"
 */
export function lockWaitSeconds(setting: string | undefined): number {
  if (setting === undefined || setting.trim() === '') return DEFAULT_WAIT_S;
  const s = Number(setting);
  if (!Number.isFinite(s) || s < 0) {
    throw new ProblemsError([
      {
        code: 'cli/option',
        message: `${LOCK_WAIT_ENV} takes a number of seconds >= 0 (found '${shorten(setting)}')`,
        hint: `set ${LOCK_WAIT_ENV}=<seconds> (e.g. ${LOCK_WAIT_ENV}=120; 0 gives up at once), or unset it to wait ${DEFAULT_WAIT_S} s for another command's lock`,
      },
    ]);
  }
  return s;
}

/**
 * Takes the project's lock for `command`, waiting for another writer at most `STAGECRAFT_LOCK_WAIT`
 * seconds; held until `release()` or the process exits. Taking it again in the same process
 * only counts. `wait: false` gives up at once while a running command holds the lock or takes a
 * dead holder's over (a dead holder's lock is still taken over): for a quick look that the command
 * itself repeats, waiting and saying so once.
 * @throws ProblemsError naming the holder when it is still held after the wait
 */
export function acquireLock(root: string, command: string, log: (line: string) => void, { wait = true } = {}): () => void {
  const path = join(root, LOCK_FILE);
  // a value that is no wait is refused before anything, not only once another command holds the lock
  const waitS = lockWaitSeconds(process.env[LOCK_WAIT_ENV]);
  const mine = held.get(path);
  if (mine) {
    mine.count++;
    return () => release(path);
  }
  mkdirSync(join(root, STATE_DIR), { recursive: true });
  if (ownStart === null) ownStart = processStart(process.pid);
  const raw = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    command,
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    ...(ownStart !== undefined ? { start: ownStart } : {}),
  });
  const tmp = `${path}.${process.pid}.tmp`;
  const deadline = Date.now() + waitS * 1000;
  let told = false;
  // created only: never written through a link or into a FIFO left in its place
  writeNew(tmp, raw);
  try {
    for (;;) {
      try {
        linkSync(tmp, path); // fails with EEXIST while another process holds it
        break;
      } catch (e) {
        // its lock text removed while it waited (by a writer that could not see this process: another
        // PID namespace sharing the project directory): written again, as the lock it still waits for
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
          writeNew(tmp, raw);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const other = readLock(path);
      if (other === undefined) continue; // released meanwhile
      // not a lock any command wrote: waiting would never end (it was a busy loop)
      if (other === null) {
        throw locked(
          `${LOCK_FILE} cannot be read as a lock (a directory, a FIFO or a device is in its place, or it is not readable)`,
          `remove ${LOCK_FILE} (stagecraft only ever writes a regular file there), then run the command again`,
        );
      }
      const holder = parseHolder(other);
      if (!holder || !alive(holder)) {
        const outcome = takeOver(root, other, raw);
        // said once it is done, not at each look while another process's takeover is under way
        if (outcome === 'taken')
          log(
            holder
              ? `stagecraft: taking over the lock left by ${describe(holder)}, which is no longer running`
              : `stagecraft: taking over ${LOCK_FILE}, which holds no lock a command wrote (emptied by a crash of the machine, or edited)`,
          );
        if (outcome !== 'busy') continue;
        // a quick look (`wait: false`) leaves the wait to the command, which waits once
        if (!wait || Date.now() >= deadline) {
          throw locked(
            `another command is taking over the lock left by ${holder ? describe(holder) : 'a command'} (${TAKEOVER_FILE} is there)`,
            `run the command again in a moment; if no other stagecraft command runs, remove ${TAKEOVER_FILE}`,
          );
        }
        crashPoint('takeover-busy');
        sleep(POLL_MS);
        continue;
      }
      if (!wait || Date.now() >= deadline) {
        const longer = `(or set ${LOCK_WAIT_ENV} to wait longer than ${waitS} s)`;
        // another machine's lock is never judged gone (\`alive\`): only its user can say so
        throw locked(
          `another command is writing this project: ${describe(holder)} holds ${LOCK_FILE}`,
          holder.host === hostname()
            ? `wait for it to finish and run the command again ${longer}; if that process is gone, the next command takes its lock over`
            : `it was taken on ${holder.host ? escapeName(holder.host) : 'a host it does not name'}, whose processes stagecraft cannot see from here, so it is never taken over: wait for that command to finish ${longer}; if none runs there (a container replaced since, a machine restarted), remove ${LOCK_FILE}, then run the command again`,
        );
      }
      if (!told) log(`stagecraft: waiting for ${describe(holder)} to finish writing this project`);
      told = true;
      sleep(POLL_MS);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  held.set(path, { count: 1, raw });
  cleanWaiterFiles(root);
  // one hook for every lock of the process (commands run in-process take locks many times)
  if (!exitHookSet) process.once('exit', releaseHeldLocks);
  exitHookSet = true;
  return () => release(path);
}

let exitHookSet = false;

/** Releases every lock this process holds: a command run in-process ends here, not at process exit. */
export function releaseHeldLocks(): void {
  for (const path of [...held.keys()]) release(path, true);
}

function release(path: string, all = false): void {
  const mine = held.get(path);
  if (!mine || (--mine.count > 0 && !all)) return;
  held.delete(path);
  // only ever our own lock: nobody deletes a live holder's lock
  if (readLock(path) === mine.raw) rmSync(path, { force: true });
}
