/**
 * Summaries of repeated measurements and the table that prints them. Pure.
 */

/** Median, minimum and maximum of a set of samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

/** The median (mean of the middle two for an even count), minimum and maximum of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('cannot summarize no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

/** Seconds as people read them: `0.84 s`, `12.3 s`. */
export function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}

/** A time range `0.81-0.90 s`. */
export function secondsRange(s: Summary): string {
  const digits = s.max < 10 ? 2 : 1;
  return `${s.min.toFixed(digits)}-${s.max.toFixed(digits)} s`;
}

/** Bytes in MiB, whole. */
export function mebibytes(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** An integer with thousands separators: `30,017`. */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A ratio `x1.23`. */
export function ratio(r: number): string {
  return `x${r.toFixed(2)}`;
}

/** A plain-text table: a header row, a rule, then the rows, each column padded to its widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** One measurement: a line of the table and of the JSON. */
export interface Row {
  readonly name: string;
  /** What it handled: objects (or, for stage files, apps). */
  readonly objects: number;
  readonly seconds: Summary;
  readonly peakRss?: Summary;
  /** Objects per second, from the median time. */
  readonly objectsPerSecond?: number;
}

/** The rows as a table, then a line per ratio; `unit` names what `objects` counts. */
export function rowsTable(rows: readonly Row[], ratioLines: Readonly<Record<string, number>> = {}, unit = 'objects'): string {
  const one = unit.replace(/s$/, '');
  const header = ['measurement', unit, 'median', 'min-max', `per ${one}`, `${unit}/s`, 'peak RSS'];
  const cells = rows.map((r) => [
    r.name,
    count(r.objects),
    seconds(r.seconds.median),
    secondsRange(r.seconds),
    `${((r.seconds.median / r.objects) * 1000).toFixed(3)} ms`,
    r.objectsPerSecond ? count(r.objectsPerSecond) : '',
    r.peakRss ? mebibytes(r.peakRss.median) : '',
  ]);
  return (
    formatTable(header, cells) +
    Object.entries(ratioLines)
      .map(([name, r]) => `${name}: ${ratio(r)}\n`)
      .join('')
  );
}
