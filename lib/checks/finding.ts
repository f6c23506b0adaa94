/**
 * A finding: one thing a check found wrong (or worth a warning) in one object, at one field.
 * Checks produce findings about plain objects; where the objects came from (a synthesized
 * stage, a YAML file) only matters when findings are turned into problems (`toProblem`).
 */
import { escapeName, type Finding, type Problem, type SourceLocation } from '../errors.js';
import type { KubeObject } from '../model/object.js';
import { formatFieldPath as fieldPath, type FieldPath } from '../model/field-path.js';
import { didYouMean } from '../model/did-you-mean.js';
import type { ExceptionUse } from '../model/kept-checks.js';
import { describeShown } from './secret-places.js';

export type { FieldPath } from '../model/field-path.js';

export type { Finding } from '../errors.js';

/** A declared exception that suppressed a policy finding: listed in the synth summary. */
export interface UsedException extends ExceptionUse {
  readonly object: KubeObject;
}

/** A field path as users read it: `spec.containers[0].image` (lib/model's formatter, by the name checks use). */
export { formatFieldPath as fieldPath } from '../model/field-path.js';

/** Makes findings of one severity and code family for one object; keeps checks short. */
export function finder(object: KubeObject, severity: Finding['severity'] = 'error') {
  return (code: string, path: FieldPath, message: string, hint?: string): Finding => ({
    code,
    severity,
    object,
    path,
    message,
    ...(hint ? { hint } : {}),
  });
}

/** What `finder` makes: a function from code, field, message and hint to a finding. */
export type Emit = ReturnType<typeof finder>;

/**
 * A finding as a problem: `Kind namespace/name: field.path: message`, placed at `location`
 * when the object came from a file.
 */
export function toProblem(f: Finding, location?: SourceLocation): Problem {
  const field = fieldPath(f.path);
  return {
    code: f.code,
    severity: f.severity,
    message: `${escapeName(describeShown(f.object))}: ${field ? `${field}: ` : ''}${f.message}`,
    ...(location ? { location } : {}),
    ...(f.hint ? { hint: f.hint } : {}),
  };
}

/** The synth summary's lines for declared exceptions: `exception: DaemonSet kube-system/x: host-namespaces (hostNetwork: true): <reason>`. */
export function exceptionLines(exceptions: readonly UsedException[]): string[] {
  return exceptions.map((e) => escapeName(`exception: ${describeShown(e.object)}: ${e.control} (${e.allows}): ${e.reason}`)).sort();
}

/** `hint`, after "did you mean '<name>'?" when one of `known` is near enough to `name` to be what it meant. */
export function guessing(name: string, known: readonly string[], hint: string): string {
  const guess = didYouMean(name, known);
  return guess === undefined ? hint : `did you mean '${guess}'? Otherwise ${hint}`;
}

/**
 * The hint of a reference to `name` that is not there, none of `names` (those there): the name meant when one
 * of them is near it, and else to fix the name; then `add` (what adding the object takes) and, after no guess,
 * `declare` (how one made outside the objects is declared), which a misspelt name does not need.
 */
export function missingHint(name: string, names: readonly string[], add: string, declare?: string): string {
  const guess = didYouMean(name, names);
  return guess !== undefined ? `did you mean '${guess}'? Otherwise ${add}` : `fix the name, or ${add}${declare ? `; ${declare}` : ''}`;
}

/** Names listed in one message at most: a stage may have thousands. */
export const MAX_LISTED = 10;

/** `a, b` (`a, b, ... and 12 more` past MAX_LISTED) or `none`, for messages listing what exists. */
export function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  if (names.length <= MAX_LISTED) return names.join(', ');
  return `${names.slice(0, MAX_LISTED).join(', ')} and ${names.length - MAX_LISTED} more`;
}
