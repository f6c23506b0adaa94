/**
 * A full disk (ENOSPC thrown at each named write step of synth, in this process, as the crash tests
 * kill it there: test/helpers/crash.ts): dist/ is old or new, never mixed, once the next command has
 * run, and what the failed command says is true.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atStep } from '../../../lib/model/crash-point.cjs';
import { repoStage, runCli, snapshotDir, tempProject, labElsewhere } from '../../helpers/cli.js';

/** Stage files and dist/: what users see (.stagecraft/ left out). */
const state = (dir: string) => Object.fromEntries(Object.entries(snapshotDir(dir)).filter(([p]) => !p.startsWith('.stagecraft/')));
const diskFull = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
const errors = (stderr: string) => stderr.split('\n').filter((l) => l !== '' && !/warning/.test(l));

describe('a full disk at each write step of synth', () => {
  const base = tempProject({ lab: repoStage('lab'), zoo: labElsewhere() });
  expect(runCli('synth', [], base).code).toBe(0);
  writeFileSync(join(base, 'environments', 'lab.yaml'), repoStage('lab').replace('replicas: 3', 'replicas: 5'));
  const before = state(base);
  const copies: string[] = [];
  const copy = () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagecraft-enospc-'));
    cpSync(base, dir, { recursive: true });
    copies.push(dir);
    return dir;
  };
  const reference = copy();
  expect(runCli('synth', [], reference).code).toBe(0);
  const after = state(reference);
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs synth in a copy with the disk full at `step`; returns the copy and the result. */
  const fullAt = (step: string) => {
    const dir = copy();
    let reached = false;
    const cancel = atStep(step, () => {
      reached = true;
      throw diskFull();
    });
    try {
      const r = runCli('synth', [], dir);
      expect(reached, step).toBe(true);
      return { dir, r };
    } finally {
      cancel();
    }
  };

  it.each(['staged-lab', 'staged'])('at %s, before the journal: nothing was written, and nothing is left to undo', (step) => {
    const { dir, r } = fullAt(step);
    expect(errors(r.stderr).at(-1)).toBe('1 problem; nothing was written.');
    expect(r.code).toBe(2);
    expect(state(dir)).toEqual(before);
    expect(existsSync(join(dir, 'dist', '.stagecraft-tx'))).toBe(false);
    expect(readdirSync(join(dir, 'environments')).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(runCli('check', [], dir).stderr).not.toContain('recovered');
  });

  it('while the journal is written: the problem names .stagecraft/journal.json, nothing was written, and no part of a journal is left', () => {
    const { dir, r } = fullAt('journal-flushed');
    expect(errors(r.stderr)).toEqual([
      'error: writing .stagecraft/journal.json: it cannot be written: the disk is full',
      '  hint: free some space and run again',
      '1 problem; nothing was written.',
    ]);
    expect(r.code).toBe(2);
    expect(state(dir)).toEqual(before);
    expect(readdirSync(join(dir, '.stagecraft')).filter((f) => f.startsWith('journal'))).toEqual([]);
    expect(runCli('check', [], dir).stderr).not.toContain('recovered');
  });

  it.each(['journal', 'rename-1', 'rename-2'])(
    'at %s, once the journal is written: the failure says the change is half done, and the next command completes it',
    (step) => {
      const { dir, r } = fullAt(step);
      expect(errors(r.stderr).at(-1)).toBe(
        '1 problem; part of the change (the next command completes it from .stagecraft/journal.json) was written before it (its files stand).',
      );
      expect(r.code).toBe(2);
      const next = runCli('check', [], dir);
      expect(next.stderr).toContain("recovered: 'npm run synth'");
      expect(next.code).toBe(0);
      expect(state(dir)).toEqual(after);
    },
  );

  it.each(['cache-entries', 'cache-sealed', 'cache-renamed', 'fingerprint-staged', 'digests-staged'])(
    'at %s, a cache or state file: the command succeeds as without it, and dist/ is the new one',
    (step) => {
      const { dir, r } = fullAt(step);
      expect(errors(r.stderr)).toEqual([]);
      expect(r.code).toBe(0);
      expect(state(dir)).toEqual(after);
      expect(runCli('check', [], dir).code).toBe(0);
    },
  );
});
