/**
 * A temporary directory of its own for every test run: TMPDIR for the tests and every process they
 * start, removed when the run ends, so that the projects tests make (thousands per run) never pile
 * up in the machine's temporary directory, whatever a test forgets to remove.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-tests-'));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
