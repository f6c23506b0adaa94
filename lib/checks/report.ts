/**
 * Rendering findings for people (text), for scripts (JSON) and for code scanning (SARIF 2.1.0), with
 * the declared exceptions that suppressed others (listed in each, never applied silently).
 * Pure: findings and their places in, a string out.
 */
import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  STDIN_FILE,
  compareFindingMessages,
  compareProblems,
  formatLabelledProblem,
  type Problem,
  type SourceLocation,
} from '../errors.js';
import { exceptionLines, fieldPath, toProblem, type FieldPath, type Finding, type UsedException } from './finding.js';
import { compareCodePoints } from '../model/order.js';
import { ruleInfo } from '../model/rules.js';
import { shownPart } from './secret-places.js';
import type { KubeObject } from '../model/object.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Another place a finding is about, with what it is there (`first defined`: the first definition of an object defined twice). */
export interface RelatedPlace {
  readonly location: SourceLocation;
  readonly message: string;
}

export interface Located {
  readonly finding: Finding;
  readonly location?: SourceLocation;
  /** The other places the finding is about, said with it. @default - none */
  readonly related?: readonly RelatedPlace[];
  /** `toProblem(finding, location)`, when the caller has made it already. */
  readonly problem?: Problem;
}

/** A located finding being sorted: its problem made only when two findings share a place. */
interface Sorting {
  readonly finding: Finding;
  readonly location?: SourceLocation;
  readonly related?: readonly RelatedPlace[];
  problem?: Problem;
}

/** `file:line:col`, as a place is printed. */
const placeText = (l: SourceLocation) => `${l.file}:${l.line}:${l.column}`;

/** A located finding as a problem: the finding's, with each related place listed under it (`first defined at a.yaml:4:9`). */
function problemOfLocated({ finding, location, related }: Omit<Located, 'problem'>): Problem {
  const problem = toProblem(finding, location);
  return related?.length ? { ...problem, lines: related.map((r) => `${r.message} at ${placeText(r.location)}`) } : problem;
}

const problemOf = (i: Sorting): Problem => (i.problem ??= problemOfLocated(i));

/**
 * Report order: file, line and column, then the problem's message (object, field and message),
 * then code, severity and hint, so that the order does not depend on the order the checks made
 * the findings in. The message is made only for findings that share a place.
 */
function compareLocated(a: Sorting, b: Sorting): number {
  const la = a.location;
  const lb = b.location;
  const byPlace =
    (la === lb ? 0 : compareCodePoints(la?.file ?? '', lb?.file ?? '')) ||
    (la?.line ?? 0) - (lb?.line ?? 0) ||
    (la?.column ?? 0) - (lb?.column ?? 0);
  if (byPlace) return byPlace;
  const fa = a.finding;
  const fb = b.finding;
  // on one object's field, the problems' messages differ where the findings' do
  const sameField = fa.object === fb.object && samePath(fa.path, fb.path);
  return (
    (sameField ? compareFindingMessages(fa, fb) : compareProblems(problemOf(a), problemOf(b))) ||
    compareCodePoints(fa.code, fb.code) ||
    compareCodePoints(fa.severity, fb.severity) ||
    compareCodePoints(fa.hint ?? '', fb.hint ?? '')
  );
}

function samePath(a: FieldPath, b: FieldPath): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Findings with their places, in report order (file, line, column, message, code); see `compareLocated`.
 * @param related the other places a finding is about (lib/checks/manifests.ts `Manifests.related`) @default - none
 */
export function locateFindings(
  findings: readonly Finding[],
  locate: (f: Finding) => SourceLocation | undefined,
  related?: (f: Finding) => readonly RelatedPlace[],
): Located[] {
  return findings
    .map((finding): Sorting => {
      const others = related?.(finding);
      return { finding, location: locate(finding), ...(others?.length ? { related: others } : {}) };
    })
    .sort(compareLocated);
}

function counts(items: readonly Located[]): string {
  const errors = items.filter((i) => i.finding.severity === 'error').length;
  const warnings = items.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** Characters of report text per piece that `textReportPieces` yields. */
const PIECE_CHARS = 1 << 16;

/**
 * The text report in pieces of about 64 KiB, for writing as it is made: one problem per finding,
 * then `N objects checked: E errors, W warnings`. A report of 20,000 objects with findings is
 * tens of megabytes, which as one string (and its bytes) were made and held at once.
 * @param format each problem as printed (lib/cli colours it on a terminal)
 */
export function* textReportPieces(
  items: readonly Located[],
  objects: number,
  format = formatLabelledProblem,
  exceptions: readonly UsedException[] = [],
): Generator<string> {
  let text = '';
  for (const i of items) {
    text += `${format(i.problem ?? problemOfLocated(i))}\n`;
    if (text.length >= PIECE_CHARS) {
      yield text;
      text = '';
    }
  }
  for (const line of exceptionLines(exceptions)) text += `${line}\n`;
  yield `${text}${objects} object${objects === 1 ? '' : 's'} checked: ${counts(items)}${exceptions.length ? `, ${exceptions.length} exception${exceptions.length === 1 ? '' : 's'} used` : ''}\n`;
}

/** The text report as one string (see `textReportPieces`). */
export function textReport(items: readonly Located[], objects: number, exceptions: readonly UsedException[] = []): string {
  return [...textReportPieces(items, objects, formatLabelledProblem, exceptions)].join('');
}

/** An object as --json names it: its group, kind, namespace and name, each that is a secret hidden (`shownPart`). */
const shownObject = (o: KubeObject) => {
  const shown = (v: unknown) => (typeof v === 'string' ? shownPart(o, v) : v);
  return { apiVersion: shown(o.apiVersion), kind: shown(o.kind), namespace: shown(o.metadata?.namespace), name: shown(o.metadata?.name) };
};

/** An exception used, for scripts: its object, what it allows, the code it suppressed and the reason. */
const jsonException = (e: UsedException) => ({
  object: shownObject(e.object),
  control: e.control,
  code: e.code,
  allows: e.allows,
  reason: e.reason,
});

function jsonItem({ finding: f, location, related }: Located) {
  return {
    code: f.code,
    severity: f.severity,
    object: shownObject(f.object),
    field: fieldPath(f.path),
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
    ...(location ? { location } : {}),
    ...(related?.length ? { related } : {}),
  };
}

export function jsonReport(items: readonly Located[], objects: number, exceptions: readonly UsedException[] = []): string {
  return (
    JSON.stringify(
      { objects, findings: items.map(jsonItem), ...(exceptions.length ? { exceptions: exceptions.map(jsonException) } : {}) },
      null,
      2,
    ) + '\n'
  );
}

/** The JSON report of a run that read no manifests (bad input, exit 2): the problems that stopped it. */
export function jsonFailure(problems: readonly Problem[]): string {
  const items = problems.map((p) => ({
    code: p.code,
    severity: p.severity ?? 'error',
    ...(p.subject ? { subject: p.subject } : {}),
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.location ? { location: p.location } : {}),
  }));
  return JSON.stringify({ problems: items }, null, 2) + '\n';
}

/** A SARIF reportingDescriptor: the rule's short description and help text (lib/checks/rules.ts). */
function sarifRule(id: string) {
  const r = ruleInfo(id);
  const help = `${r.help}${r.mirrors ? ` Mirrors: ${r.mirrors}.` : ''}${r.exception ? ` Exception: ${r.exception}.` : ''}`;
  return { id, shortDescription: { text: r.short }, fullDescription: { text: r.help }, help: { text: help } };
}

/** What relative artifact URIs are relative to: the project directory, which code scanning reads as the repository's root. */
const SOURCE_ROOT = '%SRCROOT%';

/**
 * A file as named in messages (relative to the project directory, or absolute), as SARIF's
 * `artifactLocation` (§3.4.3: an RFC 3986 URI reference): a relative path percent-encoded segment
 * by segment (`team#2/a b.yaml` -> `team%232/a%20b.yaml`: else `#` would start a fragment), with
 * uriBaseId %SRCROOT% (left undefined in the log, as CodeQL does, so that it holds no path of
 * this machine); an absolute one as a file:// URI.
 */
export function sarifArtifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  // a backslash separates only on Windows: elsewhere it is a character of the name (encoded)
  const segments = file.split(sep === '\\' ? /[\\/]/ : '/').filter((s) => s !== '' && s !== '.');
  return { uri: segments.map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
}

/** A SARIF physicalLocation at `location`. */
const sarifLocation = (location: SourceLocation) => ({
  physicalLocation: {
    artifactLocation: sarifArtifact(location.file),
    region: { startLine: location.line, startColumn: location.column },
  },
});

/**
 * A result's or notification's `locations` at `location`, and what its message adds. Standard input
 * (`check -`) is no artifact a URI names: its place is said in the message. A notification then has no
 * location (§3.27.12: locations may be absent); a result keeps `%3Cstdin%3E` under %SRCROOT%, since
 * code scanning refuses a whole log with a result of none (upload-sarif: `locationFromSarifResult:
 * expected at least one location`) and lists the alert at a file `<stdin>`.
 */
const sarifPlace = (location: SourceLocation | undefined, result: boolean): { locations?: object[]; said: string } =>
  location === undefined
    ? { said: '' }
    : location.file === STDIN_FILE
      ? {
          ...(result ? { locations: [sarifLocation(location)] } : {}),
          said: ` (standard input, line ${location.line}, column ${location.column})`,
        }
      : { locations: [sarifLocation(location)], said: '' };

/**
 * A result's relatedLocations (§3.27.22), numbered from 1, and what its message adds: each place as an
 * embedded link to its related location (§3.11.6, `first defined at [a.yaml:4:9](1)`, which code scanning
 * shows as a link), or in words for standard input, which no URI names.
 */
function sarifRelated(related: readonly RelatedPlace[]): { locations: object[]; said: string } {
  const locations: object[] = [];
  const said = related.map(({ location, message }) => {
    if (location.file === STDIN_FILE) return ` (${message} at standard input, line ${location.line}, column ${location.column})`;
    locations.push({ id: locations.length + 1, ...sarifLocation(location), message: { text: message } });
    // a bracket or backslash of the file's name would end or escape the link's text (§3.11.6): escaped
    return ` (${message} at [${placeText(location).replace(/[\\[\]]/g, '\\$&')}](${locations.length}))`;
  });
  return { locations, said: said.join('') };
}

/** A SARIF log of one run of stagecraft: its results, and whether it ran to the end (§3.20). */
function sarifLog(version: string, rules: readonly string[], results: readonly object[], invocation: object): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'stagecraft', version, informationUri: 'https://stagecraft.dev', rules: rules.map(sarifRule) } },
        invocations: [invocation],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/**
 * SARIF 2.1.0, as GitHub code scanning reads it: one rule per finding code, with its description and
 * help; each exception used is a result with an in-source suppression (§3.35), its reason the justification.
 */
export function sarifReport(
  items: readonly Located[],
  version: string,
  exceptions: readonly { readonly exception: UsedException; readonly location?: SourceLocation }[] = [],
): string {
  const rules = [...new Set([...items.map((i) => i.finding.code), ...exceptions.map((e) => e.exception.code)])].sort();
  const results = items.map(({ finding: f, location, related = [] }) => {
    const { locations, said } = sarifPlace(location, true);
    const others = sarifRelated(related);
    return {
      ruleId: f.code,
      ruleIndex: rules.indexOf(f.code),
      level: f.severity,
      message: { text: toProblem(f).message + said + others.said + (f.hint ? ` (hint: ${f.hint})` : '') },
      ...(locations ? { locations } : {}),
      ...(others.locations.length ? { relatedLocations: others.locations } : {}),
    };
  });
  const suppressed = exceptions.map(({ exception: e, location }) => {
    const { locations, said } = sarifPlace(location, true);
    return {
      ruleId: e.code,
      ruleIndex: rules.indexOf(e.code),
      level: 'error',
      message: { text: exceptionLines([e])[0]!.slice('exception: '.length) + said },
      ...(locations ? { locations } : {}),
      suppressions: [{ kind: 'inSource', justification: e.reason }],
    };
  });
  return sarifLog(version, rules, [...results, ...suppressed], { executionSuccessful: true });
}

/**
 * The SARIF log of a run that read no manifests (bad input, exit 2): no results, and the problems
 * that stopped it as the invocation's toolExecutionNotifications (§3.20.21), so that a file
 * written from stdout is still a valid log that says the run failed.
 */
export function sarifFailure(problems: readonly Problem[], version: string): string {
  const notifications = problems.map((p) => {
    const { locations, said } = sarifPlace(p.location, false);
    return {
      descriptor: { id: p.code },
      level: p.severity ?? 'error',
      message: { text: `${p.subject ? `${p.subject}: ` : ''}${p.message}${said}${p.hint ? ` (hint: ${p.hint})` : ''}` },
      ...(locations ? { locations } : {}),
    };
  });
  return sarifLog(version, [], [], { executionSuccessful: false, toolExecutionNotifications: notifications });
}
