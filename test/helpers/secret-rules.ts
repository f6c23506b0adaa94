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

/**
 * The sizes each unit is screened at. The larger is a window's (secret-rules.ts' WINDOW_CHARS, 1 MiB): a text of 8 MiB is
 * screened whole or, when a regular expression overflows its stack, in windows of 1 MiB, so a RangeError that 8 MiB would
 * let escape escapes here too. The smaller is an eighth of it.
 */
export const SCREENED_SIZES = { small: 2 ** 17, large: 2 ** 20 } as const;

/**
 * How much more CPU time the larger text may take than the smaller (8 times as long): about 8 times in one pass, 64 if each
 * match reads the rest again. A rule the old 8 MiB guard stopped (past 3 minutes where one pass takes a second or two) is
 * quadratic at 1 MiB for more than 19 times its linear work, at 128 KiB for more than twice: it grows 45 times or more.
 */
export const MAX_GROWTH = 24;

/** CPU time below which a text's screening is not judged by its growth (timer noise): a quadratic rule at 1 MiB takes seconds. */
const NOISE_MS = 100;

/**
 * The rule that finds a secret in each unit repeated to 1 MiB, or `none`: screened in a process of its own (`grownAlone`), each
 * unit's CPU time at 1 MiB checked to be at most MAX_GROWTH times its time at 128 KiB.
 */
export function screenedAlone(units: readonly Unit[]): string[] {
  const cases = units.map((u) => {
    const [head, unit] = typeof u === 'string' ? ['', u] : u;
    return `(chars) => detectSecret(${JSON.stringify(head)} + ${JSON.stringify(unit)}.repeat(Math.ceil(chars / ${unit.length})) + 'x')?.rule.id ?? 'none'`;
  });
  const lib = JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'));
  return grownAlone(
    `import { detectSecret } from ${lib};`,
    cases,
    units.map((u) => JSON.stringify(u)),
  );
}

/**
 * What each case, a function's source of a text's size (`(chars) => ...`, after the module's `imports`), prints at 1 MiB, run in a
 * process of its own, which is stopped after HANG_MS; each case's CPU time at 1 MiB checked to be at most MAX_GROWTH times its time
 * at 128 KiB (a pass that reads the text again and again grows with its square). CPU time of the process, not the clock's: other
 * processes' load does not count. Each case is first run at 64 KiB (compiled as it reaches), then at 128 KiB and 256 KiB, the less
 * of the two per 128 KiB kept: each a new text, since a verdict is kept by text (secret-rules.ts' verdicts, a rule's once per text),
 * and a case that rounds its size (a unit of 800 characters) would make the same text of two sizes near each other. Half the
 * larger size is screened before it, held to half the bound (MAX_GROWTH / 2 times 128 KiB's, 4 in one pass): a square is 16 times
 * there, and is said at that size, not only after the 1 MiB that takes it 4 times as long (a minute or more, when HANG_MS stopped
 * it first and said only that the process ran out). A process stopped by HANG_MS names the case it was screening.
 */
export function grownAlone(imports: string, cases: readonly string[], names: readonly string[] = cases): string[] {
  const lines = runAlone(
    `${imports}
    const cpuMs = () => { const { user, system } = process.cpuUsage(); return (user + system) / 1000; };
    const timed = (screen, chars) => { const from = cpuMs(); const found = String(screen(chars)); return [found, cpuMs() - from]; };
    for (const screen of [${cases.join(',\n')}]) {
      timed(screen, ${SCREENED_SIZES.small / 2});
      const small = Math.min(timed(screen, ${SCREENED_SIZES.small})[1], timed(screen, ${SCREENED_SIZES.small * 2})[1] / 2);
      let [found, ms] = timed(screen, ${SCREENED_SIZES.large / 2});
      let chars = ${SCREENED_SIZES.large / 2};
      if (ms <= Math.max(${NOISE_MS}, ${MAX_GROWTH / 2} * small)) [[found, ms], chars] = [timed(screen, ${SCREENED_SIZES.large}), ${SCREENED_SIZES.large}];
      console.log(JSON.stringify([found, small, ms, chars]));
    }`,
    (done) => `while screening ${names[done.length] ?? 'a case'}`,
  );
  return lines.map((line, i) => {
    const [found, small, ms, chars] = JSON.parse(line) as [string, number, number, number];
    const times = chars / SCREENED_SIZES.small;
    const bound = (MAX_GROWTH * chars) / SCREENED_SIZES.large;
    const size = chars >= 2 ** 20 ? `${chars / 2 ** 20} MiB` : `${chars / 2 ** 10} KiB`;
    const growth = `${names[i]}: ${size} took ${ms.toFixed(0)} ms of CPU, ${(ms / small).toFixed(1)} times 128 KiB's`;
    expect(ms <= Math.max(NOISE_MS, bound * small), `${growth} (${times} in one pass, at most ${bound})`).toBe(true);
    return found;
  });
}

/**
 * How long a process of the hang guards may run: 3 minutes. A group's shapes at 64 KiB to 1 MiB take 1-3 s of CPU alone (a
 * group's 8 MiB took 10-30 s, and ran out beside the full suite at a load of 20); a rule that reads the text again and again
 * at 1 MiB is stopped here when its growth (MAX_GROWTH) has not said so first.
 */
export const HANG_MS = 180_000;

/**
 * The lines a module's `script` prints, run in a process of its own, which is stopped after HANG_MS; `doing` says, from the lines
 * printed before it was stopped, what it was doing then.
 */
export function runAlone(script: string, doing: (printed: string[]) => string = () => ''): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: HANG_MS,
  });
  const lines = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n');
  if (r.signal !== null) expect.fail(`still running after ${HANG_MS / 1000} s ${doing(lines)}`.trim());
  return r.stdout.trim().split('\n');
}
