/**
 * The render of a stage (`renderStage`, lib/synth/render.ts) measured in this process, on one thread, as a cold
 * synthesis runs it: a render cache that has nothing, so every app is built, resolved, transformed and serialized
 * for its files and its entry. The passes take the project's fleet stages in turn (dev, test, qa, production:
 * bench/fleet.ts' order), as a thread takes a synthesis's stages. Times are the thread's CPU (bench/thread-time.ts,
 * which other processes on the machine do not inflate), the collections the thread does itself included: the
 * young generation's survivors of a render are part of what it costs. Given another checkout, its own modules render
 * the same stage in turns with this one's (every other pass in the reverse order), and both must write the same
 * bytes in each pass (compared by a digest of every chart's documents); the last column is this / that. The
 * first pass of each includes compiling its code: compare later passes.
 *
 * Run it under the synthesis's V8 flags and young generation (lib/cli/run.cjs `SYNTH_FLAGS`, `HEAP_FLAG`):
 * `node --interrupt-budget=1000000 --always-sparkplug --no-turbo-inlining --max-semi-space-size=4 --import tsx bench/render-stage.ts <project dir> [<passes> [<another checkout>]]`
 * (default 9 passes; a fleet made by bench/fleet.ts). Not part of `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fleetStageSources } from './fleet.js';
import { alternate, type Measured } from './alternating.js';
import { threadNanoseconds } from './thread-time.js';

const [dir, passes, against] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write(
    'usage: node <SYNTH_FLAGS> <HEAP_FLAG> --import tsx bench/render-stage.ts <project dir> [<passes> [<another checkout>]]\n',
  );
  process.exit(2);
}
const project = resolve(dir);
const sources = fleetStageSources(project);

/** One pass of a checkout: the stage file `source` loaded (not timed), then rendered; its CPU and a digest of its bytes. */
type Pass = (source: string) => Measured;

/** The passes of the checkout at `root`, with its own modules. */
async function checkoutPasses(root: string): Promise<Pass> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const { STACKS } = await load('apps/index.ts');
  const { COMPILER_VERSION, stageLoader } = await load('lib/cli/project.ts');
  const { renderStage } = await load('lib/synth/render.ts');
  const loader = stageLoader();
  return (source) => {
    const loaded = loader.load(readFileSync(join(project, source), 'utf8'), source);
    const start = threadNanoseconds();
    const r = renderStage(loaded, STACKS, COMPILER_VERSION, { cache: { get: () => undefined, set: () => undefined } });
    const ms = (threadNanoseconds() - start) / 1e6;
    const hash = createHash('sha256');
    for (const c of r.charts as { name: string; serialized?: { stream: string; digests: string[] } }[])
      hash.update(`${c.name}\n${c.serialized?.stream ?? ''}\n${c.serialized?.digests.join(' ') ?? ''}\n`);
    return { ms, digest: hash.digest('hex') };
  };
}

const roots = [resolve(import.meta.dirname, '..'), ...(against === undefined ? [] : [resolve(against)])];
const checkouts = await Promise.all(roots.map(checkoutPasses));
process.stdout.write(`${project}: ${sources.join(', ')} in turn, rendered cold; the same bytes in every pass\n`);
process.stdout.write(alternate(roots, checkouts, sources, Number(passes ?? 9), 'wrote other bytes'));
