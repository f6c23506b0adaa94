/**
 * A stage worker's side of lib/cli/stage-workers.ts: what the main thread and its workers share (the
 * worker's input, its messages, the slots of the shared counter) and what a worker does, which is to
 * take stages from the counter until none is left, compile each, stage its files and send what the
 * main thread needs. A worker loads lib/cli/stage-workers.ts (its URL, the bundle's at run time),
 * which imports this module: the worker starts serving once every module has been evaluated.
 */
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { compileStage, type StageEnvironment, type StageOutcome } from '../compile.js';
import { type ExitCode, ProblemsError, type Problem } from '../errors.js';
import { isFsError } from '../fs-problems.js';
import { adoptRuntimeFlags, type RuntimeFlag } from '../model/runtime-flags.js';
import { adoptLauncherFlags } from '../model/launcher-flags.cjs';
import { useValidatorStore } from '../model/validator-code.js';
import { outputReader, readProjectSource } from './read-file.js';
import { diskStageEntries } from './stage-entries.js';
import { workerRenderCache, type SharedRenderCache, type TakenEntries, type WorkerRenderCache } from './render-cache.js';
import { diskValidatorStore } from './validator-store.js';
import { stageOutcome, withoutObjects, type OutputTarget, type StagedOutcome } from './staging.js';
import { CRASH_ENV } from '../synth/write.js';
import { inMemoryTree } from '../synth/file-content.js';

/** Marks the workerData of a stage worker, so that loading the bundle in a worker starts one. */
export const MARK = 'stagecraftStageWorker';
/**
 * The build id of the bundle that runs in this thread, set by its second line (`buildMark`,
 * lib/cli/run.cjs); undefined from the TypeScript sources (tsx, vitest).
 */
export const bundleBuild = (): unknown => (globalThis as Record<symbol, unknown>)[Symbol.for('stagecraft.build')];

/**
 * Slots of the shared counter: the next stage to take, messages posted, workers that ended
 * mid-stage, whether the main thread stopped waiting for workers, workers staging files now.
 */
export const NEXT = 0;
export const POSTED = 1;
export const DIED = 2;
export const STOPPED = 3;
export const STAGING = 4;
export const SLOTS = 5;

export interface WorkerInput {
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

export type WorkerMessage =
  | { readonly index: number; readonly outcome: StageOutcome; readonly taken?: TakenEntries }
  | { readonly index: number; readonly staged: StagedOutcome; readonly taken?: TakenEntries }
  | { readonly index: number; readonly error: WorkerError };

/**
 * An error thrown in a worker, as plain data: its message and stack, a file-system error's code,
 * system call and path, and the problems of a ProblemsError (a file the worker could not stage:
 * lib/fs-problems.ts), so that the main thread reports a disk that is full or a file it may not
 * write as the command would, not as a bug.
 */
export interface WorkerError {
  readonly message: string;
  readonly stack?: string;
  readonly fs?: { readonly code: string; readonly errno?: number; readonly syscall?: string; readonly path?: string };
  readonly problems?: { readonly list: readonly Problem[]; readonly exitCode: ExitCode };
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
