/**
 * Passes of two checkouts in turns, for the benches that compare this checkout's modules with another's in one process
 * (bench/check-stage.ts, bench/render-stage.ts): each pass takes the next stage file, both checkouts run it (every other
 * pass in the reverse order, so that neither always runs on what the other left), and both must give the same digest.
 */
import { formatTable, ratio, summarize } from './stats.js';

/** What one checkout's pass over one stage file measured: its CPU, and a digest of what it made. */
export interface Measured {
  readonly ms: number;
  readonly digest: string;
}

/**
 * Runs `passes + 1` passes of each checkout (`runs[k]` is the checkout at `roots[k]`) over `sources` in turn and
 * returns the table: the first pass, and the later passes' median and range, with this / that for each other checkout.
 * @throws Error when two checkouts' digests differ in a pass, naming the checkout and the stage file
 */
export function alternate(
  roots: readonly string[],
  runs: readonly ((source: string) => Measured)[],
  sources: readonly string[],
  passes: number,
  differs: string,
): string {
  const samples = runs.map(() => [] as number[]);
  for (let p = 0; p <= passes; p++) {
    const source = sources[p % sources.length]!;
    const order = p % 2 ? [...runs.keys()].reverse() : [...runs.keys()];
    let digest: string | undefined;
    for (const k of order) {
      const pass = runs[k]!(source);
      if (digest !== undefined && pass.digest !== digest) throw new Error(`${roots[k]} ${differs} in ${source}`);
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
  return formatTable(['checkout', 'first pass ms', 'later ms (median)', 'min-max', 'this/that'], rows);
}
