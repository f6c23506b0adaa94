/**
 * How the benchmark's rows are measured: a command run several times in a row (`repeat`), or
 * several commands in rounds, one run of each per round (`interleaved`), with the median of the
 * ratios of two rows taken side by side (`pairedRatio`). Every run is a new process (bench/process.ts).
 */
import { measure, type Command, type Measurement } from './process.js';
import { seconds, summarize, type Row } from './stats.js';

export interface RepeatOptions {
  /** Whether to run the command once, unmeasured, first. */
  readonly warmUp: boolean;
  /** Called before each run. */
  readonly before?: () => void;
  /**
   * Whether to wait until the files the last command wrote are older than the 2 s within which no
   * command believes a file's stamp (lib/cli/digests.ts): a check run seconds after a synth, as
   * users run it, keeps their digests and reads them no more. Without the wait, every run of a
   * check measured right after a synth reads all of them again.
   */
  readonly settled?: boolean;
}

/** Longer than the margin within which no command believes a file's stamp (MTIME_MARGIN_MS, lib/cli/digests.ts). */
export const SETTLE_MS = 2100;

/** A row of `samples`, announced on stderr as it is done. */
function sampledRow(name: string, objects: number, samples: readonly Measurement[]): Row {
  const time = summarize(samples.map((s) => s.seconds));
  const peakRss = summarize(samples.map((s) => s.peakRss));
  process.stderr.write(`  ${name}: ${seconds(time.median)}\n`);
  return { name, objects, seconds: time, peakRss, objectsPerSecond: objects / time.median };
}

/**
 * Measures `command` `runs` times. Every run is a new process; the warm-up fills the file cache
 * and lib/cli/run.cjs's bundle cache, so one per command (on the committed stages) is enough.
 */
export async function repeat(
  name: string,
  objects: number,
  command: Command,
  runs: number,
  { warmUp, before = () => {}, settled = false }: RepeatOptions,
): Promise<Row> {
  if (settled) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  if (warmUp) {
    before();
    await measure(command);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    before();
    samples.push(await measure(command));
  }
  return sampledRow(name, objects, samples);
}

/** A command to measure among others, with what to do before each of its runs. */
export interface Contender {
  readonly name: string;
  readonly command: Command;
  readonly before: () => void;
}

/**
 * Measures `contenders` in rounds, one run of each per round, `runs` rounds: a moment the machine
 * is slow (its speed varies by half within an hour) falls on all of them alike, and the i-th
 * samples of two rows were taken side by side (`pairedRatio`). Every other round runs them in the
 * reverse order: run A then B, the second of a pair took up to about 70 ms more of a 0.8 s synth
 * on the 2-core machine (bench/README.md). No warm-up.
 */
export async function interleaved(contenders: readonly Contender[], objects: number, runs: number): Promise<Row[]> {
  const samples: Measurement[][] = contenders.map(() => []);
  for (let i = 0; i < runs; i++) {
    const order = [...contenders.entries()];
    for (const [j, { command, before }] of i % 2 === 0 ? order : order.reverse()) {
      before();
      samples[j].push(await measure(command));
    }
  }
  return contenders.map(({ name }, j) => sampledRow(name, objects, samples[j]));
}

/** The median of the ratios of `a`'s samples to `b`'s taken side by side (rows of one `interleaved`). */
export function pairedRatio(a: Row, b: Row): number {
  return summarize(a.seconds.samples.map((s, i) => s / b.seconds.samples[i])).median;
}
