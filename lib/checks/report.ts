/**
 * Rendering findings for people (text), for scripts (JSON) and for code scanning (SARIF 2.1.0).
 * Pure: findings and their places in, a string out.
 */
import { compareProblems, formatLabelledProblem, type Problem, type SourceLocation } from '../errors.js';
import { fieldPath, toProblem, type Finding } from './finding.js';
import { ruleInfo } from '../model/rules.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface Located {
  readonly finding: Finding;
  readonly location?: SourceLocation;
  /** `toProblem(finding, location)`, when the caller has made it already. */
  readonly problem?: Problem;
}

/**
 * Findings with their places, in report order (file, line, column, subject, message). Each is
 * made a problem once, for sorting and the text report, rather than once per comparison.
 */
export function locateFindings(findings: readonly Finding[], locate: (f: Finding) => SourceLocation | undefined): Located[] {
  return findings
    .map((finding) => {
      const location = locate(finding);
      return { finding, location, problem: toProblem(finding, location) };
    })
    .sort((a, b) => compareProblems(a.problem, b.problem));
}

function counts(items: readonly Located[]): string {
  const errors = items.filter((i) => i.finding.severity === 'error').length;
  const warnings = items.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** The text report: one problem per finding, then `N objects checked: E errors, W warnings`. */
export function textReport(items: readonly Located[], objects: number): string {
  let text = '';
  for (const i of items) text += `${formatLabelledProblem(i.problem ?? toProblem(i.finding, i.location))}\n`;
  return `${text}${objects} object${objects === 1 ? '' : 's'} checked: ${counts(items)}\n`;
}

function jsonItem({ finding: f, location }: Located) {
  return {
    code: f.code,
    severity: f.severity,
    object: {
      apiVersion: f.object.apiVersion,
      kind: f.object.kind,
      namespace: f.object.metadata?.namespace,
      name: f.object.metadata?.name,
    },
    field: fieldPath(f.path),
    message: f.message,
    ...(f.hint ? { hint: f.hint } : {}),
    ...(location ? { location } : {}),
  };
}

export function jsonReport(items: readonly Located[], objects: number): string {
  return JSON.stringify({ objects, findings: items.map(jsonItem) }, null, 2) + '\n';
}

/** A SARIF reportingDescriptor: the rule's short description and help text (lib/checks/rules.ts). */
function sarifRule(id: string) {
  const r = ruleInfo(id);
  const help = `${r.help}${r.mirrors ? ` Mirrors: ${r.mirrors}.` : ''}${r.exception ? ` Exception: ${r.exception}.` : ''}`;
  return { id, shortDescription: { text: r.short }, fullDescription: { text: r.help }, help: { text: help } };
}

/** SARIF 2.1.0, as GitHub code scanning reads it: one rule per finding code, with its description and help. */
export function sarifReport(items: readonly Located[], version: string): string {
  const rules = [...new Set(items.map((i) => i.finding.code))].sort();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'stagecraft', version, informationUri: 'https://stagecraft.dev', rules: rules.map(sarifRule) } },
        results: items.map(({ finding: f, location }) => ({
          ruleId: f.code,
          ruleIndex: rules.indexOf(f.code),
          level: f.severity,
          message: { text: toProblem(f).message + (f.hint ? ` (hint: ${f.hint})` : '') },
          ...(location
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: location.file.split('\\').join('/') },
                      region: { startLine: location.line, startColumn: location.column },
                    },
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
