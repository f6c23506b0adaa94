/**
 * Every check over a set of objects (one stage, or the manifests of one `npm run check`), in
 * order: schema and API-server rules per object, then references across the objects, then the
 * safety policy. Pure: objects in, findings out.
 */
import type { KubeObject } from '../model/object.js';
import { checkApiRules } from './api-rules.js';
import { checkApiLimits } from './api-limits.js';
import { fieldPath, type Finding, type UsedException } from './finding.js';
import { describeObject } from '../model/object.js';
import { ObjectIndex } from './object-index.js';
import { checkPodSecurity, type PodSecurityLevel } from './pod-security.js';
import { checkReferences } from './references.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { REQUIRED_SECRETS_ANNOTATION, parseRequiredSecrets } from '../required-secrets.js';
import { NOT_API_OBJECTS, checkSchema } from './schema.js';
import { checkSecretValues } from './secrets.js';

export interface CheckOptions {
  /** Pod Security Standard every workload must meet. @default 'baseline' */
  readonly podSecurity?: PodSecurityLevel;
  /** Namespaces that exist before the objects are applied, besides the built-in ones. @default [] */
  readonly existingNamespaces?: readonly string[];
}

export interface CheckResult {
  /** Sorted by object, field and message. */
  readonly findings: readonly Finding[];
  /** Declared policy exceptions that suppressed a finding. */
  readonly exceptions: readonly UsedException[];
}

/** `apiVersion/kind` of the custom resources that CustomResourceDefinitions among `objects` define. */
function customKinds(objects: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; names?: { kind?: string }; versions?: { name?: string }[] } | undefined;
    for (const v of spec?.versions ?? []) out.add(`${spec?.group}/${v.name}/${spec?.names?.kind}`);
  }
  return out;
}

/** Findings by object, field and message; each key computed once (stages may have many warnings). */
function sortFindings(findings: readonly Finding[]): Finding[] {
  const keyed = findings.map((f) => ({ f, object: describeObject(f.object), field: fieldPath(f.path) }));
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  keyed.sort((a, b) => cmp(a.object, b.object) || cmp(a.field, b.field) || cmp(a.f.message, b.f.message));
  return keyed.map((k) => k.f);
}

/**
 * The Secrets that Namespaces say their stage needs (lib/required-secrets.ts), as value-less
 * Secrets listing their keys: present for the reference checks, never written anywhere.
 */
function requiredSecrets(objects: readonly KubeObject[]): KubeObject[] {
  return objects
    .filter((o) => o.kind === 'Namespace' && o.metadata.name)
    .flatMap((ns) =>
      parseRequiredSecrets(ns.metadata.annotations?.[REQUIRED_SECRETS_ANNOTATION]).map(({ name, keys }) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns.metadata.name, annotations: { [SECRET_KEYS_ANNOTATION]: keys.join(',') } },
      })),
    );
}

export function checkObjects(all: readonly KubeObject[], options: CheckOptions = {}): CheckResult {
  // a kubeconfig or a Kustomization next to the manifests is no API object: nothing to check
  const objects = all.filter((o) => !NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`));
  const findings: Finding[] = [];
  const exceptions: UsedException[] = [];
  const custom = customKinds(objects);
  for (const o of objects) {
    findings.push(...checkSchema(o, custom), ...checkApiRules(o), ...checkSecretValues(o));
    const policy = checkPodSecurity(o, options.podSecurity ?? 'baseline');
    findings.push(...policy.findings);
    exceptions.push(...policy.exceptions);
  }
  findings.push(...checkReferences(new ObjectIndex([...objects, ...requiredSecrets(objects)]), options), ...checkApiLimits(objects));
  return { findings: sortFindings(findings), exceptions };
}

export type { Finding, UsedException } from './finding.js';
