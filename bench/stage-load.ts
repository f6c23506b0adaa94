/**
 * Loading one large stage file (issue 19: the stage file an app changed in must be read again):
 * `stageLoader().load(text, file)` - reading, the schema, the refine rules - on the stage file of
 * a 1,000-app fleet (bench/fleet.ts, about 0.9 MB), in this process, read by the block reader
 * (lib/model/block-yaml.ts) and by the yaml library alone, as every stage file was read before.
 * The rows' `objects` are the apps of the file.
 *
 * Part of `npm run bench`; alone: `node --import tsx bench/stage-load.ts [<runs>]` (default 7).
 */
import { fileURLToPath } from 'node:url';
import { stageLoader } from '../lib/compile.js';
import { fleetStageFile } from './fleet.js';
import { count, ratio, rowsTable, summarize, type Row, type Summary } from './stats.js';

/** Apps in the stage file (the fleet's size). */
export const LOAD_APPS = 1000;

function timed(text: string, blockReader: boolean, runs: number): Summary {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    stageLoader().load(text, 'environments/qa.yaml', { blockReader });
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return summarize(samples);
}

/** The rows, and the ratio of the yaml library's loading to the block reader's, in this process (runs alternate). */
export function stageLoadRows(runs: number): { rows: Row[]; ratio: number } {
  const text = fleetStageFile('qa', LOAD_APPS);
  // warm-up: the schema and the stacks' validators compile on first use
  timed(text, true, 1);
  timed(text, false, 1);
  const block: number[] = [];
  const yaml: number[] = [];
  for (let i = 0; i < runs; i++) {
    block.push(...timed(text, true, 1).samples);
    yaml.push(...timed(text, false, 1).samples);
  }
  const label = `loading a ${count(LOAD_APPS)}-app stage file (${Math.round(text.length / 1024)} KiB)`;
  const [b, y] = [summarize(block), summarize(yaml)];
  return {
    rows: [
      { name: `${label}: block reader (in process)`, objects: LOAD_APPS, seconds: b, objectsPerSecond: LOAD_APPS / b.median },
      { name: `${label}: yaml library (in process)`, objects: LOAD_APPS, seconds: y, objectsPerSecond: LOAD_APPS / y.median },
    ],
    ratio: y.median / b.median,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, ratio: r } = stageLoadRows(Number(process.argv[2] ?? 7));
  process.stdout.write(rowsTable(rows, {}, 'apps'));
  process.stdout.write(`loading a stage file, in process: yaml library / block reader: ${ratio(r)}\n`);
}
