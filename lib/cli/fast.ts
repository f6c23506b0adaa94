/**
 * What `npm run check` and `npm run synth` answer before the compiler is loaded: when no input and
 * no file of `dist/` changed since the last full synthesis (lib/cli/fingerprint.ts), check says
 * `dist/` is current and synth says what it said then, writing nothing. lib/cli/run.cjs runs this
 * module first and loads the command (cdk8s, ajv, every stack: most of a small command's time)
 * only when it declines. It declines whenever anything is not plainly so: arguments given (or an
 * option's value that npm kept, given before `--`: the command refuses it), stdout closed, an
 * interrupted command to recover, the lock held, no fingerprint, or any error; the command then
 * does all of it as before. Imports nothing heavy: Node.js, the fingerprint, the lock, printing.
 */
import { counted } from '../model/limits.js';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode } from '../errors.js';
import { needsRecovery } from '../synth/recover.js';
import { DIST_DIR, foreignFilesProblem } from '../synth/disk.js';
import { ENVIRONMENTS_DIR, forgetCompilerDigests, keepNewDigests } from './digests.js';
import { unchangedSinceRecorded, type Fingerprint, type StageRecord } from './fingerprint.js';
import { forgetCheckoutAnswers } from './delivery-checkout.js';
import { acquireLock, commandRan, releaseHeldLocks } from './lock.js';
import { printProblems, processIo, quietWhenReaderLeaves, type Io } from './print.js';
import { reusableStages, type Reuse } from './reuse.js';
import type { Problem } from '../errors.js';
import { npmKeptValue, npmTookNoCacheOf } from './npm-options.js';
import { unkeptState } from './unkept-state.js';

/** What check prints when `dist/` is current. */
export function currentLine(stages: number, files: number): string {
  return `${DIST_DIR}/ is current: ${counted(stages, 'stage')}, ${counted(files, 'file')}\n`;
}

/** What synth prints about one stage, and the record a later synthesis prints it from when it keeps the stage. */
export interface StageReport {
  readonly stage: string;
  /** The summary line and the changed objects. */
  readonly head: string;
  readonly record: StageRecord;
  /** Every warning, as --verbose prints them (undefined for a kept stage, which is never kept with --verbose). */
  readonly verbose?: readonly Problem[];
}

/** The report of a stage whose output was kept: what the synthesis that wrote it printed, `unchanged`. */
export function keptReport(stage: string, record: StageRecord): StageReport {
  // the summary line of lib/cli/output.ts `writtenLines` for a stage with no change
  return {
    stage,
    head: `${stage}: ${counted(record.objects, 'object')} in ${counted(record.files, 'file')} -> ${DIST_DIR}/${stage}/ (unchanged)\n`,
    record,
  };
}

/** Each stage's lines on stdout and its warnings on stderr (a summary per check, or every one with `verbose`). */
export function printReports(io: Io, reports: readonly StageReport[], verbose = false): void {
  for (const r of reports) {
    io.stdout.write(r.head + r.record.stdout);
    printProblems(io, verbose && r.verbose ? r.verbose : r.record.summary);
  }
}

/**
 * The count of warnings, last on stderr: the stages' and `others` (each printed whole already: what
 * this synthesis changes in `dist/`, said once and never replayed, files it did not write); none
 * with `verbose`, which printed each. `--verbose` is named only when some stage's were summarized.
 */
export function printTotal(io: Io, reports: readonly StageReport[], verbose = false, others = 0): void {
  if (verbose) return;
  const summarized = reports.reduce((sum, r) => sum + r.record.warnings, 0);
  const n = summarized + others;
  if (n)
    io.stderr.write(
      `${n} warning${n === 1 ? '' : 's'} in all${summarized ? '; npm run synth -- --verbose prints each with its hint' : ''}\n`,
    );
}

/**
 * Check with nothing changed since the fingerprint: `dist/` is current. Keeps the digests of the
 * files it read (`keepNewDigests`), as every answer from the fingerprint does.
 */
export function reportCurrent(unchanged: Fingerprint, io: Io): ExitCode {
  keepNewDigests(io.cwd);
  if (unchanged.foreign?.length) printProblems(io, [foreignFilesProblem(unchanged.foreign)]);
  printProblems(io, unchanged.deliveryWarnings ?? []);
  io.stdout.write(currentLine(unchanged.stages, unchanged.files));
  // what stands in the place of a state file (a directory at digests.json), said last as the command says it (lib/cli/main.ts)
  printProblems(io, unkeptState());
  return ExitCode.ok;
}

/**
 * Synth with nothing changed at all: `dist/` and the schema are what the last synthesis wrote; say
 * what it said, and keep the digests of the files read (`keepNewDigests`).
 */
export function replaySynth(reuse: Reuse, io: Io): ExitCode {
  keepNewDigests(io.cwd);
  const reports = [...reuse.kept].map(([s, r]) => keptReport(s, r));
  printReports(io, reports);
  // the delivery plan's, said where the synthesis that compiled said them (lib/cli/synth.ts)
  const deliveryWarnings = reuse.fingerprint.deliveryWarnings ?? [];
  printProblems(io, deliveryWarnings);
  io.stdout.write(reuse.fingerprint.synthFooter ?? '');
  printTotal(io, reports, false, deliveryWarnings.length);
  printProblems(io, unkeptState());
  return ExitCode.ok;
}

/** The stages of the project in `root` (stage files, sorted), or undefined when its environments/ is not plain. */
function stageNames(root: string): string[] | undefined {
  const entries = readdirSync(join(root, ENVIRONMENTS_DIR));
  // a .yml file is a problem the command reports
  if (entries.some((f) => f.endsWith('.yml'))) return undefined;
  return entries
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * The options of check and synth that take a value (as each command declares them; a test holds the
 * two lists equal), which npm keeps when given with it before `--` (`npm run synth --stage=qa`).
 */
export const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  check: ['format', 'pod-security', 'namespace-exists', 'object-exists', 'crds'],
  synth: ['stage'],
};

/** Whether `command`, run as its own npm script, had an option npm took with its value: the command refuses it. */
function npmTookAValue(command: string, env: Io['env']): boolean {
  if (env.npm_lifecycle_event !== command || !Object.hasOwn(VALUE_OPTIONS, command)) return false;
  return VALUE_OPTIONS[command].some((option) => npmKeptValue(option, env) !== undefined);
}

/** The answer of `command` with `argv` without compiling, or undefined when the command must run. */
export function fastPath(command: string, argv: readonly string[], io: Io): ExitCode | undefined {
  const code = fastAnswer(command, argv, io);
  // answered, the command is over: the next one run in this process asks Git afresh (unanswered, the command that
  // follows reads what the fingerprint's check asked, and forgets it as it ends: lib/cli/main.ts)
  if (code !== undefined) forgetCheckoutAnswers();
  return code;
}

function fastAnswer(command: string, argv: readonly string[], io: Io): ExitCode | undefined {
  // (stdout closed: the command says so, lib/cli/main.ts; nor an option npm took with its value or --no-cache, lib/cli/npm-options.ts)
  if (argv.length > 0 || io.stdout.closed || npmTookAValue(command, io.env) || npmTookNoCacheOf(command, io.env, io.npmArguments))
    return undefined;
  const root = io.cwd;
  try {
    if (command === 'check') {
      if (needsRecovery(root, DIST_DIR)) return undefined;
      const unchanged = unchangedSinceRecorded(root, DIST_DIR);
      // no stage at all is the command's to refuse (cli/no-stages, lib/cli/open-project.ts), as without a fingerprint
      return unchanged && unchanged.stages > 0 ? reportCurrent(unchanged, io) : undefined;
    }
    if (command === 'synth') {
      // no project here: the command says so, and no lock leaves a .stagecraft/ behind
      if (!existsSync(join(root, ENVIRONMENTS_DIR))) return undefined;
      // a writer's lock, as the command takes it: nothing may change dist/ while this reads it;
      // held by a running command, the command itself waits for it (once, saying so once)
      acquireLock(root, commandRan('synth', io.env), (l) => io.stderr.write(`${l}\n`), { wait: false });
      if (needsRecovery(root, DIST_DIR)) return undefined;
      const stages = stageNames(root);
      // no stage file: the command refuses it (cli/no-stages), or removes what a removed stage left in dist/
      if (stages?.length === 0) return undefined;
      const reuse = stages && reusableStages(root, DIST_DIR, stages, { allOrNothing: true });
      return reuse && reuse.changed.length === 0 ? replaySynth(reuse, io) : undefined;
    }
  } catch {
    // whatever it is (the lock held, a file that cannot be read), the command says it
    return undefined;
  } finally {
    releaseHeldLocks();
    forgetCompilerDigests();
    // not answered here: the command notes and says them again
    unkeptState();
  }
  return undefined;
}

/** Answers `command` as the process when it can (lib/cli/run.cjs); false when the command must run. */
export function runFast(command: string, argv: readonly string[]): boolean {
  const code = fastPath(command, argv, processIo());
  if (code === undefined) return false;
  quietWhenReaderLeaves();
  process.exitCode = code;
  return true;
}
