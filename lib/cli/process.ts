/**
 * Running a command as the process: the one place that hands an exit code to Node.js. Used by
 * lib/cli/run.mjs and by a command file started directly (`node --import tsx lib/cli/synth.ts`).
 * The process is never ended with `process.exit`: it sets `process.exitCode` and ends when its
 * output has drained, so that a pipe gets every byte; a reader that goes away (`| head`) ends it
 * quietly.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { main, type Command, type Io } from './main.js';

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

/** The process's own directory, environment and streams. */
export function processIo(): Io {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
  };
}

/** Runs `command` with the process's arguments; the process ends with its exit code once output has drained. */
export function runAsProcess<V>(command: Command<V>, argv: readonly string[] = process.argv.slice(2)): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      // the reader went away (`npm run check -- x | head`): what is left is not wanted; end quietly
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
      stream.destroy();
    });
  }
  process.exitCode = main(command, argv, processIo());
}
