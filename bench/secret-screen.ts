/**
 * The secret screen (`secretStrings`, lib/checks/secret-strings.ts) measured in this process, on one
 * thread, over the objects of a project's first stage (rendered in memory once, not timed): the first
 * pass is what a thread pays for its first stage of a cold synthesis (the code not yet compiled, no
 * verdict remembered); each later pass screens a fresh copy of the objects (a copy is not timed), as the
 * thread's next stages are. Times are the thread's CPU (/proc/thread-self/schedstat, which other
 * processes on the machine do not inflate; `process.cpuUsage` where there is none), in milliseconds per
 * stage. Given another checkout, its lib/checks/secret-strings.ts screens the same objects, in turns with
 * this one's (every other pass in the reverse order); the last column is this / that. Its first pass
 * follows this one's, whose compiled code and verdicts it does not share (its own modules): to compare
 * first passes, run the bench once per checkout, in turns.
 *
 * Not part of `npm run bench`; alone, on a fleet made by bench/fleet.ts:
 * `node --import tsx bench/secret-screen.ts <project dir> [<passes> [<another checkout>]]` (default 9 passes).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as thisScreen from '../lib/checks/secret-strings.js';
import type { KubeObject } from '../lib/model/object.js';
import { count, formatTable, ratio, summarize } from './stats.js';
import { renderProject } from './validation.js';
import { threadNanoseconds } from './thread-time.js';

type Screen = Pick<typeof thisScreen, 'secretStrings'>;

/** The milliseconds of CPU `screen` takes over `objects`, and how many secret strings it found (nothing left out as unused). */
function screened(screen: Screen, objects: readonly KubeObject[]): { ms: number; found: number } {
  let found = 0;
  const start = threadNanoseconds();
  for (let i = 0; i < objects.length; i++) found += screen.secretStrings(objects[i]!).length;
  return { ms: (threadNanoseconds() - start) / 1e6, found };
}

/** What a stage's strings and keys are: how many the screen reads, and how many of each are distinct. */
function census(objects: readonly KubeObject[]): string {
  const keys = new Set<string>();
  const values = new Set<string>();
  let keyCount = 0;
  let valueCount = 0;
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      valueCount++;
      values.add(node);
    } else if (Array.isArray(node)) for (const item of node) walk(item);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        keyCount++;
        keys.add(k);
        walk(v);
      }
  };
  for (const o of objects) walk(o);
  return `${count(objects.length)} objects: ${count(keyCount)} keys (${count(keys.size)} distinct), ${count(valueCount)} strings (${count(values.size)} distinct)`;
}

/** The table of the first pass and the later passes' median (and min-max), with `that`'s beside when given. */
export function secretScreenPasses(objects: readonly KubeObject[], passes: number, that?: Screen): string {
  const screens = that ? [thisScreen, that] : [thisScreen];
  const samples = screens.map(() => [] as number[]);
  let found = -1;
  for (let p = 0; p <= passes; p++) {
    const order = p % 2 ? [...screens.keys()].reverse() : [...screens.keys()];
    for (const k of order) {
      const copy = structuredClone(objects) as KubeObject[];
      const pass = screened(screens[k]!, copy);
      if (found >= 0 && pass.found !== found) throw new Error(`the screens found ${found} and ${pass.found} secret strings`);
      found = pass.found;
      samples[k]!.push(pass.ms);
    }
  }
  const cells = (s: readonly number[]) => {
    const later = summarize(s.slice(1));
    return [s[0]!.toFixed(1), later.median.toFixed(1), `${later.min.toFixed(1)}-${later.max.toFixed(1)}`];
  };
  const rows = screens.map((_, k) => [
    k === 0 ? 'this checkout' : 'that checkout',
    ...cells(samples[k]!),
    k === 0 || !that ? '' : ratio(summarize(samples[0]!.slice(1)).median / summarize(samples[k]!.slice(1)).median),
  ]);
  const head = `${census(objects)}; ${found} secret strings found; ${passes} passes after the first\n`;
  return head + formatTable(['screen', 'first pass ms', 'later ms (median)', 'min-max', 'this/that'], rows);
}

const [dir, passes, against] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: node --import tsx bench/secret-screen.ts <project dir> [<passes> [<another checkout>]]\n');
  process.exit(2);
}
const that =
  against === undefined
    ? undefined
    : ((await import(pathToFileURL(join(resolve(against), 'lib/checks/secret-strings.ts')).href)) as Screen);
const [first] = renderProject(dir);
if (first === undefined) throw new Error(`${dir} has no stage`);
process.stdout.write(secretScreenPasses(first, Number(passes ?? 9), that));
