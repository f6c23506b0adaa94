/**
 * npm's own command line, for an option that npm takes for itself before `--` and leaves no
 * variable of (`npm run synth --no-cache -- dev`: npm warns `invalid config cache=false` and runs
 * `synth dev` with the environment it has without the option). npm writes its arguments, as it read
 * them, into its debug log (`<cache>/_logs/<time>-debug-0.log`: `verbose argv "run" "synth"
 * "--no-cache" "--" "dev"`), under `npm run --silent` too, before it runs the script. The log of the
 * npm that started this process is told by npm's process title (`npm run synth dev`, which it writes
 * in the log as `verbose title` and is its command line in /proc) and its start time; where either
 * cannot be read (not Linux, logs-max=0, a log directory elsewhere), nothing is known.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from './print.js';

/** How long after npm's start its log may be named: npm loads its modules and config first, slowly under load. */
const LOG_AFTER_START_MS = 60_000;
/** /proc/stat's boot time is in whole seconds, and a process's start in ticks after it. */
const START_SLACK_MS = 2_000;
/** Clock ticks a second of /proc/<pid>/stat's start time (USER_HZ: 100 on every Linux npm runs on). */
const TICKS_PER_SECOND = 100;
/** The bytes of npm's log read: its title and argv are among its first twenty lines. */
const HEAD_BYTES = 16 * 1024;

/** A process as /proc says it: its parent, when it started (ms since the epoch), its command line (npm's: its title). */
interface ProcessInfo {
  readonly parent: number;
  readonly startMs: number;
  readonly commandLine: string;
}

/** The process `pid` from /proc, or undefined (not Linux, gone). */
function processInfo(pid: number, bootMs: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the fields after the command's name, which may hold blanks and parentheses: state, ppid, ... starttime (22nd)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { parent: Number(fields[1]), startMs: bootMs + (Number(fields[19]) * 1000) / TICKS_PER_SECOND, commandLine };
  } catch {
    return undefined;
  }
}

/** The machine's boot time, ms since the epoch, or undefined. */
function bootTimeMs(): number | undefined {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime === undefined ? undefined : Number(btime) * 1000;
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
function npmAncestor(event: string): ProcessInfo | undefined {
  const boot = bootTimeMs();
  if (boot === undefined) return undefined;
  let pid = process.ppid;
  for (let i = 0; i < 3 && pid > 1; i++) {
    const p = processInfo(pid, boot);
    if (p === undefined) return undefined;
    const script = /^npm (?:run|run-script|rum|urn) (.*)$/.exec(p.commandLine)?.[1];
    if (script !== undefined) return script === event || script.startsWith(`${event} `) ? p : undefined;
    pid = p.parent;
  }
  return undefined;
}

/** The time a log of npm is named by (`2026-12-06T13_54_14_591Z-debug-0.log`), ms since the epoch. */
function logTime(name: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d)_(\d\d)_(\d\d)_(\d{3})Z-debug-\d+\.log$/.exec(name);
  return m ? Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`) : undefined;
}

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
 * and `-s` as `--loglevel verbose` and `--loglevel silent`) when this process runs as an npm script
 * and npm's log says them; undefined when that cannot be told, or when two logs of the same title
 * and time say otherwise (two such runs at once).
 */
export function npmArguments(env: Io['env']): readonly string[] | undefined {
  if (env.npm_lifecycle_event === undefined || env.npm_config_logs_max === '0') return undefined;
  const dir = env.npm_config_logs_dir || (env.npm_config_cache ? join(env.npm_config_cache, '_logs') : undefined);
  const npm = dir === undefined ? undefined : npmAncestor(env.npm_lifecycle_event);
  if (npm === undefined || dir === undefined) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  const said = new Set<string>();
  for (const name of names) {
    const at = logTime(name);
    if (at === undefined || at < npm.startMs - START_SLACK_MS || at > npm.startMs + LOG_AFTER_START_MS) continue;
    const log = head(join(dir, name));
    if (/^\d+ verbose title (.*)$/m.exec(log)?.[1]?.trim() !== npm.commandLine) continue;
    const argv = argvOf(log);
    if (argv !== undefined) said.add(JSON.stringify(argv));
  }
  return said.size === 1 ? (JSON.parse([...said][0]) as string[]) : undefined;
}
