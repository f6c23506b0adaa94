/**
 * Problems: what went wrong, where, and what to do about it.
 *
 * Data and rendering are separate: every step collects `Problem`s and throws one `ProblemsError`
 * holding all of them; only `formatProblem` turns them into text, and only the CLI prints.
 */

/** Exit codes of every command. */
export const ExitCode = {
  ok: 0,
  /** A check failed: findings in manifests, or `dist/` not equal to what the sources produce. */
  checkFailed: 1,
  /** The input is wrong: a stage file, a command line, a manifest that is not Kubernetes YAML. */
  badInput: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A place in a source file; line and column count from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Problem {
  /** Stable identifier of the kind of problem, e.g. `config/type` (for tests, docs and SARIF). */
  readonly code: string;
  /** What is wrong and why, as one sentence without a trailing period. */
  readonly message: string;
  /** Where it is in a source file, when it came from one. */
  readonly location?: SourceLocation;
  /** The object and field, when there is no file to point at: `ReplicationController lab/nginx`. */
  readonly subject?: string;
  /** What to do about it. */
  readonly hint?: string;
  /** @default 'error' */
  readonly severity?: 'error' | 'warning';
}

/** All the problems one step found; thrown once per step so that users see every problem at once. */
export class ProblemsError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    readonly exitCode: ExitCode = ExitCode.badInput,
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ProblemsError';
  }
}

/** Where a problem is, as `file:line:col` or the subject. */
export function formatPlace(p: Problem): string | undefined {
  const l = p.location;
  return l ? `${l.file}:${l.line}:${l.column}` : p.subject;
}

/**
 * One problem as text: `file:line:col: message` (`file:line:col: warning: message` for a
 * warning) and, on the next line, the hint. The one place that renders a problem.
 */
export function formatProblem(p: Problem): string {
  return renderProblem(p, false);
}

/** `formatProblem`, with errors labelled `error: ` as warnings are `warning: `: what the commands print. */
export function formatLabelledProblem(p: Problem): string {
  return renderProblem(p, true);
}

function renderProblem(p: Problem, labelErrors: boolean): string {
  const place = formatPlace(p);
  const label = p.severity === 'warning' ? 'warning: ' : labelErrors ? 'error: ' : '';
  const head = `${place ? `${place}: ` : ''}${label}${p.message}`;
  return p.hint ? `${head}\n  hint: ${p.hint}` : head;
}

/** Orders problems by file, line and column, then subject, so that output is stable. */
export function compareProblems(a: Problem, b: Problem): number {
  const la = a.location;
  const lb = b.location;
  return (
    (la?.file ?? '').localeCompare(lb?.file ?? '') ||
    (la?.line ?? 0) - (lb?.line ?? 0) ||
    (la?.column ?? 0) - (lb?.column ?? 0) ||
    (a.subject ?? '').localeCompare(b.subject ?? '') ||
    a.message.localeCompare(b.message)
  );
}

/** Wraps a lower-level failure with the step that was running, keeping its problems. */
export function inStep<T>(step: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ProblemsError) throw e;
    throw new ProblemsError([{ code: 'internal', message: `${step}: ${e instanceof Error ? e.message : String(e)}` }]);
  }
}
