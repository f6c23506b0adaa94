/**
 * The ratios `npm run bench` prints under its table, worked out from the rows of one run: the plain
 * cdk8s path against ours, the cold fleet against its floor, the warm rows against the cold, and
 * growth from the second-largest fleet to the largest.
 */
import type { Options } from './args.js';
import { pairedRatio } from './rounds.js';
import { count, type Row } from './stats.js';

/** Ratios between rows of this run: the plain path against ours, and growth from the second-largest fleet to the largest. */
export function ratios(rows: readonly Row[], options: Options): Record<string, number> {
  const find = (name: string) => rows.find((r) => r.name === name);
  const out: Record<string, number> = {};
  const synth = find('committed stages: npm run synth');
  const plain = find('committed stages: plain cdk8s (ts-node)');
  if (synth && plain) out['plain cdk8s (ts-node) / npm run synth, committed stages'] = plain.seconds.median / synth.seconds.median;
  const [small, large] = [...options.sizes].sort((a, b) => a - b).slice(-2);
  const a = large !== undefined ? find(`fleet ${small} x ${options.stages}: npm run synth, cold (no dist/)`) : undefined;
  const b = large !== undefined ? find(`fleet ${large} x ${options.stages}: npm run synth, cold (no dist/)`) : undefined;
  for (const apps of options.sizes) {
    const label = `fleet ${count(apps)} x ${options.stages}`;
    const coldSynth = find(`fleet ${apps} x ${options.stages}: npm run synth, cold (no dist/)`);
    const floor = find(`fleet ${apps} x ${options.stages}: raw cdk8s to JSON (floor)`);
    const oneThread = find(`fleet ${apps} x ${options.stages}: npm run synth, cold, STAGECRAFT_WORKERS=0`);
    const twoWorkers = find(`fleet ${apps} x ${options.stages}: npm run synth, cold, STAGECRAFT_WORKERS=2`);
    if (twoWorkers && floor) out[`${label}: cold synth, two workers / floor`] = twoWorkers.seconds.median / floor.seconds.median;
    if (twoWorkers && oneThread)
      out[`${label}: cold synth, two workers / no workers`] = twoWorkers.seconds.median / oneThread.seconds.median;
    if (coldSynth && floor) {
      out[`${label}: cold synth / raw cdk8s to JSON (floor)`] = coldSynth.seconds.median / floor.seconds.median;
      out[`${label}: cold synth / floor, round by round (median)`] = pairedRatio(coldSynth, floor);
    }
    if (oneThread && floor) out[`${label}: cold synth, no workers / floor`] = oneThread.seconds.median / floor.seconds.median;
    for (const row of [
      'npm run synth, nothing changed',
      'npm run synth, one app changed',
      'npm run synth, one app changed, no fingerprint',
      'npm run synth -- --no-cache, one app changed',
    ]) {
      const r = find(`fleet ${apps} x ${options.stages}: ${row}`);
      if (coldSynth && r) out[`${label}: ${row} / cold synth`] = r.seconds.median / coldSynth.seconds.median;
    }
    const fast = find(`fleet ${apps} x ${options.stages}: npm run check, unchanged`);
    const full = find(`fleet ${apps} x ${options.stages}: npm run check, unchanged, no fingerprint`);
    if (fast && full) out[`${label}: check unchanged / check without the fingerprint`] = fast.seconds.median / full.seconds.median;
    const cached = find(`fleet ${apps} x ${options.stages}: npm run synth, one app changed`);
    const uncached = find(`fleet ${apps} x ${options.stages}: npm run synth -- --no-cache, one app changed`);
    if (cached && uncached) out[`${label}: one app changed, cache / --no-cache`] = cached.seconds.median / uncached.seconds.median;
    const everyStage = find(`fleet ${apps} x ${options.stages}: npm run synth, one app changed, no fingerprint`);
    if (cached && everyStage)
      out[`${label}: one app changed, stages kept / every stage compiled`] = cached.seconds.median / everyStage.seconds.median;
  }
  if (a && b) {
    const growth = `N=${count(small)} -> ${count(large)}`;
    out[`${growth}: objects`] = b.objects / a.objects;
    out[`${growth}: synth time`] = b.seconds.median / a.seconds.median;
    out[`${growth}: synth time per object`] = b.seconds.median / b.objects / (a.seconds.median / a.objects);
    out[`${growth}: peak RSS`] = b.peakRss!.median / a.peakRss!.median;
  }
  return out;
}
