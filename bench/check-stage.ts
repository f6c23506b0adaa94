/**
 * The checks of one rendered stage (`checkStage`, lib/checks/stage.ts) measured in this process, on
 * one thread, as a cold synthesis runs them: the project's dev stage rendered once (not timed) with
 * a render cache that has nothing (so every app's objects are serialized, their digests their
 * identities, and the traced checks record their lookups to keep them), then checked again and again.
 * Times are the thread's CPU (/proc/thread-self/schedstat, which other processes on the machine do not
 * inflate; `process.cpuUsage` where there is none), in milliseconds per pass. Given another checkout,
 * its own modules render and check the same stage file, in turns with this one's (every other pass
 * in the reverse order), and both must find the same and keep the same (compared by a digest of
 * their findings and kept results); the last column is this / that. The first pass of each includes
 * compiling its validators and code: compare later passes.
 *
 * Run it under the synthesis's V8 flags (lib/cli/run.cjs `SYNTH_FLAGS`), without which V8 inlines
 * and optimizes what a synthesis runs as baseline code:
 * `node --interrupt-budget=1000000 --always-sparkplug --no-turbo-inlining --import tsx bench/check-stage.ts <project dir> [<passes> [<another checkout>]]`
 * (default 9 passes; a fleet made by bench/fleet.ts). Not part of `npm run bench`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable, ratio, summarize } from './stats.js';
import { threadNanoseconds } from './thread-time.js';

/** One checkout's pass over the stage: its CPU in milliseconds, and a digest of what it found and kept. */
type Pass = () => { ms: number; digest: string };

/** The stage file `stageFile` rendered and checked by the checkout at `root` (its own modules). */
async function checkoutPass(root: string, stageFile: string, source: string): Promise<Pass> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const { STACKS } = await load('apps/index.ts');
  const { COMPILER_VERSION, stageLoader } = await load('lib/cli/project.ts');
  const { renderStage } = await load('lib/synth/render.ts');
  const { checkStage } = await load('lib/checks/stage.ts');
  const loaded = stageLoader().load(readFileSync(stageFile, 'utf8'), source);
  // a cache that has nothing: every app rendered now, serialized for its files and its entry
  const r = renderStage(loaded, STACKS, COMPILER_VERSION, { cache: { get: () => undefined, set: () => undefined } });
  return () => {
    const start = threadNanoseconds();
    const checked = checkStage(r, {});
    const ms = (threadNanoseconds() - start) / 1e6;
    const found = checked.findings.map((f: { code: string; message: string; path: unknown }) => [f.code, f.message, f.path]);
    const kept = [...(checked.kept as Map<string, { results: unknown; references?: unknown }>)].map(([app, k]) => [
      app,
      k.results,
      k.references,
    ]);
    return {
      ms,
      digest: createHash('sha256')
        .update(JSON.stringify([found, kept]))
        .digest('hex'),
    };
  };
}

const [dir, passes, against] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node <SYNTH_FLAGS> --import tsx bench/check-stage.ts <project dir> [<passes> [<another checkout>]]\n');
  process.exit(2);
}
const source = join('environments', 'dev.yaml');
const stageFile = join(resolve(dir), source);
const roots = [resolve(import.meta.dirname, '..'), ...(against === undefined ? [] : [resolve(against)])];
const checkouts = await Promise.all(roots.map((root) => checkoutPass(root, stageFile, source)));
const samples = checkouts.map(() => [] as number[]);
let digest: string | undefined;
for (let p = 0; p <= Number(passes ?? 9); p++) {
  const order = p % 2 ? [...checkouts.keys()].reverse() : [...checkouts.keys()];
  for (const k of order) {
    const pass = checkouts[k]!();
    if (digest !== undefined && pass.digest !== digest) throw new Error(`${roots[k]} found or kept something else`);
    digest = pass.digest;
    samples[k]!.push(pass.ms);
  }
}
const later = samples.map((s) => summarize(s.slice(1)));
const rows = roots.map((root, k) => [
  root,
  samples[k]![0]!.toFixed(0),
  later[k]!.median.toFixed(0),
  `${later[k]!.min.toFixed(0)}-${later[k]!.max.toFixed(0)}`,
  k === 0 ? '' : ratio(later[0]!.median / later[k]!.median),
]);
process.stdout.write(`${stageFile}: the same findings and kept results in every pass (${digest!.slice(0, 16)})\n`);
process.stdout.write(formatTable(['checkout', 'first pass ms', 'later ms (median)', 'min-max', 'this/that'], rows));
