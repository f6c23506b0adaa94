/**
 * A temporary directory of its own for every test run: TMPDIR for the tests and every process they
 * start, removed when the run ends, so that the projects tests make (thousands per run) never pile
 * up in the machine's temporary directory, whatever a test forgets to remove. A run killed before
 * its end (its output piped into `head`, say) leaves its directory: the next run removes those of
 * runs whose process is gone (the directory is named after the process). It first waits until the
 * compiler's sources were not changed just before (test/helpers/settled-sources.ts). At its end,
 * a process a test started and left running fails the run, named, and is killed
 * (test/helpers/leftover-processes.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../lib/cli/stale-files.cjs';
import { endLeftovers } from './leftover-processes.js';
import { settledSources } from './settled-sources.js';

const PREFIX = 'stagecraft-tests-';

export default async function setup(): Promise<() => Promise<void>> {
  // the workers start after this: each trusts the compiler's sources as a command started then would
  await settledSources();
  const previous = process.env.TMPDIR;
  for (const name of readdirSync(tmpdir())) {
    const pid = name.startsWith(PREFIX) ? Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]) : 0;
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  process.env.TMPDIR = dir;
  // every Node.js the tests start, as the commands' npm scripts start it: without the extra CA
  // certificates it would load first (lib/cli/run.cjs, COMMANDS); no test opens a TLS connection
  const certificates = process.env.NODE_EXTRA_CA_CERTS;
  process.env.NODE_EXTRA_CA_CERTS = '';
  // colour is the tests' to ask for: a CI's FORCE_COLOR would colour every message a test reads (lib/cli/print.ts)
  const forceColor = process.env.FORCE_COLOR;
  delete process.env.FORCE_COLOR;
  return async () => {
    // the tests are done: nothing they started may still run (the workers themselves are vitest's to close)
    const left = await endLeftovers(dir, process.pid);
    if (left.length > 0) {
      // its working directory, a test's temporary project (named by the test: stagecraft-enospc-...), says which test started it
      const lines = left.map(({ pid, ppid, command, cwd }) => `  pid ${pid} (parent ${ppid}, in ${cwd || '?'}): ${command.slice(0, 300)}`);
      process.stderr.write(
        `error: ${left.length} process(es) a test started still ran after the tests ended (now killed):\n${lines.join('\n')}\n` +
          "  hint: end each process a test starts before the test ends, and wait for its exit (a namespace's processes with unshare --kill-child)\n",
      );
      process.exitCode = 1;
    }
    if (forceColor !== undefined) process.env.FORCE_COLOR = forceColor;
    if (certificates === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = certificates;
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
