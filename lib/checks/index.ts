/**
 * Every check over a set of objects (one stage, or the manifests of one `npm run check`), in
 * order: schema and API-server rules per object, then references across the objects, then the
 * safety policy. Pure: objects in, findings out.
 */
import type { KubeObject } from '../model/object.js';
import { checkApiRules } from './api-rules.js';
import { fieldPath, finder, type Finding, type UsedException } from './finding.js';
import { describeObject, numberNameless } from '../model/object.js';
import { checkCustomResource, crdRegistry, isCustomGroup } from './crds.js';
import { ObjectIndex } from './object-index.js';
import { checkPodSecurity, type PodSecurityLevel } from './pod-security.js';
import { checkReferences } from './references.js';
import { SERVICE_MONITOR, checkSelections } from './references-selectors.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { REQUIRED_SECRETS_ANNOTATION, parseRequiredSecrets } from '../required-secrets.js';
import { NOT_API_OBJECTS, checkSchema } from './schema.js';
import { checkSecretValues } from './secrets.js';

export interface CheckOptions {
  /** Pod Security Standard every workload must meet. @default 'baseline' */
  readonly podSecurity?: PodSecurityLevel;
  /** Namespaces that exist before the objects are applied, besides the built-in ones. @default [] */
  readonly existingNamespaces?: readonly string[];
  /**
   * CustomResourceDefinitions known besides those among the objects (a project's `crds/` folder,
   * `npm run check -- --crds <dir>`): their custom resources are validated, the CRDs are not checked.
   * @default []
   */
  readonly crds?: readonly KubeObject[];
}

export interface CheckResult {
  /** Sorted by object, field and message. */
  readonly findings: readonly Finding[];
  /** Declared policy exceptions that suppressed a finding. */
  readonly exceptions: readonly UsedException[];
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
  numberNameless(objects);
  // the CRDs of the objects first: a stage's own CRD wins over a folder's of the same kind
  const registry = crdRegistry([...objects, ...(options.crds ?? [])]);
  const ownCrds = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition'));
  findings.push(...registry.crdFindings.filter((f) => ownCrds.has(f.object)));
  const celNoted = new Set<KubeObject>(ownCrds);
  for (const o of objects) {
    const kind = typeof o.apiVersion === 'string' ? registry.lookup(o.apiVersion, o.kind) : undefined;
    const custom = kind !== undefined || (typeof o.apiVersion === 'string' && isCustomGroup(o.apiVersion));
    if (kind?.cel && !celNoted.has(kind.crd)) {
      // a folder's CRD gets no findings of its own: say once, on its first resource, what is not checked
      celNoted.add(kind.crd);
      findings.push({ ...finder(o)('crd/cel-not-evaluated', ['apiVersion'],
        `the CustomResourceDefinition ${String(kind.crd.metadata.name)} has x-kubernetes-validations (CEL) rules, which are not evaluated here`,
        'test such resources against a cluster (kubectl apply --dry-run=server) for those rules'), severity: 'warning' });
    }
    findings.push(...(custom ? checkCustomResource(o, registry) : checkSchema(o)), ...checkApiRules(o), ...checkSecretValues(o));
    const policy = checkPodSecurity(o, options.podSecurity ?? 'baseline');
    findings.push(...policy.findings);
    exceptions.push(...policy.exceptions);
  }
  const index = new ObjectIndex([...objects, ...requiredSecrets(objects)]);
  findings.push(...checkReferences(index, options));
  findings.push(...checkSelections(index, { serviceMonitors: registry.lookup(SERVICE_MONITOR.apiVersion, SERVICE_MONITOR.kind) !== undefined }));
  return { findings: sortFindings(findings), exceptions };
}

export type { Finding, UsedException } from './finding.js';
