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
 * file through tsx's loader. The module does nothing on import in the main thread.
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
import { MessageChannel, type Worker, isMainThread, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { compileStage, inSequence, type StageEnvironment, type StageOutcome, type StageRunner, type StageSource } from '../compile.js';
import { type ExitCode, ProblemsError, type Problem } from '../errors.js';
import { isFsError } from '../fs-problems.js';
import { adoptRuntimeFlags, givenAtStart, runtimeFlags, setRuntimeFlag, type RuntimeFlag } from '../model/runtime-flags.js';
import { adoptLauncherFlags, launcherFlags } from '../model/launcher-flags.cjs';
import { useValidatorStore } from '../model/validator-code.js';
import { outputReader, readProjectSource } from './read-file.js';
import { diskStageEntries } from './stage-entries.js';
import {
  workerRenderCache,
  type DiskRenderCache,
  type SharedRenderCache,
  type TakenEntries,
  type WorkerRenderCache,
} from './render-cache.js';
import { diskValidatorStore } from './validator-store.js';
import { MIN_WORKER_BYTES, workerPlan } from './worker-plan.js';
import { startWorker } from './worker-start.js';
import { stageOutcome, withoutObjects, type OutputTarget, type StagedOutcome, type StagingOutput } from './staging.js';
import { CRASH_ENV } from '../synth/write.js';
import { inMemoryTree } from '../synth/file-content.js';
import { roomFreedFor } from '../synth/full-disk.js';

/** Marks the workerData of a stage worker, so that loading the bundle in a worker starts one. */
const MARK = 'stagecraftStageWorker';
/**
 * The build id of the bundle that runs in this thread, set by its second line (`buildMark`,
 * lib/cli/run.cjs); undefined from the TypeScript sources (tsx, vitest).
 */
const bundleBuild = (): unknown => (globalThis as Record<symbol, unknown>)[Symbol.for('stagecraft.build')];

/**
 * How long the main thread waits for a message from the workers before it compiles every stage
 * whose outcome has not arrived: workers that failed to start, or one that died without a word
 * (out of memory) while compiling a stage, must never leave the command waiting. A worker that
 * ends while it compiles a stage (`process.exit` in a stack, say) says so (DIED), and its stage is
 * compiled at once. A late outcome is the same one.
 */
const NO_WORKER_MS = 60_000;
/**
 * Slots of the shared counter: the next stage to take, messages posted, workers that ended
 * mid-stage, whether the main thread stopped waiting for workers, workers staging files now.
 */
const NEXT = 0;
const POSTED = 1;
const DIED = 2;
const STOPPED = 3;
const STAGING = 4;
const SLOTS = 5;

interface WorkerInput {
  readonly [MARK]: true;
  /** The main thread's `bundleBuild()`: a worker that loaded another build (the bundle file replaced since) serves nothing. */
  readonly build: unknown;
  readonly root: string;
  readonly sources: readonly { readonly stage: string; readonly file: string; readonly text: string }[];
  /** The indices of `sources` in the order threads take them (`takeOrder`): the shared counter counts places in it. */
  readonly order: readonly number[];
  /** What every stage is compiled with (plain data), but the render cache, which the worker opens from `cache`. */
  readonly env: Omit<StageEnvironment, 'cache'>;
  readonly cache?: SharedRenderCache;
  /** Output in progress: the worker stages each stage's files itself and sends what `adopt` takes. */
  readonly output?: OutputTarget;
  /** Without output: whether to send each stage's objects (false: `withoutObjects`). */
  readonly objects: boolean;
  readonly counter: SharedArrayBuffer;
  readonly port: MessagePort;
  /** The V8 flags the main thread set, which the worker's code caches are compiled without (lib/model/runtime-flags.ts). */
  readonly flags: readonly RuntimeFlag[];
  /** The flags lib/cli/run.cjs set at the start, which name the code caches (lib/model/launcher-flags.cjs). */
  readonly launcherFlags: readonly string[];
}

type WorkerMessage =
  | { readonly index: number; readonly outcome: StageOutcome; readonly taken?: TakenEntries }
  | { readonly index: number; readonly staged: StagedOutcome; readonly taken?: TakenEntries }
  | { readonly index: number; readonly error: WorkerError };

/**
 * An error thrown in a worker, as plain data: its message and stack, a file-system error's code,
 * system call and path, and the problems of a ProblemsError (a file the worker could not stage:
 * lib/fs-problems.ts), so that the main thread reports a disk that is full or a file it may not
 * write as the command would, not as a bug.
 */
interface WorkerError {
  readonly message: string;
  readonly stack?: string;
  readonly fs?: { readonly code: string; readonly errno?: number; readonly syscall?: string; readonly path?: string };
  readonly problems?: { readonly list: readonly Problem[]; readonly exitCode: ExitCode };
}

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

/**
 * Stages `outcome`'s files, unless the main thread stopped waiting for workers (`stop` in
 * `stageWorkers`): it then waits until no worker stages files, hence the count before the check.
 */
function stageUnlessStopped(counter: Int32Array, target: OutputTarget, outcome: StageOutcome): StagedOutcome | undefined {
  Atomics.add(counter, STAGING, 1);
  try {
    return Atomics.load(counter, STOPPED) === 0 ? stageOutcome(target, outcome) : undefined;
  } finally {
    Atomics.sub(counter, STAGING, 1);
    Atomics.notify(counter, STAGING);
  }
}

/**
 * Compiles stage `i`, stages its files and sends the main thread the message it returns
 * (undefined when the main thread stopped waiting for workers: nothing is sent). A function of its
 * own so that the stage's outcome, with its objects and files, is garbage once it returns: as a
 * local of the loop in `serve`, it stayed referenced from the worker's frame while the worker
 * compiled its next stage (15 MiB of YAML for a stage of 1,000 apps).
 */
function serveStage(input: WorkerInput, i: number, counter: Int32Array, cache?: WorkerRenderCache): WorkerMessage | undefined {
  let message: WorkerMessage;
  try {
    if (process.env[CRASH_ENV] === `worker-throw-${input.sources[i].stage}`) throw new Error(`${CRASH_ENV}: a bug in a worker`);
    const env = { ...input.env, cache };
    const source = input.sources[i];
    const readSource = (path: string) => readProjectSource(input.root, path);
    const entries = diskStageEntries(input.root, source.stage);
    const outcome = compileStage({ ...source, readSource, readOutput: outputReader(input.root, source.stage), entries }, env);
    // the files' documents from the render cache are read from its packs until `take` closes them
    if (!input.output) {
      const sent = input.objects ? outcome : withoutObjects(outcome);
      const files = sent.files && inMemoryTree(sent.files);
      message = { index: i, outcome: files ? { ...sent, files } : sent, taken: cache?.take() };
    } else {
      const staged = stageUnlessStopped(counter, input.output, outcome);
      const taken = cache?.take();
      // the main thread compiles this stage itself, or the command failed: nothing more to do
      if (!staged) return undefined;
      message = { index: i, staged, taken };
    }
    input.port.postMessage(message);
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const fs = isFsError(e) ? { code: e.code, errno: e.errno, syscall: e.syscall, path: e.path } : undefined;
    const problems = e instanceof ProblemsError ? { list: e.problems, exitCode: e.exitCode } : undefined;
    message = { index: i, error: { message: error.message, stack: error.stack, ...(fs ? { fs } : {}), ...(problems ? { problems } : {}) } };
    input.port.postMessage(message);
  }
  return message;
}

/** The worker's side: takes stages from the counter until none is left, sending each outcome. */
function serve(input: WorkerInput): void {
  // the validators compiled once and kept (lib/cli/validator-store.ts), as the main thread uses them,
  // their code caches named for the same flags
  adoptLauncherFlags(input.launcherFlags);
  useValidatorStore(diskValidatorStore());
  adoptRuntimeFlags(input.flags);
  const counter = new Int32Array(input.counter);
  const cache = input.cache ? workerRenderCache(input.cache) : undefined;
  /** The stage this worker compiles and has not sent yet. */
  let compiling: number | undefined;
  // ended while compiling a stage (process.exit in a stack's code): the main thread takes it over now
  process.on('exit', () => {
    if (compiling === undefined) return;
    Atomics.add(counter, DIED, 1);
    Atomics.add(counter, POSTED, 1);
    Atomics.notify(counter, POSTED);
  });
  for (let n = Atomics.add(counter, NEXT, 1); n < input.sources.length; n = Atomics.add(counter, NEXT, 1)) {
    const i = input.order[n];
    compiling = i;
    // for tests: this worker ends, or fails as a bug would, while it compiles the stage named
    if (process.env[CRASH_ENV] === `worker-exit-${input.sources[i].stage}`) process.exit(1);
    const message = serveStage(input, i, counter, cache);
    compiling = undefined;
    if (!message) break;
    Atomics.add(counter, POSTED, 1);
    Atomics.notify(counter, POSTED);
    if ('error' in message) break;
  }
  input.port.close();
}

// in a worker started by stageWorkers: serve, once every module of the bundle has been evaluated
if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.[MARK]) {
  const input = workerData as WorkerInput;
  if (input.build === bundleBuild()) setImmediate(() => serve(input));
  else {
    // the bundle file was replaced after the main thread ran it (by another start of this checkout,
    // which built it again after a source changed: another checkout's starts never write this
    // checkout's bundles, lib/cli/root-cache.cjs): this thread takes no stage, and the main thread
    // compiles them at once
    const counter = new Int32Array(input.counter);
    Atomics.add(counter, DIED, 1);
    Atomics.add(counter, POSTED, 1);
    Atomics.notify(counter, POSTED);
  }
}
