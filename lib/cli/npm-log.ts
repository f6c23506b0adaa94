/**
 * npm's own command line, for an option that npm takes for itself before `--` and leaves no
 * variable of (`npm run synth --no-cache -- dev`: npm warns `invalid config cache=false` and runs
 * `synth dev` with the environment it has without the option). npm writes its arguments, as it read
 * them, into its debug log (`<cache>/_logs/<time>-debug-0.log`: `verbose argv "run" "synth"
 * "--no-cache" "--" "dev"`), under `npm run --silent` too, before it runs the script, and holds the
 * log open until it ends. The npm that started this process is told by its process title (`npm run
 * synth dev`, its command line in /proc), and its log by the descriptor it holds (/proc/<pid>/fd),
 * never by a name and a time that another run's log may share; where either cannot be read (not
 * Linux, logs-max=0), nothing is known.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import type { Io } from './print.js';

/** The bytes of npm's log read: its title and argv are among its first twenty lines. */
const HEAD_BYTES = 16 * 1024;

/** A process as /proc says it: its parent and its command line (npm's: its title). */
interface ProcessInfo {
  readonly parent: number;
  readonly commandLine: string;
}

/** The process `pid` from /proc, or undefined (not Linux, gone). */
function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command's name, which may hold blanks and parentheses: state, ppid, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { parent: Number(fields[1]), commandLine };
  } catch {
    return undefined;
  }
}

/**
 * The npm that runs this process's script `event`: the nearest of its first three ancestors titled
 * `npm run ...`, when the script it runs is `event` (its title is npm's words without options: `npm
 * run synth dev`). An npm running another script (`npm run ci --no-cache`, whose `ci` starts the
 * command by another runner that sets npm_lifecycle_event) was not given the command's options.
 */
function npmAncestor(event: string): number | undefined {
  let pid = process.ppid;
  for (let i = 0; i < 3 && pid > 1; i++) {
    const p = processInfo(pid);
    if (p === undefined) return undefined;
    const script = /^npm (?:run|run-script|rum|urn) (.*)$/.exec(p.commandLine)?.[1];
    if (script !== undefined) return script === event || script.startsWith(`${event} `) ? pid : undefined;
    pid = p.parent;
  }
  return undefined;
}

/**
 * The descriptor under /proc through which the log npm `pid` writes is read (`/proc/<pid>/fd/18`):
 * npm holds its own log open while its script runs. Read there, it is that npm's log and no other
 * run's, even once another npm's cleanup (logs-max) has removed its name from the log directory.
 */
function openLog(pid: number): string | undefined {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const path = `/proc/${pid}/fd/${fd}`;
      let target: string;
      try {
        target = readlinkSync(path);
      } catch {
        continue;
      }
      if (LOG_FILE.test(target)) return path;
    }
  } catch {
    // not Linux, or the process is gone
  }
  return undefined;
}

/** npm's debug log, in `_logs` or its --logs-dir, as a descriptor's link names it (` (deleted)` once its name was removed). */
const LOG_FILE = /[\\/]\d{4}-\d\d-\d\dT\d\d_\d\d_\d\d_\d{3}Z-debug-\d+\.log(?: \(deleted\))?$/;

/** The first bytes of the file `path`, or '' when it cannot be read. */
function head(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    return buffer.toString('utf8', 0, readSync(fd, buffer, 0, HEAD_BYTES, 0));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The words of npm's `verbose argv` line (each as JSON.stringify writes it), or undefined. */
function argvOf(log: string): string[] | undefined {
  const line = /^\d+ verbose argv (.*)$/m.exec(log)?.[1];
  if (line === undefined) return undefined;
  try {
    return (line.match(/"(?:[^"\\]|\\.)*"/g) ?? []).map((w) => JSON.parse(w) as string);
  } catch {
    return undefined;
  }
}

/**
 * The arguments npm was given (`run`, `synth`, `--no-cache`, `--`, `dev`; npm writes `--verbose`
 * and `-s` as `--loglevel verbose` and `--loglevel silent`, `-w web` as `--workspace web`) when this
 * process runs as an npm script and npm's own log, which it holds open, says them; undefined when
 * that cannot be told (not Linux, logs-max=0, npm's log not open).
 */
export function npmArguments(env: Io['env']): readonly string[] | undefined {
  if (env.npm_lifecycle_event === undefined || env.npm_config_logs_max === '0') return undefined;
  const npm = npmAncestor(env.npm_lifecycle_event);
  const log = npm === undefined ? undefined : openLog(npm);
  return log === undefined ? undefined : argvOf(head(log));
}
