/**
 * What a write that the disk refuses for want of room (ENOSPC, EDQUOT) may take back: bytes a
 * command wrote for itself alone, such as the render cache's packs not yet put in place
 * (lib/cli/render-cache.ts), which are worth less than the output. Without this, a cache that took
 * the disk's last free bytes failed the journal, and was then removed as the command failed: the
 * disk showed room again, and the next run failed the same way.
 */
import { errnoCode } from '../fs-problems.js';

/** Whether `e` says the disk (or this user's quota) has no room: no block or no inode left. */
export const wantsRoom = (e: unknown): boolean => /^(ENOSPC|EDQUOT)$/.test(errnoCode(e) ?? '');

/** What gives its room back: each returns whether it freed anything. */
const spares = new Set<(e: Error) => boolean>();

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
}

/**
 * Runs `write`; when the disk is full (ENOSPC, EDQUOT) and something registered with `spareRoom`
 * frees room, runs it once more (`write` must start over, its file created anew). This thread's only.
 */
export function withRoom<T>(write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (!wantsRoom(e)) throw e;
    let freed = false;
    for (const free of [...spares]) freed = free(e as Error) || freed;
    if (!freed) throw e;
    return write();
  }
}
