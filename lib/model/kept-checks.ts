/**
 * What the per-object checks found on an object, without the object: kept with the object between
 * runs, in the render cache's entry of its app (lib/synth/rendered.ts, `keepApps`), and given back to the
 * checks (lib/checks/check-run.ts, `CheckRun`) so that an unchanged object is not checked again.
 */
import type { Finding } from '../errors.js';

/** A declared policy exception that suppressed a finding, without the object it is declared on. */
export interface ExceptionUse {
  readonly control: string;
  /** The code of the finding it suppressed (`policy/host-namespaces`, `secrets/value`): a SARIF suppression's rule. */
  readonly code: string;
  readonly reason: string;
  /** What the exception allows, e.g. `hostNetwork: true`. */
  readonly allows: string;
}

/**
 * What one per-object check found on one object, each finding and exception with `object: null`
 * in the object's place (so that the object put back takes the same place among the keys). Findings
 * are kept as reported: secret values in their messages already masked.
 */
export interface KeptResult {
  readonly findings: readonly (Omit<Finding, 'object'> & { readonly object: null })[];
  readonly exceptions?: readonly (ExceptionUse & { readonly object: null })[];
}

/** What the per-object checks found on one object: the checks that found something, by their place in the list, in order. */
export type KeptObject = readonly (readonly [check: number, result: KeptResult])[];

/** One lookup a check made in the other objects (a JSON array: the method and its arguments) and what it found, as text. */
export type Trace = readonly [query: string, found: string];

/**
 * What the checks across objects (the references) found on an app's objects, kept as reported,
 * and each lookup they made in the other objects with what it found (lib/checks/object-index.ts):
 * reused while every one of those lookups finds the same.
 */
export interface KeptReferences {
  /** The check options they read (lib/checks `tracedContext`): results for other options are not used. */
  readonly context: string;
  /** Every lookup made while checking any of the objects, once. */
  readonly traces: readonly Trace[];
  /** Per object, in order: what the checks found on it. */
  readonly findings: readonly KeptResult['findings'][];
}

/** The per-object check results of an app's objects, and what else they depended on. */
export interface KeptChecks {
  /** The check options the per-object checks read (lib/checks `objectCheckContext`): results for other options are not used. */
  readonly context: string;
  /** How many per-object checks there were: results of another list of checks are not used. */
  readonly checks: number;
  /** Per object, in order: what the checks found on it, or null when the object was not kept. */
  readonly results: readonly (KeptObject | null)[];
  /**
   * Per object, in order: for a custom resource, what the checks read of the CRDs around it
   * (lib/checks `crdContext`), whose results are used only while that is the same; null for a
   * built-in object. @default - every object is a built-in one
   */
  readonly crds?: readonly (string | null)[];
  /** What the reference checks found on the objects. @default - nothing kept: they are checked */
  readonly references?: KeptReferences;
}
