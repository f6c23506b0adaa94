/**
 * Problems: what went wrong, where, and what to do about it.
 *
 * Data and rendering are separate: every step collects `Problem`s and throws one `ProblemsError`
 * holding all of them; only `formatProblem` turns them into text, and only the CLI prints.
 */
import type { FieldPath } from './model/field-path.js';
import type { KubeObject } from './model/object.js';
import { compareCodePoints } from './model/order.js';

/** Exit codes of every command. */
export const ExitCode = {
  ok: 0,
  /** A check failed: findings in manifests, or `dist/` not equal to what the sources produce. */
  checkFailed: 1,
  /** The input is wrong: a stage file, a command line, a manifest that is not Kubernetes YAML. */
  badInput: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The file of a place in the manifests read from standard input (`kubectl kustomize overlays/qa | npm run
 * check -- -`): `<stdin>:12:5`. No file is named so: a path is named from the project directory.
 */
export const STDIN_FILE = '<stdin>';

/** A place in a source file; line and column count from 1. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * What every problem says, wherever it was found. The problem types below are views of it, by
 * how far the problem has been placed:
 * - `PathProblem`: at a path in a stage file (a stack's `refine`, the settings schema), before the
 *   loader turns the path into `file:line:col`;
 * - `Finding`: at a field of a Kubernetes object (the checks), before `toProblem` names the object;
 * - `Problem`: placed, ready to print (`formatProblem`), and what `ProblemsError` carries (a
 *   transform's names its object as `subject` and keeps the object and field in `field`, so that
 *   the compiler can place it in the file the object came from).
 */
export interface ProblemData {
  /** Stable identifier of the kind of problem, e.g. `config/type`: one of lib/model/codes.ts (tests, docs and SARIF key on it). */
  readonly code: string;
  /** What is wrong and why, as one sentence without a trailing period. */
  readonly message: string;
  /** What to do about it. */
  readonly hint?: string;
  /**
   * The lines the message lists under it (`changed: dist/qa/app.yaml`), printed indented after it, each on its
   * own line: the one way a problem spans lines, since a line feed in a message or a hint is escaped.
   * @default - none
   */
  readonly lines?: readonly string[];
  /** @default 'error' */
  readonly severity?: 'error' | 'warning';
  /**
   * One of the findings or problems of one value said one by one (each secret of a value that holds several, of the checks and of
   * a stage file's screen alike: lib/checks/secret-places.ts): the first one's message and this one's index (from 0), which the
   * sorters read in place of the message (`compareFindingMessages`), so that they keep the order the messages count them in
   * (`secret 2 of 12` after `secret 1 of 12`, `secret 10 of 12` after both).
   * @default - sorted by its own message
   */
  readonly series?: { readonly first: string; readonly index: number };
}

export interface Problem extends ProblemData {
  /** Where it is in a source file, when it came from one. */
  readonly location?: SourceLocation;
  /** The object and field, when there is no file to point at: `ReplicationController lab/nginx`. */
  readonly subject?: string;
  /**
   * The object (as the step saw it) and the field in it that the problem is about, set by a step
   * that works on objects before they are checked (a transform). Where the object came from an
   * included file, the compiler places the problem at that field there, as it places the checks'
   * findings (`placedFieldProblems`, lib/checks/manifests.ts), and drops this; an image with no
   * build that a stage-file setting of the object's app gave is placed at that setting
   * (lib/stage-images.ts).
   * @default - none
   */
  readonly field?: {
    readonly object: KubeObject;
    readonly path: FieldPath;
    /** The app (its key under `apps:`) that rendered the object: set by the transforms' runner (lib/transforms/index.ts). @default - none */
    readonly app?: string;
  };
  /** How many problems it stands for: a line that counts the problems not shown. @default 1 */
  readonly counts?: number;
}

/** A problem at a path of keys in a stage file (`['apps', 'demoapp', 'replicas']`), not yet located. */
export interface PathProblem extends ProblemData {
  readonly path: FieldPath;
  /** Set when the problem is about a key (unknown or duplicate), not a value. */
  readonly key?: string;
}

/** A problem a check found in one object, at one field. */
export interface Finding extends ProblemData {
  /** Stable identifier, `<check>/<what>`, e.g. `schema/unknown-field`, `refs/claim`. */
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** The object the finding is about. */
  readonly object: KubeObject;
  /** Where in the object, as keys from its root (`['spec', 'containers', 0, 'image']`). */
  readonly path: FieldPath;
  /** What is wrong, without the object and field (they are added when formatting). */
  readonly message: string;
  /** For unknown fields: the finding is about the key at `path`, not its value. */
  readonly atKey?: boolean;
}

/**
 * Orders findings or problems of one place by message (by code point), those of one series (`ProblemData.series`) together, where
 * the first one's message would be, in the order of their index: a series is sorted as one message, so that the order is total and
 * transitive.
 */
export function compareFindingMessages(a: ProblemData, b: ProblemData): number {
  return (
    compareCodePoints(a.series?.first ?? a.message, b.series?.first ?? b.message) ||
    (a.series?.index ?? 0) - (b.series?.index ?? 0) ||
    compareCodePoints(a.message, b.message)
  );
}

/**
 * A finding about an object of an app, with the stage-file key of that app (`apps.web`), where it
 * is said when no included file holds the object (`atApps`, lib/app-findings.ts): a team fixes
 * its stage file or stack, not dist/. Made after the checks, so never kept in a render cache entry.
 */
export interface AppFinding extends Finding {
  /** @default - none: said of the stage */
  readonly appAt?: SourceLocation;
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

/**
 * The control characters a terminal acts on (C0 but the tab, DEL, C1): ESC starts a sequence that
 * moves the cursor, clears the screen or sets the window's title, CR writes over the line. Each may
 * come from a repository (a file name, a YAML key) or a state file. The line feed too, always: a
 * problem's own lines (its `hint:`, the `lines` it lists) are the renderer's, so a name holding a
 * line feed and two spaces cannot forge an indented `hint:` line.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters to escape
const TEXT_CONTROLS = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
/** In a name (a file name, a key, a command), printed on one line: every control character, and the backslash that escapes them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the control characters to escape
const NAME_CONTROLS = /[\x00-\x1f\x7f-\x9f\\]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\' };

/** `c` as the escape a C string or YAML's double quotes write it in: `\x1b`, `\u2028`. */
export function hexEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

const escapeChar = (c: string) => ESCAPES[c] ?? hexEscape(c);

/**
 * `text` (a message, a hint, a line a message lists) with the control characters a terminal acts on
 * written as escapes (`\x1b`, `\r`, `\n`), as git quotes a path, so that what a name in it
 * holds prints as what it is and never rewrites the terminal nor starts a line of its own.
 */
export function escapeControls(text: string): string {
  return text.replace(TEXT_CONTROLS, escapeChar);
}

/**
 * A name (a file name, a YAML key, an object's name, a command) as a line prints it: every control
 * character escaped, the tab and the line feed too, and the backslash as `\\`, as git quotes a path,
 * so that a name holding `\x1b` as text prints otherwise than one holding ESC.
 */
export function escapeName(name: string): string {
  return name.replace(NAME_CONTROLS, escapeChar);
}

/** The characters no POSIX shell reads otherwise than as themselves in a word. */
const PLAIN_WORD = /^[A-Za-z0-9_./:@%+=,-]+$/;

/**
 * The longest word a hint's command writes: a longer path is shortened where a message names it
 * (`shorten` of lib/model/limits.ts, at 200 characters), so a command holding it could not be run as printed.
 */
export const MAX_SHELL_WORD = 200;

/**
 * `word` (a path) as a command that a hint gives (`cd`, `mv`, `rm`) must write it for a POSIX shell
 * to read it back: as it is when it is plain, else in single quotes (a `'` as `'\''`), so that a
 * project in `/home/me/my project` is told `cd '/home/me/my project'`, not a command that fails or
 * runs on two paths; a word starting with `-` gets `./`, so that it is no option. Undefined when no
 * command can hold it as printed: a control character (a line feed in a directory's name) is
 * printed as its escape (`escapeControls`), and a word over MAX_SHELL_WORD characters would not be
 * printed whole; a hint then says what to do in words.
 */
export function shellWord(word: string): string | undefined {
  return argumentWord(word.startsWith('-') ? `./${word}` : word);
}

/**
 * `word` as a command line that a hint gives must write it for a POSIX shell to read it back, as
 * `shellWord` does, but as it is when it starts with `-`: an option stays an option (`--stage=qa`,
 * `'--release=demoapp:1.2 beta'`). Undefined when no command can hold it as printed.
 */
export function argumentWord(word: string): string | undefined {
  if (word.length > MAX_SHELL_WORD || word.search(TEXT_CONTROLS) >= 0) return undefined;
  return PLAIN_WORD.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Names as a message lists them: `a, b`, each `escapeName`d. */
export function nameList(names: readonly string[]): string {
  return names.map(escapeName).join(', ');
}

/** Where a problem is, as `file:line:col` or the subject (`escapeName`). */
export function formatPlace(p: Problem): string | undefined {
  const l = p.location;
  const place = l ? `${l.file}:${l.line}:${l.column}` : p.subject;
  return place === undefined ? undefined : escapeName(place);
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
  // the lines listed hold names escapeName'd where they were made (a backslash in them is the escape's own)
  const listed = (p.lines ?? []).map((l) => `\n  ${escapeControls(l)}`).join('');
  const head = `${place ? `${place}: ` : ''}${label}${escapeControls(p.message)}${listed}`;
  return p.hint ? `${head}\n  hint: ${escapeControls(p.hint)}` : head;
}

/**
 * Orders problems by file (by code point), line and column alone, those without a place first:
 * with a stable sort, problems at one place (and those placed nowhere) keep their order.
 */
export function comparePlaces(a: Problem, b: Problem): number {
  const la = a.location;
  const lb = b.location;
  return compareCodePoints(la?.file ?? '', lb?.file ?? '') || (la?.line ?? 0) - (lb?.line ?? 0) || (la?.column ?? 0) - (lb?.column ?? 0);
}

/** Orders problems by file, line and column, then subject (by code point), so that output is the same on every machine. */
export function compareProblems(a: Problem, b: Problem): number {
  return comparePlaces(a, b) || compareCodePoints(a.subject ?? '', b.subject ?? '') || compareFindingMessages(a, b);
}

/** What a failure inside a step is reported as, besides the step's name. */
export interface StepOrigin {
  /** @default 'internal' */
  readonly code?: string;
  /** Where in a source file the step's input is; computed only when the step fails. */
  readonly location?: () => SourceLocation;
  readonly hint?: string;
}

/**
 * Wraps a lower-level failure with the step that was running, keeping its problems: an `Error`
 * thrown inside (a construct's own validation, say) becomes a problem with the step's code and
 * location.
 */
export function inStep<T>(step: string, run: () => T, origin: StepOrigin = {}): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ProblemsError) throw e;
    throw new ProblemsError([
      {
        code: origin.code ?? 'internal',
        message: `${step}: ${e instanceof Error ? e.message : String(e)}`,
        ...(origin.location ? { location: origin.location() } : {}),
        ...(origin.hint ? { hint: origin.hint } : {}),
      },
    ]);
  }
}
