/**
 * Editing a large stage file as promote does (lib/config/edit.ts `editValues`): every app's image
 * of the stage file of a fleet (bench/fleet.ts) changed in one edit, in this process, for 300 and
 * 1,000 apps. The rows' `objects` are the values edited; the ratio of the two medians per app says
 * how the cost grows with the file (1 is linear; the edit parsed the whole text once per value,
 * which made it quadratic).
 *
 * Not part of `npm run bench`; alone: `node --import tsx bench/stage-edit.ts [<runs>]` (default 5).
 */
import { fileURLToPath } from 'node:url';
import { editValues } from '../lib/config/edit.js';
import { fleetStageFile } from './fleet.js';
import { count, ratio, rowsTable, summarize, type Row, type Summary } from './stats.js';

/** The fleets' sizes: the apps of the stage file, each of whose images is edited. */
export const EDIT_APPS = [300, 1000] as const;

function timed(apps: number, runs: number): Summary {
  const text = fleetStageFile('qa', apps);
  // the apps' names as the fleet writes them, read from its text rather than assumed
  const names = [...text.matchAll(/^ {2}([^\s:]+):$/gm)].map((m) => m[1]);
  if (names.length !== apps) throw new Error(`bench/stage-edit: ${names.length} apps in a fleet of ${apps}`);
  const values = names.map((n) => ({ path: ['apps', n, 'image'], value: 'demoapp:2' }));
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    const { applied } = editValues(text, values, 'environments/qa.yaml');
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (applied.length !== apps) throw new Error(`bench/stage-edit: ${applied.length} of ${apps} edits applied`);
  }
  return summarize(samples);
}

/** The rows, and the ratio of the largest fleet's median per app to the smallest's, in this process. */
export function stageEditRows(runs: number): { rows: Row[]; ratio: number } {
  timed(EDIT_APPS[0], 1); // warm-up
  const rows = EDIT_APPS.map((apps): Row => {
    const s = timed(apps, runs);
    return {
      name: `promote's edit: every image of a ${count(apps)}-app stage file (in process)`,
      objects: apps,
      seconds: s,
      objectsPerSecond: apps / s.median,
    };
  });
  const perApp = rows.map((r) => r.seconds.median / r.objects);
  return { rows, ratio: perApp[perApp.length - 1] / perApp[0] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, ratio: r } = stageEditRows(Number(process.argv[2] ?? 5));
  process.stdout.write(rowsTable(rows, {}, 'values'));
  process.stdout.write(
    `editing a stage file, in process: time per value, ${count(EDIT_APPS[1])} apps / ${count(EDIT_APPS[0])}: ${ratio(r)}\n`,
  );
}
