/**
 * Starting a stage worker (lib/cli/stage-workers.ts) on the code the command runs: the command's
 * bundles as lib/cli/run.cjs ran them, with their code caches (lib/cli/bundle-run.cjs), or
 * lib/cli/stage-workers.ts through tsx's loader (node --import tsx, vitest).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';

/**
 * The young generation of a worker's heap, in MiB: V8's default (48 MiB on 64-bit machines) cost
 * about 60 MiB of peak RSS more for a worker compiling two stages of 1,000 apps, and was no faster
 * (bench/README.md). A large `npm run synth` that renders most apps gives the main thread the same
 * (`--max-semi-space-size=4`, lib/cli/run.cjs: a young generation is three semi-spaces).
 */
const WORKER_YOUNG_GENERATION_MB = 12;
/**
 * Where lib/cli/run.cjs ran the command's bundles from, for a worker to run the same
 * (lib/cli/bundle-run.cjs, `forWorkers` and `runInWorker`): with the start flags of the main
 * thread, which name their code caches (the worker takes the launcher's only in `serve`).
 */
interface RanBundles {
  readonly loader: string;
  readonly bundles: { readonly dir: string; readonly name: string; readonly flags: string };
}

/**
 * Starts a worker on the code that runs now (`self`: lib/cli/stage-workers.ts's URL at run time, the
 * bundle's inside it; `input`, its workerData): the command's bundles as lib/cli/run.cjs ran them,
 * with their code caches (loading the bundle file as Node.js does compiled every function the
 * worker ran again: 0.15-0.4 s of a cold fleet's worker), or `self` through tsx.
 */
export function startWorker(self: string, input: unknown, transfer: MessagePort[]): Worker {
  const options = { workerData: input, transferList: transfer, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (!self.endsWith('.ts')) {
    const ran = (globalThis as { [key: symbol]: RanBundles | undefined })[Symbol.for('stagecraft.bundles')];
    const file = fileURLToPath(self);
    if (ran?.bundles && join(ran.bundles.dir, `${ran.bundles.name}.cjs`) === file) {
      // the runtime flags to undo around each compilation are the ones the worker takes (input.flags)
      const code = `require(${JSON.stringify(ran.loader)}).runInWorker(${JSON.stringify(ran.bundles)}, require('node:worker_threads').workerData.flags, () => require(${JSON.stringify(file)}));\n`;
      return new Worker(code, { ...options, eval: true });
    }
    return new Worker(new URL(self), options);
  }
  // TypeScript (node --import tsx, vitest): tsx's loader, registered in the worker, loads `self`
  const code = `const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});\nregister();\nawait import(${JSON.stringify(self)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), options);
}
