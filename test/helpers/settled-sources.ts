/**
 * Waiting, before the test workers start, until the compiler's sources were last changed long
 * enough ago for a process started from then on to trust them (lib/cli/digests.ts
 * `compilerRecentlyChanged`): a source saved within MTIME_MARGIN_MS before a process started may
 * not be what its code was built from, so that process records no fingerprint and keeps no cache,
 * by design. Without the wait, a run started just after an edit failed the tests that expect a
 * synthesis to be reused, in every worker (whose start is the process's), until the next run.
 */
import { COMPILER_ROOT, MTIME_MARGIN_MS, compilerChangedSince } from '../../lib/cli/digests.js';

/** How long to wait at most: sources saved again and again, or dated in the future (a clock ahead), are left to fail as they would. */
const MAX_WAIT_MS = 3 * MTIME_MARGIN_MS;

/** Resolves once no source of the compiler in `compilerRoot` changed in the last MTIME_MARGIN_MS (or after MAX_WAIT_MS); says whether it waited. */
export async function settledSources(compilerRoot = COMPILER_ROOT, maxWaitMs = MAX_WAIT_MS): Promise<boolean> {
  const until = Date.now() + maxWaitMs;
  let waited = false;
  while (compilerChangedSince(Date.now() - MTIME_MARGIN_MS, compilerRoot) && Date.now() < until) {
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return waited;
}
