/**
 * One checkout's passes over a project's stages for bench/check-stage.ts: each pass renders its stage afresh (not timed), as a
 * cold synthesis renders each of its stages, then times `checkStage` (lib/checks/stage.ts) over it. Fresh objects each pass are
 * what make the pass pay what a cold stage pays: the secret screen keeps its strings per object (`secretStrings`' WeakMap), so a
 * pass over objects already checked would find them all answered and measure no screen at all. The verdicts by text
 * (lib/model/secret-rules.ts) are kept per thread, as in a synthesis: a thread's later stages find its earlier ones' texts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadNanoseconds } from './thread-time.js';

/** What one pass measured: the thread's CPU in `checkStage`, a digest of what it found and kept, and the objects it checked. */
export interface PassResult {
  readonly ms: number;
  readonly digest: string;
  readonly objects: readonly unknown[];
}

/** One checkout's pass over the stage file `source` (relative to `project`): rendered afresh, then checked and timed. */
export type Pass = (source: string) => PassResult;

/** The passes of the checkout at `root` (its own modules) over the stage files of `project`. */
export async function checkoutPasses(root: string, project: string): Promise<Pass> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const { STACKS } = await load('apps/index.ts');
  const { COMPILER_VERSION, stageLoader } = await load('lib/cli/project.ts');
  const { renderStage } = await load('lib/synth/render.ts');
  const { checkStage } = await load('lib/checks/stage.ts');
  const loader = stageLoader();
  return (source) => {
    const loaded = loader.load(readFileSync(join(project, source), 'utf8'), source);
    // a cache that has nothing: every app rendered now, serialized for its files and its entry
    const r = renderStage(loaded, STACKS, COMPILER_VERSION, { cache: { get: () => undefined, set: () => undefined } });
    const start = threadNanoseconds();
    const checked = checkStage(r, {});
    const ms = (threadNanoseconds() - start) / 1e6;
    const found = checked.findings.map((f: { code: string; message: string; path: unknown }) => [f.code, f.message, f.path]);
    const kept = [...(checked.kept as Map<string, { results: unknown; references?: unknown }>)].map(([app, k]) => [
      app,
      k.results,
      k.references,
    ]);
    const objects = (r.charts as { objects: readonly unknown[] }[]).flatMap((c) => c.objects);
    return {
      ms,
      digest: createHash('sha256')
        .update(JSON.stringify([found, kept]))
        .digest('hex'),
      objects,
    };
  };
}
