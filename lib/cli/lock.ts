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
 * Taking over: the lock appears whole by link(2) (never half written), and only the process holding
 * `.stagecraft/lock.takeover` (its guard, which appears whole by link(2) too) may delete a lock, and
 * only after reading it again and finding the very lock it found stale (same PID, start time,
 * token). The guard says who holds it, as the lock does, and is judged as the lock is: one whose
 * process is gone (killed during a takeover) is removed, whatever its time says, by the one waiter
 * that makes its claim `lock.takeover.<its token>` (link(2) again, so one only) and finds it still
 * there, unchanged; a claim whose process is gone is judged alike. What a process killed meanwhile
 * leaves beside them (its claim, its files being linked) goes at the next takeover.
 */
import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, relative } from 'node:path';
import { ExitCode, ProblemsError, escapeName } from '../errors.js';
import { shorten } from '../model/limits.js';
import { detectSecret } from '../model/secret-rules.js';
import { withoutSecretWords } from '../model/shown-arguments.js';
import { STATE_DIR, readRegularFile } from '../synth/disk.js';
import { processAlive } from './stale-files.cjs';
import { crashPoint } from '../model/crash-point.cjs';
import { writeNew } from '../model/flushed-file.cjs';

export const LOCK_FILE = join(STATE_DIR, 'lock');
const TAKEOVER_FILE = join(STATE_DIR, 'lock.takeover');
const DEFAULT_WAIT_S = 30;
const POLL_MS = 100;

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
  readonly token: string;
  /** When its process started (`processStart`), where /proc says: a PID used again later by another process is told apart. */
  readonly start?: string;
}

const held = new Map<string, { count: number; raw: string }>();

/**
 * The lock file's text; undefined when there is none (released meanwhile), null when something
 * that cannot be read as a lock is in its place (a directory, a FIFO: opened without blocking, or
 * no permission).
 */
function read(path: string): string | undefined | null {
  try {
    return readRegularFile(path);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : null;
  }
}

function parse(raw: string): Holder | undefined {
  try {
    const h = JSON.parse(raw) as Partial<Holder>;
    if (typeof h.pid !== 'number' || typeof h.since !== 'string') return undefined;
    // a start that is not one (an edited lock) says nothing: the PID alone decides, as for a lock without it
    const { start, ...rest } = h;
    return { host: '', command: '?', token: '', ...rest, ...(typeof start === 'string' ? { start } : {}) } as Holder;
  } catch {
    return undefined;
  }
}

/**
 * When the process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat, after
 * the command name, which may hold spaces and parentheses); undefined where /proc does not say.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')[19]
      ?.trim();
  } catch {
    return undefined;
  }
}

/** This process's start, read once (`processStart`). */
let ownStart: string | undefined | null = null;

/** Whether the holder of a lock runs: its PID is alive and, when both are known, the process with that PID started when the holder did. */
function alive(h: Holder): boolean {
  if (h.host !== hostname()) return true; // another machine's process: cannot tell, so assume it runs
  if (!processAlive(h.pid)) return false;
  // a PID used again (after a reboot, or once the PIDs wrapped around) is another process
  const start = h.start === undefined ? undefined : processStart(h.pid);
  return start === undefined || start === h.start;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Deletes the lock if it still is `raw` (a dead holder's), holding the takeover's guard, which
 * says who holds it (`mine`: this process's lock text); see the module comment. `taken` once the
 * lock is deleted; `again` when the caller is to look at the lock again (it changed, or a guard left
 * by a process killed during a takeover was removed); `busy` while another process's takeover is
 * under way (its guard is there and its process runs): it lasts microseconds.
 */
function takeOver(root: string, raw: string, mine: string): 'taken' | 'again' | 'busy' {
  const guard = join(root, TAKEOVER_FILE);
  if (!linkNew(guard, mine)) return removeStaleGuard(guard, mine) ? 'again' : 'busy';
  try {
    crashPoint('takeover-guarded');
    if (read(join(root, LOCK_FILE)) !== raw) return 'again';
    unlinkSync(join(root, LOCK_FILE));
    cleanTakeoverFiles(root, mine);
    return 'taken';
  } finally {
    rmSync(guard, { force: true });
  }
}

/** Makes `path` hold `text`, whole (created only, then linked: never written through a link, never seen half written); false when it exists. */
function linkNew(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeNew(tmp, text);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return false;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes the guard (or claim) at `guard` when its process is gone (or it is no guard a command
 * wrote: emptied by a crash of the machine); false while its process runs. Only the waiter that
 * makes its claim, `<guard>.<its token>`, removes it, after reading it again: two waiters that
 * judged one stale guard cannot remove the fresh guard one of them made since. A claim left by a
 * process killed while it held it is judged alike (a claim of the claim).
 * @param mine what this process's claim says (its lock text)
 */
function removeStaleGuard(guard: string, mine: string): boolean {
  const found = read(guard);
  if (found === undefined) return true;
  // a directory in its place is refused (what to remove is the user's to decide); a FIFO replaced
  if (found === null) {
    rmSync(guard, { force: true });
    return true;
  }
  const holder = parse(found);
  if (holder && alive(holder)) return false;
  crashPoint('takeover-judged');
  // named by what was judged: a guard made since has another token, so another claim
  const claim = `${guard}.${holder?.token || createHash('sha256').update(found).digest('hex').slice(0, 16)}`;
  if (!linkNew(claim, mine)) return removeStaleGuard(claim, mine);
  try {
    crashPoint('takeover-claimed');
    if (read(guard) === found) rmSync(guard, { force: true });
  } finally {
    rmSync(claim, { force: true });
  }
  return true;
}

/**
 * Whether the process that wrote `path`, a file of `.stagecraft/` named by its PID `pid` (a waiter's
 * lock text, a takeover's file being linked or its guard moved aside), is gone: judged by the lock
 * text it holds as a lock is (`alive`), so that one of a process on another host, or in a container of
 * its own hostname sharing the project directory, whose PID says nothing here, is never taken for
 * gone, and a PID used again since is told apart by its start; one that holds no lock text (emptied by
 * a crash of the machine) by `pid`. What no command writes there (a directory) is the user's: never gone.
 */
function writerGone(path: string, pid: number): boolean {
  const text = read(path);
  if (text === null) return false;
  const holder = text === undefined ? undefined : parse(text);
  return !(holder ? alive(holder) : processAlive(pid));
}

/** A file a process names itself by: one being linked (`.<pid>.tmp`), or a guard moved aside by an earlier release (`.<pid>.<8 hex>`). */
const PROCESS_FILE = /\.(\d+)\.(?:tmp|[0-9a-f]{8})$/;

/**
 * Removes what processes killed during a takeover left beside the guard: their files being linked
 * and their claims (`removeStaleGuard`), once their process is gone (`writerGone`).
 */
function cleanTakeoverFiles(root: string, mine: string): void {
  const dir = join(root, STATE_DIR);
  const prefix = `${TAKEOVER_FILE.slice(STATE_DIR.length + 1)}.`;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = PROCESS_FILE.exec(name)?.[1];
    try {
      if (pid === undefined) removeStaleGuard(join(dir, name), mine);
      else if (writerGone(join(dir, name), Number(pid))) rmSync(join(dir, name), { force: true });
    } catch {
      // leftovers only (a directory someone made there): the lock is taken all the same
    }
  }
}

/**
 * Removes the lock texts (`lock.<pid>.tmp`) of waiters ended while they waited for the lock (Ctrl-C at
 * `waiting for ...`: a signal ends a process without running its `finally`), once their process is gone
 * (`writerGone`).
 */
function cleanWaiterFiles(root: string): void {
  const dir = join(root, STATE_DIR);
  const prefix = `${LOCK_FILE.slice(STATE_DIR.length + 1)}.`;
  try {
    for (const name of readdirSync(dir)) {
      const pid = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length))?.[1] : undefined;
      if (pid === undefined || Number(pid) === process.pid) continue;
      if (writerGone(join(dir, name), Number(pid))) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // leftovers only: the lock is held all the same
  }
}

/** `cli/locked`: the lock is another command's, or cannot be read as one (exit 1, a refusal). */
function locked(message: string, hint: string): ProblemsError {
  return new ProblemsError([{ code: 'cli/locked', message, hint }], ExitCode.checkFailed);
}

function describe(h: Holder): string {
  // what the lock file says is printed as text, whoever wrote it (a lock committed to a repository)
  const host = h.host && h.host !== hostname() ? ` on ${escapeName(h.host)}` : '';
  return `pid ${h.pid}${host} (${escapeName(h.command)}, since ${escapeName(h.since)})`;
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
      const other = read(path);
      if (other === undefined) continue; // released meanwhile
      // not a lock any command wrote: waiting would never end (it was a busy loop)
      if (other === null) {
        throw locked(
          `${LOCK_FILE} cannot be read as a lock (a directory, a FIFO or a device is in its place, or it is not readable)`,
          `remove ${LOCK_FILE} (stagecraft only ever writes a regular file there), then run the command again`,
        );
      }
      const holder = parse(other);
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
  if (read(path) === mine.raw) rmSync(path, { force: true });
}
