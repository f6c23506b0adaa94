/**
 * Would a memo across the stages of one run pay (perf23)? Every stage of a project rendered in this
 * process as a cold synthesis renders it (a render cache that has nothing), then: how many objects
 * and pod specs each stage repeats of an earlier one, by bench/repeats.ts' keys; and the thread's
 * CPU of the work such a memo would skip on a hit (each per-object check over every object, the YAML
 * of each object and its digest) against what its key costs (each object's JSON without its
 * namespace, and its SHA-256), medians of the passes after the first. The ceiling of a memo is the
 * work times the share of objects it would find, less the key.
 *
 * Run it under the synthesis's V8 flags (lib/cli/run.cjs `SYNTH_FLAGS`, `HEAP_FLAG`):
 * `node --interrupt-budget=1000000 --always-sparkplug --no-turbo-inlining --max-semi-space-size=4 --import tsx bench/stage-repeats.ts <project dir> [<passes>]`
 * (default 5 passes; a fleet made by bench/fleet.ts, whose stages are taken in its order). Not part of `npm run bench`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STACKS } from '../apps/index.js';
import { OBJECT_CHECKS } from '../lib/checks/index.js';
import { crdRegistry } from '../lib/checks/crds.js';
import { COMPILER_VERSION, stageLoader } from '../lib/compile-stage.js';
import type { KubeObject } from '../lib/model/object.js';
import { digest } from '../lib/synth/inventory.js';
import { renderStage } from '../lib/synth/render.js';
import { toYaml } from '../lib/synth/serialize.js';
import { FLEET_STAGES } from './fleet.js';
import { stageRepeats } from './repeats.js';
import { formatTable, summarize } from './stats.js';
import { threadNanoseconds } from './thread-time.js';

const [dir, passes] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node <SYNTH_FLAGS> --import tsx bench/stage-repeats.ts <project dir> [<passes>]\n');
  process.exit(2);
}
const environments = join(resolve(dir), 'environments');
const rank = (s: string) => ((FLEET_STAGES as readonly string[]).includes(s) ? FLEET_STAGES.indexOf(s as never) : FLEET_STAGES.length);
const names = readdirSync(environments)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
const stages = names.map((name) => {
  const source = join('environments', `${name}.yaml`);
  const loaded = stageLoader().load(readFileSync(join(environments, `${name}.yaml`), 'utf8'), source);
  const r = renderStage(loaded, STACKS, COMPILER_VERSION, { cache: { get: () => undefined, set: () => undefined } });
  return { name, objects: r.charts.flatMap((c) => c.objects) as readonly KubeObject[] };
});

const repeats = stageRepeats(stages);
const percent = (n: number, of: number) => `${n} (${of ? Math.round((100 * n) / of) : 0} %)`;
process.stdout.write(
  formatTable(
    ['stage', 'objects', 'exact', 'namespace out', 'stage name out', 'pod specs', 'pod specs seen'],
    repeats.map((r) => [
      r.stage,
      String(r.objects),
      percent(r.exact, r.objects),
      percent(r.namespaceOut, r.objects),
      percent(r.stageOut, r.objects),
      String(r.podSpecs),
      percent(r.podSpecsSeen, r.podSpecs),
    ]),
  ),
);

/** The thread's CPU, in ms, of `work` over every object of every stage. */
const timed = (work: (o: KubeObject) => unknown) => {
  const start = threadNanoseconds();
  for (const s of stages) for (const o of s.objects) work(o);
  return (threadNanoseconds() - start) / 1e6;
};
const context = { options: { written: true }, registry: crdRegistry([]) };
const nameless = (o: KubeObject) => {
  const { namespace: _, ...metadata } = o.metadata ?? {};
  return JSON.stringify({ ...o, metadata });
};
const works: [string, (o: KubeObject) => unknown][] = [
  ...OBJECT_CHECKS.map((c): [string, (o: KubeObject) => unknown] => [`check ${c.name}`, (o) => c.run(o, context)]),
  ['YAML and its digest', (o) => digest(toYaml(o))],
  ['key: JSON without the namespace, SHA-256', (o) => digest(nameless(o))],
];
const samples = works.map(() => [] as number[]);
for (let p = 0; p < Math.max(2, Number(passes ?? 5)); p++) for (let i = 0; i < works.length; i++) samples[i]!.push(timed(works[i]![1]));
const medians = samples.map((s) => summarize(s.slice(1)).median);
const skippable = medians.slice(0, -1).reduce((a, b) => a + b, 0);
const key = medians[medians.length - 1]!;
const objects = repeats.reduce((n, r) => n + r.objects, 0);
const ceiling = (hits: number) => (skippable * hits) / objects - key;
process.stdout.write(
  formatTable(
    ['work over every object of every stage', 'first pass ms', 'later ms (median)'],
    works.map(([name], i) => [name, samples[i]![0]!.toFixed(0), medians[i]!.toFixed(0)]),
  ),
);
process.stdout.write(
  `a memo's ceiling (work skipped on its hits less its key, ms): namespace out ${ceiling(repeats.reduce((n, r) => n + r.namespaceOut, 0)).toFixed(0)}, ` +
    `stage name out (no sound key) ${ceiling(repeats.reduce((n, r) => n + r.stageOut, 0)).toFixed(0)}\n`,
);
