/**
 * Compiling stages on more than one core (issue 19): the stages of a project are independent
 * until `compileStages` merges them, so worker threads take stages from a shared counter and send
 * each stage's outcome back as plain data; `compileStages` merges the outcomes in the order of
 * the stage files, so the output is the same bytes whichever thread compiled which stage.
 *
 * Commands are synchronous, so the main thread waits for the workers without an event loop:
 * `Atomics.wait` on a shared counter the workers bump after each message, and
 * `receiveMessageOnPort`. Problems of a stage travel inside its outcome, exactly as found; any
 * other error in a worker is thrown again in the main thread with the worker's message and stack.
 *
 * A worker runs the same code as the command: under the bundle of lib/cli/run.cjs it loads that
 * bundle (this module's own URL at run time), under `node --import tsx` or vitest this TypeScript
 * file through tsx's loader; what it does there is lib/cli/worker-serve.ts, which this module
 * imports. Neither module does anything on import in the main thread.
 *
 * `STAGECRAFT_WORKERS` (lib/cli/worker-plan.ts): unset, the main thread compiles stages and a
 * worker per other idle core helps it when there are at least two stages and enough work
 * (MIN_WORKER_BYTES of stage files); `0`: no worker; `n` > 0: n workers compile every stage while
 * the main thread waits (for tests: every stage goes through a worker).
 *
 * Output: while a command writes dist/, a worker stages the files of each stage it compiles into
 * the write transaction itself (lib/cli/staging.ts) and sends back only what the reports need,
 * not the stage's files and objects. Render cache: a worker writes the entries of each stage it
 * compiles into a pack of their own in the main thread's staging directory, handed back with the
 * stage's outcome (lib/cli/render-cache.ts).
 *
 * Threads take the stages largest first (`takeOrder`): a thread that takes a large stage last keeps
 * working alone long after the others have ended, and small stages taken last fill the ends.
 *
 * Why threads take whole stages, not one kind of work each (one rendering, the other checking): each
 * thread then warms V8's code for every step, but that warm-up is small. In one cold run in one
 * thread at the synthesis's interrupt budget, a 1,000-app stage's rendering took 982, 941, 906 and
 * 869 ms of the thread's CPU, and its checks 933, 818, 737 and 810 ms, stage after stage: of a
 * 1,000 x 4 fleet's rendering and checks on two threads, each thread one kind would save about 0.35 s of
 * CPU. Handing a stage's 15,001 objects to the other thread costs about as much: 95-130 ms of CPU as
 * JSON (stringify and parse), 200-270 ms with v8.serialize or structuredClone; and the checking
 * thread would wait for the first stage's rendering, the rendering one for the last stage's checks.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { inSequence, type StageOutcome, type StageRunner, type StageSource } from '../compile.js';
import { ProblemsError } from '../errors.js';
import { givenAtStart, runtimeFlags, setRuntimeFlag } from '../model/runtime-flags.js';
import { launcherFlags } from '../model/launcher-flags.cjs';
import type { DiskRenderCache } from './render-cache.js';
import { MIN_WORKER_BYTES, workerPlan } from './worker-plan.js';
import { startWorker } from './worker-start.js';
import { DIED, MARK, NEXT, POSTED, SLOTS, STAGING, STOPPED, bundleBuild, type WorkerInput, type WorkerMessage } from './worker-serve.js';
import type { StagingOutput } from './staging.js';
import { roomFreedFor } from '../synth/full-disk.js';

/**
 * How long the main thread waits for a message from the workers before it compiles every stage
 * whose outcome has not arrived: workers that failed to start, or one that died without a word
 * (out of memory) while compiling a stage, must never leave the command waiting. A worker that
 * ends while it compiles a stage (`process.exit` in a stack, say) says so (DIED), and its stage is
 * compiled at once. A late outcome is the same one.
 */
const NO_WORKER_MS = 60_000;

export interface StageWorkersOptions {
  /** The project's root: workers read the files apps include from there. */
  readonly root: string;
  /** The render cache of the main thread: workers read it and stage their entries for its flush. */
  readonly cache?: DiskRenderCache;
  /** Output in progress: workers stage the files of their stages into it (lib/cli/staging.ts). */
  readonly output?: StagingOutput;
  /** Without output, false when the caller needs no stage's objects: workers send none. @default true */
  readonly objects?: boolean;
  /** `STAGECRAFT_WORKERS`. @default - automatic */
  readonly setting?: string;
}

/** A StageRunner that compiles stages in worker threads as `workerPlan` decides. */
export function stageWorkers({ root, cache, output, objects = true, setting }: StageWorkersOptions): StageRunner {
  return (sources, env, compile, arrived) => {
    const plan = workerPlan(sources, setting);
    if (plan.workers === 0) {
      const restoreBudget = optimizeSooner(sources);
      try {
        return inSequence(sources, env, compile, arrived);
      } finally {
        restoreBudget();
      }
    }
    // before the workers start: they take the flags set now (`runtimeFlags`)
    const restoreScavenges = scavengeAlone(plan.workers + (plan.mainTakesStages ? 1 : 0));
    const counter = new Int32Array(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
    const shared = cache?.shared();
    // the main thread's render cache (open packs, functions) is no plain data: each worker opens it from `shared`
    const { cache: _main, ...plainEnv } = env;
    const plain = sources.map(({ stage, file, text, stages }) => ({ stage, file, text, stages }));
    const order = takeOrder(sources);
    const ports: MessagePort[] = [];
    const workers: Worker[] = [];
    const outcomes: (StageOutcome | undefined)[] = new Array(sources.length);
    let stopped = false;
    /**
     * No worker takes a stage or stages files from now on, once those staging files now are done:
     * the main thread may then compile any stage, or remove the staging directory.
     */
    const stop = () => {
      stopped = true;
      Atomics.store(counter, NEXT, sources.length);
      Atomics.store(counter, STOPPED, 1);
      const until = Date.now() + NO_WORKER_MS;
      for (let n = Atomics.load(counter, STAGING); n > 0 && Date.now() < until; n = Atomics.load(counter, STAGING)) {
        Atomics.wait(counter, STAGING, n, until - Date.now());
      }
    };
    try {
      for (let w = 0; w < plan.workers; w++) {
        const { port1, port2 } = new MessageChannel();
        const input: WorkerInput = {
          [MARK]: true,
          build: bundleBuild(),
          root,
          sources: plain,
          order,
          env: plainEnv,
          cache: shared,
          output: output?.target,
          objects,
          counter: counter.buffer as SharedArrayBuffer,
          port: port2,
          flags: runtimeFlags(),
          launcherFlags: launcherFlags(),
        };
        // this module's URL at run time; written so that lib/cli/run.cjs, which writes each source's
        // own path in place of `import.meta.url`, leaves it alone: inside the bundle it is the bundle's
        const { url: self } = import.meta;
        const worker = startWorker(self, input, [port2]);
        // a worker that fails before taking a stage leaves its stages to the others; one that
        // fails while compiling one sends the error (see serve)
        worker.on('error', () => {});
        worker.unref();
        workers.push(worker);
        ports.push(port1);
      }
      if (plan.mainTakesStages) {
        for (let n = Atomics.add(counter, NEXT, 1); n < sources.length; n = Atomics.add(counter, NEXT, 1)) {
          const i = order[n];
          outcomes[i] = arrived(compile(sources[i], i), i);
        }
      }
      // the stages left were taken by workers: wait for each of their outcomes
      let missing = sources.filter((_, i) => outcomes[i] === undefined).length;
      while (missing > 0) {
        const seen = Atomics.load(counter, POSTED);
        let received = false;
        let freed = false;
        for (const port of ports) {
          for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
            received = true;
            const message = m.message as WorkerMessage;
            if ('error' in message) {
              const { problems } = message.error;
              const error = problems
                ? new ProblemsError(problems.list, problems.exitCode)
                : Object.assign(new Error(message.error.message), message.error.fs, { stack: message.error.stack });
              // a worker's full disk: the packs workers handed back are this thread's to give up, and the stage is compiled here
              if (roomFreedFor(error)) {
                freed = true;
                continue;
              }
              throw error;
            }
            if (message.taken) cache?.adopt(message.taken);
            // staged by the worker: what `arrived` (the output's `keep`) would have done, done
            outcomes[message.index] = 'staged' in message ? output!.adopt(message.staged) : arrived(message.outcome, message.index);
            missing--;
          }
        }
        if (received && !freed) continue;
        if (!freed && Atomics.load(counter, DIED) === 0 && Atomics.wait(counter, POSTED, seen, NO_WORKER_MS) !== 'timed-out') continue;
        // a worker ended mid-stage, found the disk full, or no word from any worker for so long: this thread compiles every
        // stage still missing, those no worker took and those a worker took and never finished
        stop();
        sources.forEach((source, i) => {
          if (outcomes[i] === undefined) outcomes[i] = arrived(compile(source, i), i);
        });
        missing = 0;
      }
    } finally {
      // left with an error: workers must not write into the staging directory the caller removes
      if (!stopped && outcomes.includes(undefined)) stop();
      for (const port of ports) port.close();
      for (const worker of workers) void worker.terminate();
      restoreScavenges();
    }
    return outcomes as StageOutcome[];
  };
}

/**
 * The order in which threads take `sources`, as indices: the largest stage file first (its bytes,
 * what the work grows with: lib/cli/worker-plan.ts), stages of one size in the order of their files.
 * Taken in the order of the files, a project whose last stage is its largest (dev and qa of 500 apps,
 * test of 1,000) had one thread compile it alone after the other ended: the longer thread's path
 * was 3.6-3.7 s of CPU against 2.7-2.9 s with the largest taken first (bench/README.md).
 */
export function takeOrder(sources: readonly Pick<StageSource, 'text'>[]): number[] {
  return sources.map((_, i) => i).sort((a, b) => sources[b].text.length - sources[a].text.length || a - b);
}

/** V8's interrupt budget in Node.js 20 (`node --v8-options`). */
const DEFAULT_INTERRUPT_BUDGET = 67584;

/**
 * While stages are compiled in this thread alone and there is enough work (MIN_WORKER_BYTES of
 * stage files), V8's default interrupt budget instead of the one `npm run synth` starts with
 * (the optimizing compiler works on this thread's loops sooner); returns what puts it back.
 */
function optimizeSooner(sources: readonly StageSource[]): () => void {
  // the budget `npm run synth` starts with (lib/cli/run.cjs); one set through NODE_OPTIONS is left as it is
  const started = givenAtStart('interrupt-budget', [...process.execArgv, ...launcherFlags()]);
  const bytes = sources.reduce((sum, s) => sum + s.text.length, 0);
  if (!started || bytes < MIN_WORKER_BYTES) return () => {};
  return setRuntimeFlag({ flag: `--interrupt-budget=${DEFAULT_INTERRUPT_BUDGET}`, undo: started });
}

/**
 * When `threads` compiling threads fill every core, makes each thread collect its young generation
 * alone (`--no-parallel-scavenge`) until the returned function puts V8's default back, unless
 * Node.js was started with a choice of its own. Helpers that take a scavenge's work take a core
 * from the other thread and wait for each other: on two cores, V8's platform threads used 1.3-1.5 s
 * of CPU instead of 2.0-2.2 s for a cold 1,000 x 4 fleet, and 15 of 18 alternating rounds were
 * faster (bench/README.md). With a core to spare (one thread, or more cores than threads) they help.
 */
export function scavengeAlone(
  threads: number,
  cores = availableParallelism(),
  /** @default - the process's (`givenAtStart`) */
  startArgs?: readonly string[],
  /** @default - V8's (setRuntimeFlag's default) */
  setFlags?: (flag: string) => void,
): () => void {
  if (threads < cores || givenAtStart('parallel-scavenge', startArgs)) return () => {};
  return setRuntimeFlag({ flag: '--no-parallel-scavenge', undo: '--parallel-scavenge' }, setFlags);
}
