/**
 * The apps of a large stage file kept between commands (lib/cli/stage-entries.ts) when the file
 * has `x-` blocks, which stagecraft ignores but apps merge (`<<: *defaults`): an edit of a block
 * changes the apps that merge it, so a synth after the edit must write, byte for byte, what a
 * `--no-cache` synth of the same project writes.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetStageFile } from '../../bench/fleet.js';
import { STAGE_ENTRIES_DIR } from '../../lib/cli/stage-entries.js';
import { MIN_ENTRIES_BYTES } from '../../lib/config/stage-entries.js';
import { runCli, snapshotDir, tempProject } from '../helpers/cli.js';

/** A fleet of demoapps large enough to be read from its entries, each merging its image and replicas from `x-defaults`. */
function anchoredFleet(): string {
  const text = fleetStageFile('big', 75)
    .replace('apps:\n', 'x-defaults: &defaults\n  image: demoapp:1\n  replicas: 2\napps:\n')
    .replace(/ {4}image: demoapp:1\n {4}replicas: 2\n/g, '    <<: *defaults\n');
  expect(text.match(/<<: \*defaults/g)).toHaveLength(75);
  expect(text.length).toBeGreaterThan(MIN_ENTRIES_BYTES);
  return text;
}

/** Runs `npm run synth` in `dir`, and `npm run synth -- --no-cache` in a copy made just before (without .stagecraft/): the same outcome. */
function synthMatchesFull(dir: string) {
  const copy = mkdtempSync(join(tmpdir(), 'stagecraft-full-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(join(copy, '.stagecraft'), { recursive: true, force: true });
  const outcome = (at: string, r: ReturnType<typeof runCli>) => ({
    code: r.code,
    stdout: r.stdout,
    stderr: r.stderr,
    files: Object.fromEntries(Object.entries(snapshotDir(at)).filter(([p]) => !p.startsWith('.stagecraft/'))),
  });
  const incremental = outcome(dir, runCli('synth', [], dir));
  const full = outcome(copy, runCli('synth', ['--no-cache'], copy));
  rmSync(copy, { recursive: true, force: true });
  expect(incremental).toEqual(full);
  return incremental;
}

function edit(dir: string, change: (text: string) => string): void {
  const file = join(dir, 'environments', 'big.yaml');
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

describe('a large stage file with x- blocks, synthesized again after an edit of a block', () => {
  it('writes what a --no-cache synth writes when the edited block is merged into every app', () => {
    const dir = tempProject({ big: anchoredFleet() });
    expect(runCli('synth', [], dir).code).toBe(0);
    edit(dir, (t) => t.replace('x-defaults: &defaults\n  image: demoapp:1\n', 'x-defaults: &defaults\n  image: demoapp:2\n'));
    const out = synthMatchesFull(dir);
    expect(out.code).toBe(0);
    // every app took the new release from the block
    expect(out.stdout).toMatch(/^big: .*\(0 added, \d+ changed, 0 removed\)$/m);
    expect(out.files['dist/big/10-app-0075.yaml']).toContain('image: demoapp:2');
    // the apps merge an anchor: no entry is read alone, the file is read whole each time
    expect(existsSync(join(dir, STAGE_ENTRIES_DIR, 'big.v8'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes what a --no-cache synth writes when the block merges nowhere, its apps read from their kept entries', () => {
    const text = fleetStageFile('big', 75).replace('apps:\n', 'x-notes:\n  owner: team-a\n  runbook: https://example.com/big\napps:\n');
    const dir = tempProject({ big: text });
    expect(runCli('synth', [], dir).code).toBe(0);
    expect(existsSync(join(dir, STAGE_ENTRIES_DIR, 'big.v8'))).toBe(true);
    edit(dir, (t) => t.replace('owner: team-a', 'owner: team-b'));
    const unchanged = synthMatchesFull(dir);
    expect(unchanged.code).toBe(0);
    // the objects are the same; the inventory records the stage file's digest
    expect(unchanged.stdout).toMatch(/^big: .*\(objects unchanged; 1 file changed: inventory\.txt\)$/m);
    // the block and an app edited together
    edit(dir, (t) => t.replace('owner: team-b', 'owner: team-c').replace('APP_ENVIRONMENT: big\n', 'APP_ENVIRONMENT: big-1\n'));
    expect(synthMatchesFull(dir).stdout).toMatch(/^big: .*\(\d+ added, \d+ changed, \d+ removed\)$/m);
    rmSync(dir, { recursive: true, force: true });
  });
});
