/**
 * How many worker threads compile a command's stages (lib/cli/stage-workers.ts): `STAGECRAFT_WORKERS`
 * when set; else one per other core that other processes leave idle, measured from the machine's
 * idle time since the command started, when there are two stages or more and enough work.
 */
import { availableParallelism, cpus } from 'node:os';
import type { StageSource } from '../compile.js';
import { ProblemsError } from '../errors.js';

/** The environment variable that sets the number of workers (each value: lib/cli/stage-workers.ts). */
export const WORKERS_ENV = 'STAGECRAFT_WORKERS';
/**
 * Below this many bytes of stage files in all, no worker: starting one (loading the modules,
 * compiling the validators) takes about 1 s of CPU, more than compiling 100 apps.
 */
export const MIN_WORKER_BYTES = 100 * 1024;

/** The machine's idle time over every core and this process's own CPU time, in ms, and when. */
export interface CpuSample {
  readonly at: number;
  readonly idle: number;
  readonly own: number;
}

function cpuSample(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { at: nowMs(), idle: cpus().reduce((n, c) => n + c.times.idle, 0), own: (user + system) / 1000 };
}

/** A monotonic clock in ms: `performance.now()` would load perf_hooks (3 ms) when the command's modules load. */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Taken when the command's modules load, so that `busyElsewhere` sees the command's start-up. */
const STARTED = cpuSample();
/** The shortest time to tell busy cores from idle ones by: the kernel counts in ticks of 10 ms. */
const MIN_SAMPLE_MS = 50;

/** How many cores other processes kept busy between two samples, on average: the machine's busy time less this process's own. */
export function busyElsewhere(from: CpuSample, to: CpuSample, cores = availableParallelism()): number {
  const ms = Math.max(1, to.at - from.at);
  return Math.max(0, cores - (to.idle - from.idle) / ms - (to.own - from.own) / ms);
}

/** What other processes kept busy since the command started (waiting, when it started moments ago, until there is enough to tell). */
function busyNow(): number {
  const short = MIN_SAMPLE_MS - (nowMs() - STARTED.at);
  if (short > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, short);
  return busyElsewhere(STARTED, cpuSample());
}

/**
 * How many workers to start for `sources`, and whether the main thread compiles stages too.
 * Automatically, only cores that are idle help (`cores` less what other processes keep `busy`,
 * measured since the command started): on a machine whose cores are all busy a worker adds the
 * cost of its start-up and of its own heap, and saves nothing (bench/README.md).
 */
export function workerPlan(sources: readonly StageSource[], setting: string | undefined, cores = availableParallelism(), busy?: number) {
  if (setting !== undefined && setting !== '') {
    const n = Number(setting);
    if (!Number.isInteger(n) || n < 0) {
      throw new ProblemsError([
        {
          code: 'cli/option',
          message: `${WORKERS_ENV} takes a whole number >= 0 (found '${setting}')`,
          hint: `unset it to use idle cores, set ${WORKERS_ENV}=0 for one thread, or ${WORKERS_ENV}=<n> for n worker threads`,
        },
      ]);
    }
    return { workers: Math.min(n, sources.length), mainTakesStages: n === 0 };
  }
  const bytes = sources.reduce((sum, s) => sum + s.text.length, 0);
  if (sources.length < 2 || bytes < MIN_WORKER_BYTES || cores < 2) return { workers: 0, mainTakesStages: true };
  // the cores beyond the main thread's that others leave idle; one at least half idle counts
  const spare = Math.floor(cores - 1 - (busy ?? busyNow()) + 0.5);
  return { workers: Math.max(0, Math.min(cores - 1, spare, sources.length - 1)), mainTakesStages: true };
}
