/**
 * `npm run bench -- hostile`: the cost of hostile stage files, in this process, to show that it
 * grows linearly: N unknown top-level keys (up to 40,000) loaded and reported, stage files of
 * invalid apps growing to the input bound (a 50 MB file is refused by size before it is read), and
 * one value over every line of a file, plain or with a quote never closed.
 * Also the price of reading stage files with one parser (the yaml library) rather than js-yaml
 * first: both read a 1,000-app fleet stage file; and the whole load of that file by the block
 * reader (lib/model/block-yaml.ts, the default for the plain block style) and by the yaml library. CPU time of this process (the machine may be
 * shared). Not a timed test: figures depend on the machine.
 *
 *   npm run bench -- hostile [--max-keys 40000] [--runs 3]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import jsyaml from 'js-yaml';
import { parseDocument } from 'yaml';
import { ProblemsError } from '../lib/errors.js';
import { stageLoader } from '../lib/compile.js';
import type { StageEntryStore } from '../lib/config/stage-entries.js';
import { readInputFile } from '../lib/cli/read-file.js';
import { MAX_FILE_BYTES } from '../lib/model/limits.js';
import { fleetStageFile } from './fleet.js';

/** CPU seconds (user + system) of `run`: on a shared machine, wall-clock time says more about the neighbours. */
function seconds<T>(run: () => T): { s: number; result: T } {
  const t = process.cpuUsage();
  const result = run();
  const d = process.cpuUsage(t);
  return { s: (d.user + d.system) / 1e6, result };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Loads `text` as a stage file `runs` times; the median seconds and the problems reported. */
function load(text: string, runs: number, blockReader = true, entries?: StageEntryStore): { s: number; reported: number } {
  const times: number[] = [];
  let reported = 0;
  for (let i = 0; i < runs; i++) {
    times.push(
      seconds(() => {
        try {
          stageLoader().load(text, 'environments/hostile.yaml', { blockReader, entries });
        } catch (e) {
          if (!(e instanceof ProblemsError)) throw e;
          reported = e.problems.length;
        }
      }).s,
    );
  }
  return { s: median(times), reported };
}

const unknownKeys = (n: number) => `apps: {}\n${Array.from({ length: n }, (_, i) => `unknown${i}: 1\n`).join('')}`;
const invalidApps = (bytes: number, padding = 0) => {
  const pad = padding ? `    labels: { note: ${'x'.repeat(padding)} }\n` : '';
  const app = (i: number) => `  app${i}:\n    stack: nginx\n    replicas: many\n    image: nginx\n${pad}`;
  const out: string[] = ['apps:\n'];
  let size = 6;
  for (let i = 0; size < bytes; i++) {
    const a = app(i);
    out.push(a);
    size += a.length;
  }
  return out.join('');
};

const { values } = parseArgs({ args: process.argv.slice(2), options: { 'max-keys': { type: 'string' }, runs: { type: 'string' } } });
const maxKeys = Number(values['max-keys'] ?? 40000);
const runs = Number(values.runs ?? 3);
stageLoader(); // the schema compiles once, before anything is measured

const row = (name: string, s: number, extra: string) =>
  process.stdout.write(`${name.padEnd(44)} ${s.toFixed(3).padStart(8)} s  ${extra}\n`);
process.stdout.write(`hostile input, CPU seconds, median of ${runs} runs, in process\n`);
for (let n = maxKeys / 8; n <= maxKeys; n *= 2) {
  const { s, reported } = load(unknownKeys(n), runs);
  row(`${n} unknown top-level keys`, s, `${((s / n) * 1e6).toFixed(1)} µs/key, ${reported} problems reported`);
}
for (let mb = 1; mb <= 8; mb *= 2) {
  const text = invalidApps(Math.min(mb * 1024 * 1024, MAX_FILE_BYTES - 1024));
  const { s, reported } = load(text, runs);
  row(`${mb} MB stage file of invalid apps`, s, `${(s / mb).toFixed(3)} s/MB, ${reported} problems reported`);
}
{
  // as synth reads it, with nothing kept from an earlier read (lib/config/stage-entries.ts): every
  // app read alone (apps of 300 bytes: smaller ones are read whole), then the whole file again for
  // the places of the problems
  const text = invalidApps(Math.min(8 * 1024 * 1024, MAX_FILE_BYTES - 1024), 220);
  const whole = load(text, runs);
  row('8 MB stage file of 300-byte invalid apps', whole.s, `${(whole.s / 8).toFixed(3)} s/MB, ${whole.reported} problems reported`);
  const { s, reported } = load(text, runs, true, { read: () => undefined, write: () => {} });
  row('... the same, app by app', s, `${(s / 8).toFixed(3)} s/MB, ${reported} problems reported`);
}
{
  // one value over every line of the file (lib/model/block-yaml.ts folds plain and single-quoted
  // ones): plain, and single-quoted with its quote never closed (each line once, not the rest of
  // the file from each line)
  const overLines = (bytes: number, quote: string) =>
    `apps: {}\nnote: ${quote}x\n${'  more words of a note\n'.repeat(Math.floor(bytes / 23))}`;
  for (const [what, quote] of [
    ['plain', ''],
    ['quote never closed', "'"],
  ]) {
    for (let mb = 1; mb <= 8; mb *= 2) {
      const { s, reported } = load(overLines(Math.min(mb * 1024 * 1024, MAX_FILE_BYTES - 1024), quote), runs);
      row(`${mb} MB value over lines, ${what}`, s, `${(s / mb).toFixed(3)} s/MB, ${reported} problems reported`);
    }
  }
}
const dir = mkdtempSync(join(tmpdir(), 'stagecraft-hostile-'));
try {
  const big = join(dir, 'big.yaml');
  writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, 'a: 1\n'));
  let bytesRead = 0;
  const { s } = seconds(() => {
    try {
      bytesRead = readInputFile(big).bytesRead;
    } catch (e) {
      if (!(e instanceof ProblemsError)) throw e;
    }
  });
  row('50 MB stage file (refused by size)', s, `${bytesRead} bytes read`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
// the parser that was dropped, for the record of what one parser costs
const fleet = fleetStageFile('qa', 1000);
const js = median(Array.from({ length: runs }, () => seconds(() => jsyaml.load(fleet, { schema: jsyaml.CORE_SCHEMA })).s));
const y = median(Array.from({ length: runs }, () => seconds(() => parseDocument(fleet).toJS()).s));
const whole = load(fleet, runs).s;
const wholeYaml = load(fleet, runs, false).s;
row(`1,000-app stage (${(fleet.length / 1024).toFixed(0)} KiB): js-yaml read`, js, '(dropped)');
row(`1,000-app stage: yaml library read`, y, `${(y / js).toFixed(1)}x js-yaml`);
row(`1,000-app stage: whole load (read + validate)`, whole, 'block reader (lib/model/block-yaml.ts)');
row(`1,000-app stage: whole load, yaml library`, wholeYaml, `${(wholeYaml / whole).toFixed(1)}x the block reader`);
