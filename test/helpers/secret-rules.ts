/** Helpers of the secret rules' tests (test/model/*secret*.test.ts): a rule's finds and passes, and the 8 MiB hang guards. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { detectSecret } from '../../lib/model/secret-rules.js';
import { REPO } from './cli.js';

/** Each text of `found` is found by the rule `id` (the first to match), and no text of `passed` by any rule. */
export function expectRule(id: string, found: readonly string[], passed: readonly string[] = []): void {
  for (const text of found) expect(detectSecret(text)?.rule.id, text).toBe(id);
  for (const text of passed) expect(detectSecret(text), text).toBeUndefined();
}

/** A unit to repeat, or a head and the unit repeated after it (`['- name: a\n  value: x', ' ']`: a run of blanks after a value). */
export type Unit = string | readonly [head: string, unit: string];

/** The rule that finds a secret in each unit repeated to 8 MiB, or `none`: screened in a process of its own, which is stopped after HANG_MS. */
export function screenedAlone(units: readonly Unit[]): string[] {
  return runAlone(`import { detectSecret } from ${JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'))};
    for (const u of ${JSON.stringify(units)}) {
      const [head, unit] = typeof u === 'string' ? ['', u] : u;
      console.log(detectSecret(head + unit.repeat(Math.ceil(2 ** 23 / unit.length)) + 'x')?.rule.id ?? 'none');
    }`);
}

/**
 * How long a process of the hang guards may run: 3 minutes. One pass over 8 MiB takes 10-30 s per group alone, and up
 * to twice that beside the full suite on 2 busy cores (60 s ran out at a load of 20); a rule that reads the text again
 * and again takes hours for a megabyte, so the guard still tells them apart.
 */
export const HANG_MS = 180_000;

/** The lines a module's `script` prints, run in a process of its own, which is stopped after HANG_MS. */
export function runAlone(script: string): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: HANG_MS,
  });
  expect(r.signal, `still running after ${HANG_MS / 1000} s`).toBeNull();
  return r.stdout.trim().split('\n');
}
