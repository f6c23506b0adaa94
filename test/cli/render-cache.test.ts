/**
 * What a command does with a render cache (lib/cli/render-cache.ts) whose packs are whole, every
 * entry with the SHA-256 its pack's index gives, but whose entries' lines are not what the compiler
 * writes (made by hand, or by another program): each such entry is a miss, so synth succeeds and
 * writes the bytes a synth without the cache writes, and check answers; neither stops with an
 * internal error. (test/cli/render-entry.test.ts has every shape refused, one by one.)
 */
import { closeSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RENDER_CACHE_DIR } from '../../lib/cli/render-cache.js';
import { PackWriter, readEntry, readPackIndex } from '../../lib/cli/render-pack.js';
import { repoStage, runCli, snapshotDir, tempProject } from '../helpers/cli.js';
import { changeLine } from '../helpers/entry-lines.js';

/** Stages whose entries hold every kind of field: checks with findings, exceptions and references, workloads, image substitutions. */
const STAGES = { dev: repoStage('dev'), raspberry: repoStage('raspberry') };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const project = () => {
  const dir = tempProject(STAGES);
  dirs.push(dir);
  return dir;
};

let reference: Record<string, string>;
let warm: string;
/** The packs the first synth of `warm` wrote, by name. */
let packs: Map<string, Buffer>;
beforeAll(() => {
  const plain = project();
  expect(runCli('synth', ['--no-cache'], plain).code).toBe(0);
  reference = snapshotDir(join(plain, 'dist'));
  warm = project();
  expect(runCli('synth', [], warm).code).toBe(0);
  const dir = join(warm, RENDER_CACHE_DIR);
  packs = new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  expect(packs.size).toBeGreaterThan(0);
});

/**
 * Puts the packs of the first synth back in `warm`, with each entry's line replaced by what `edit`
 * makes of it, and the pack sealed again (valid SHA-256s); returns how many lines it changed.
 */
function craft(edit: (line: string) => string): number {
  const dir = join(warm, RENDER_CACHE_DIR);
  let changed = 0;
  for (const [name, bytes] of packs) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const writer = new PackWriter(`${path}.crafted`);
    const fd = openSync(path, 'r');
    for (const [entry, offset, length, digest] of readPackIndex(path)!) {
      const old = readEntry(fd, offset, length, digest)!;
      const end = old.indexOf(0x0a);
      const line = old.toString('utf8', 0, end);
      const crafted = edit(line);
      if (crafted !== line) changed++;
      writer.add(entry, Buffer.concat([Buffer.from(crafted), old.subarray(end)]));
    }
    closeSync(fd);
    writer.seal();
    renameSync(`${path}.crafted`, path);
  }
  return changed;
}

const CRAFTED: Record<string, (line: string) => string> = {
  'not JSON': () => '{"digests":',
  'no summary (a field missing)': changeLine((h) => delete h.summary),
  'heads that are numbers (a wrong type)': changeLine((h) => (h.summary.heads = h.summary.heads.map((_: unknown, i: number) => i))),
  'plain as text (a wrong type)': changeLine((h) => (h.summary.plain = 'yes')),
  'a summary that is a list (an array where an object is)': changeLine((h) => (h.summary = [])),
  'results in an object (an object where an array is)': changeLine((h) => h.checks && (h.checks.results = { ...h.checks.results })),
  'a number of checks of 1e400 (a huge number)': (line) => line.replace(/"checks":(\d+),"results"/, '"checks":1e400,"results"'),
  'workloads at place 2^60 (a huge number)': (line) => line.replace(/"workloads":\[\[\d+,/, '"workloads":[[1152921504606846976,'),
  '__proto__ in the summary': (line) => line.replace('"summary":{', '"summary":{"__proto__":{"plain":true},'),
  '__proto__ among labels': (line) => line.replace(/"workloads":\[\[(\d+),\{/, '"workloads":[[$1,{"__proto__":"x",'),
  'a digest fewer than objects': changeLine((h) => h.digests.pop()),
  'a digest cut short': changeLine((h) => (h.digests[0] = h.digests[0].slice(0, -1))),
};

describe('a render cache whose entries, with valid SHA-256s, are not what the compiler writes', () => {
  it.each(Object.entries(CRAFTED))('is a miss: synth writes what synth --no-cache writes, and check answers: %s', (_, edit) => {
    expect(craft(edit)).toBeGreaterThan(0);
    rmSync(join(warm, 'dist'), { recursive: true, force: true });
    const check = runCli('check', [], warm);
    expect(check.stderr).not.toContain('internal error');
    expect(check.code, check.stderr).toBe(1);
    const synth = runCli('synth', [], warm);
    expect(synth.stderr).not.toContain('internal error');
    expect(synth.code, synth.stderr).toBe(0);
    expect(synth.stderr.split('\n').filter((l) => l.includes('render cache')).length).toBeLessThanOrEqual(1);
    expect(snapshotDir(join(warm, 'dist'))).toEqual(reference);
  });

  it('(the entries crafted are read: one of the shape the compiler writes is a hit, as it is)', () => {
    // whoever can write .stagecraft/ can write dist/: an entry's documents are not rendered again to be believed
    expect(craft(changeLine((h) => (h.digests[0] = 'sha256:0000000000000000')))).toBeGreaterThan(0);
    rmSync(join(warm, 'dist'), { recursive: true, force: true });
    expect(runCli('synth', [], warm).code).toBe(0);
    expect(Object.values(snapshotDir(join(warm, 'dist'))).join('\n')).toContain('sha256:0000000000000000');
  });
});
