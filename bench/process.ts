/**
 * Running a command as a user would, and measuring it: wall time from spawn to exit, and the
 * peak RSS of the largest Node.js process it started (npm and the compiler it runs alike).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bytes of a command's output kept for the message when it fails (at least the 4,000 characters shown). */
const OUTPUT_KEPT = 64 * 1024;

const RSS_PROBE = fileURLToPath(new URL('./rss-probe.mjs', import.meta.url));

/** A command line: the program and its arguments, run in `cwd`. */
export interface Command {
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Measurement {
  readonly seconds: number;
  /** Peak resident set size of the largest Node.js process of the run, in bytes. */
  readonly peakRss: number;
}

/**
 * `npm run <script> -- <args>` in `cwd`. Under `npm run bench`, npm says where its own CLI is
 * (npm_execpath), so the same npm runs the commands measured; otherwise the `npm` on the PATH.
 */
export function npmRun(script: string, cwd: string, args: readonly string[] = []): Command {
  const npmCli = process.env.npm_execpath;
  const tail = ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])];
  return npmCli ? { program: process.execPath, args: [npmCli, ...tail], cwd } : { program: 'npm', args: tail, cwd };
}

/**
 * Runs `command` to completion, output discarded (but its end kept for the message when it fails), and
 * measures it.
 * @throws Error with the command's output when it exits with a code other than 0
 */
export async function measure(command: Command): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'stagecraft-rss-'));
  const rssFile = join(dir, 'rss');
  try {
    const nodeOptions = [process.env.NODE_OPTIONS, `--import=${RSS_PROBE}`].filter(Boolean).join(' ');
    const env = { ...process.env, ...command.env, NODE_OPTIONS: nodeOptions, STAGECRAFT_BENCH_RSS_FILE: rssFile };
    const start = process.hrtime.bigint();
    const { code, output } = await run(command, env);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (code !== 0)
      throw new Error(`${[command.program, ...command.args].join(' ')} (in ${command.cwd}) exited with ${code}:\n${output.slice(-4000)}`);
    return { seconds, peakRss: peakRss(rssFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(command: Command, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command.program, command.args, { cwd: command.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // only the end of the output is kept (for the message of a failure): the measurement should
    // not include joining and decoding the tens of megabytes a report can be
    const chunks: Buffer[] = [];
    let kept = 0;
    const keep = (c: Buffer) => {
      chunks.push(c);
      kept += c.length;
      while (kept - chunks[0].length >= OUTPUT_KEPT) kept -= chunks.shift()!.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

function peakRss(file: string): number {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0; // no Node.js process reported (the probe did not load): unknown
  }
  return Math.max(0, ...text.split('\n').filter(Boolean).map(Number));
}
