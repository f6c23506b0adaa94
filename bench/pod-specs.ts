/**
 * The pod-spec walks of lib/model/pod-specs.ts measured in this process, on one core, over the
 * objects of a project's stages (rendered in memory once, not timed): each walk as the checks and
 * the transforms call it on every object (`podTemplateOf`) or every workload (the others), and
 * every check (`checkObjects`) for scale. Medians of `runs` passes after a warm-up pass, in
 * nanoseconds of CPU time per object or workload. Given another checkout, its lib/model/pod-specs.ts
 * walks the same objects, in turns with this one's (every other run in the reverse order), so that
 * what else runs on the machine falls on both alike; the last column is this / that.
 *
 * Not part of `npm run bench`; alone, on a fleet made by bench/fleet.ts:
 * `node --import tsx bench/pod-specs.ts <project dir> [<runs> [<another checkout>]]` (default 9 runs).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkObjects } from '../lib/checks/index.js';
import type { KubeObject } from '../lib/model/object.js';
import * as thisPodSpecs from '../lib/model/pod-specs.js';
import { count, formatTable, ratio, summarize } from './stats.js';
import { renderProject } from './validation.js';

type PodSpecs = typeof thisPodSpecs;

/** Passes over every object per sample, so that a sample lasts some milliseconds. */
const PASSES = 10;

/** The container fields the checks read as lists of mappings (references, Pod Security, API rules). */
const CONTAINER_ITEM_LISTS = ['env', 'envFrom', 'volumeMounts', 'ports'] as const;

interface Walk {
  readonly name: string;
  /** What a pass counts: `object` (every object) or `workload` (every object with a pod spec). */
  readonly per: 'object' | 'workload';
  /** Walks one object or pod spec with `m`'s functions; returns a count, so that nothing is left out as unused. */
  readonly run: (m: PodSpecs, o: KubeObject, spec: Record<string, unknown>) => number;
}

const WALKS: readonly Walk[] = [
  { name: 'podTemplateOf(o)', per: 'object', run: (m, o) => (m.podTemplateOf(o) ? 1 : 0) },
  { name: 'placedContainers(spec)', per: 'workload', run: (m, _, spec) => m.placedContainers(spec).length },
  {
    name: 'placedContainers(spec, with ephemeral)',
    per: 'workload',
    run: (m, _, spec) => m.placedContainers(spec, [...m.CONTAINER_LISTS, 'ephemeralContainers']).length,
  },
  { name: 'containersOf(spec)', per: 'workload', run: (m, _, spec) => m.containersOf(spec).length },
  {
    name: "mappingItems(spec.volumes, each container's env, envFrom, volumeMounts, ports)",
    per: 'workload',
    run: (m, _, spec) => {
      let n = m.mappingItems(spec.volumes).length;
      for (const { container } of m.placedContainers(spec))
        for (const field of CONTAINER_ITEM_LISTS) n += m.mappingItems(container[field]).length;
      return n;
    },
  },
];

/** CPU time (user and system, of every thread of the process) that `run` takes, in nanoseconds: other processes on the machine do not count. */
function nanoseconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const { user, system } = process.cpuUsage(start);
  return (user + system) * 1000;
}

/** The table of the walks' medians (and min-max) over `stages`, per object or workload, with `that`'s beside when given; and every check's. */
export function podSpecWalks(stages: readonly (readonly KubeObject[])[], runs: number, that?: PodSpecs): string {
  const modules = that ? [thisPodSpecs, that] : [thisPodSpecs];
  const objects = stages.flat();
  const workloads: [KubeObject, Record<string, unknown>][] = [];
  for (const o of objects) {
    const spec = thisPodSpecs.podTemplateOf(o)?.spec;
    if (spec) workloads.push([o, spec]);
  }
  let sink = 0;
  const pass = (walk: Walk, m: PodSpecs) => {
    if (walk.per === 'object') for (let p = 0; p < PASSES; p++) for (const o of objects) sink += walk.run(m, o, {});
    else for (let p = 0; p < PASSES; p++) for (const [o, spec] of workloads) sink += walk.run(m, o, spec);
  };
  const checks = () => {
    for (const stage of stages) sink += checkObjects(stage).findings.length;
  };
  for (const walk of WALKS) for (const m of modules) pass(walk, m); // warm-up: the optimizing compiler
  checks(); // and the validators, compiled on first use
  const samples = WALKS.map(() => modules.map(() => [] as number[]));
  const checkSamples: number[] = [];
  for (let r = 0; r < runs; r++) {
    for (const [i, walk] of WALKS.entries()) {
      const walked = walk.per === 'object' ? objects.length : workloads.length;
      const order = r % 2 ? [...modules.keys()].reverse() : [...modules.keys()];
      for (const k of order) samples[i][k].push(nanoseconds(() => pass(walk, modules[k])) / PASSES / walked);
    }
    checkSamples.push(nanoseconds(checks) / objects.length);
  }
  const cells = (s: readonly number[]) => {
    const { median, min, max } = summarize(s);
    return [median.toFixed(0), `${min.toFixed(0)}-${max.toFixed(0)}`];
  };
  const rows = WALKS.map((walk, i) => {
    const row = [walk.name, walk.per, ...cells(samples[i][0])];
    if (!that) return row;
    return [...row, ...cells(samples[i][1]), ratio(summarize(samples[i][0]).median / summarize(samples[i][1]).median)];
  });
  const head = `${count(objects.length)} objects, ${count(workloads.length)} workloads, ${runs} runs (${sink > 0 ? 'walked' : 'nothing walked'})\n`;
  const header = ['walk', 'per', 'ns (median)', 'min-max', ...(that ? ['that ns', 'min-max', 'this/that'] : [])];
  const checkRow = ['every check (checkObjects), this checkout', 'object', ...cells(checkSamples)];
  return head + formatTable(header, [...rows, checkRow]);
}

const [dir, runs, against] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node --import tsx bench/pod-specs.ts <project dir> [<runs> [<another checkout>]]\n');
  process.exit(2);
}
const that =
  against === undefined ? undefined : ((await import(pathToFileURL(join(resolve(against), 'lib/model/pod-specs.ts')).href)) as PodSpecs);
process.stdout.write(podSpecWalks(renderProject(dir), Number(runs ?? 9), that));
