/**
 * What a write that the disk refuses for want of room (ENOSPC, EDQUOT) may take back: bytes a
 * command wrote for itself alone, such as the render cache's packs not yet put in place
 * (lib/cli/render-cache.ts), which are worth less than the output. Without this, a cache that took
 * the disk's last free bytes failed the journal, and was then removed as the command failed: the
 * disk showed room again, and the next run failed the same way.
 */
import { ProblemsError } from '../errors.js';
import { errnoCode } from '../fs-problems.js';

/** Whether `e` says the disk (or this user's quota) has no room: no block or no inode left. */
export const wantsRoom = (e: unknown): boolean => /^(ENOSPC|EDQUOT)$/.test(errnoCode(e) ?? '');

/** What gives its room back: each returns whether it freed anything. */
const spares = new Set<(e: Error) => boolean>();

/** Whether a registration freed room since the command began (`forgetSpares`): what `roomFreedFor` tells a refusal it did not free for. */
let freedBefore = false;

/**
 * Registers `free`, which `withRoom` calls when a write finds the disk full (with its error), to
 * remove what it can spare; it returns whether it freed anything. Returns what unregisters it.
 */
export function spareRoom(free: (e: Error) => boolean): () => void {
  spares.add(free);
  return () => void spares.delete(free);
}

/**
 * Forgets every registration: what a command registered is its own, and one run in-process after it
 * (tests, tools) must not retry a write for what an earlier one left registered (lib/cli/main.ts).
 */
export function forgetSpares(): void {
  spares.clear();
  freedBefore = false;
}

/**
 * Runs `write`; when the disk is full (ENOSPC, EDQUOT) and something registered with `spareRoom`
 * frees room, runs it once more (`write` must start over, its file created anew). This thread's only.
 */
export function withRoom<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (!wantsRoom(e) || !freeRoom(e as Error)) throw e;
    return write();
  }
}

/** Runs every registration of this thread for `e`, a refusal for want of room; returns whether any freed room. */
function freeRoom(e: Error): boolean {
  let freed = false;
  for (const free of [...spares]) freed = free(e) || freed;
  freedBefore ||= freed;
  return freed;
}

/** What Node.js says of each want of room, by code: the words of a refusal made again from a problem's code. */
const ROOM_WORDS: Readonly<Record<string, string>> = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded' };

/**
 * Whether `e`, a write another thread found refused for want of room (a stage worker's, as its
 * error or as the problems `withFs` made of it: `fs/enospc`, `fs/edquot`), freed room in this one:
 * what that thread handed back to this one (the render cache's packs it wrote, adopted here) is
 * out of its own registrations' reach, yet as much the command's own. The caller then makes the
 * write itself. Also true where this command freed room before (the render cache gives its packs
 * up once, then unregisters): two workers' refusals handed back together, the second found
 * nothing left to free and failed the command ('the disk is full') for room the first had freed,
 * which its write may have preceded; a write made here that still finds no room fails as any does.
 * False for any other error, or where nothing was ever freed.
 */
export function roomFreedFor(e: Error): boolean {
  const codes = e instanceof ProblemsError ? e.problems.map((p) => /^fs\/(.+)$/.exec(p.code)?.[1].toUpperCase()) : [errnoCode(e)];
  const code = codes[0];
  if (code === undefined || !Object.hasOwn(ROOM_WORDS, code) || codes.some((c) => c !== code)) return false;
  return freeRoom(Object.assign(new Error(`${code}: ${ROOM_WORDS[code]}`), { code })) || freedBefore;
}
