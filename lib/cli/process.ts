/**
 * Running a command as the process: the one place that hands an exit code to Node.js. Used by
 * lib/cli/run.cjs and by a command file started directly (`node --import tsx lib/cli/synth.ts`).
 * A command never ends the process with `process.exit`: it sets `process.exitCode`, and the process
 * ends when its output has drained and nothing else is left to do, so that a pipe gets every byte
 * (lib/cli/run.cjs then skips the teardown of Node.js's environment); a reader that goes away
 * (`| head`) ends it quietly.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { main, type Command } from './main.js';
import { processIo, quietWhenReaderLeaves } from './print.js';

/** Whether the module at `url` is the script node was started with. */
export function isEntry(url: string): boolean {
  // a worker thread shares the process's argv, but never runs a command (lib/cli/stage-workers.ts)
  if (!isMainThread) return false;
  const script = process.argv[1];
  if (!script || !url.startsWith('file:')) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}

export { processIo } from './print.js';

/** Runs `command` with the process's arguments; the process ends with its exit code once output has drained. */
export function runAsProcess<V>(command: Command<V>, argv: readonly string[] = process.argv.slice(2)): void {
  quietWhenReaderLeaves();
  process.exitCode = main(command, argv, processIo());
}
