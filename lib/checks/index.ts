/**
 * Every check, once, in the order they run (`CHECKS`): the checks of a rendered stage as a whole
 * (what the stage's architecture or the kubelet forbids), then per object schema, API-server
 * rules, secret values and the safety policy, then references across the objects. Pure: objects
 * in, findings and problems out.
 */
import type { Problem } from '../errors.js';
import { describeObject, type KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/render.js';
import { EXTERNAL_SECRET_API_VERSION } from '../constructs/external-secrets.js';
import { checkApiRules } from './api-rules.js';
import { fieldPath, type Finding, type UsedException } from './finding.js';
import { hostPortProblems } from './host-ports.js';
import { staticPodProblems } from './static-pods.js';
import { ObjectIndex } from './object-index.js';
import { checkPodSecurity, type PodSecurityLevel } from './pod-security.js';
import { checkReferences } from './references.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { REQUIRED_SECRETS_ANNOTATION, parseRequiredSecrets } from '../required-secrets.js';
import { NOT_API_OBJECTS, checkSchema } from './schema.js';
import { checkSecretValues } from './secrets.js';
import { compareCodePoints } from '../model/order.js';

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
  // the custom resources stagecraft generates itself (lib/delivery/): validated against their CRDs by the tests
  const out = new Set<string>([`${EXTERNAL_SECRET_API_VERSION}/ExternalSecret`]);
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
  keyed.sort((a, b) => compareCodePoints(a.object, b.object) || compareCodePoints(a.field, b.field) || compareCodePoints(a.f.message, b.f.message));
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

/** The static Pods of a stage's node files, after the transforms. */
function staticPods(r: RenderedStage): KubeObject[] {
  return r.nodeFiles.flatMap((f) => (f.document.kind === 'Pod' ? [f.document as KubeObject] : []));
}

/** What one object's check sees besides the object. */
interface ObjectContext {
  readonly options: CheckOptions;
  /** `apiVersion/kind` of the custom resources the checked objects define. */
  readonly customKinds: ReadonlySet<string>;
}

/** A check, by what it looks at. */
export type Check =
  /** A whole rendered stage; its problems are bad input (the stage asks for what cannot work). */
  | { readonly name: string; readonly scope: 'stage'; readonly run: (r: RenderedStage) => Problem[] }
  /** One object at a time. */
  | { readonly name: string; readonly scope: 'object'; readonly run: (o: KubeObject, c: ObjectContext) => { findings: Finding[]; exceptions?: UsedException[] } }
  /** Every object of a stage (or of the manifests checked) at once. */
  | { readonly name: string; readonly scope: 'objects'; readonly run: (objects: readonly KubeObject[], options: CheckOptions) => Finding[] };

/** Every check, once, in the order it runs. */
export const CHECKS: readonly Check[] = [
  {
    name: 'host-ports',
    scope: 'stage',
    run: (r) =>
      hostPortProblems([...r.charts.flatMap((c) => c.objects), ...staticPods(r)], { architecture: r.stage.architecture, stageName: r.stage.name }),
  },
  { name: 'static-pods', scope: 'stage', run: (r) => staticPods(r).flatMap((pod) => staticPodProblems(pod, `${r.source}: ${describeObject(pod)}`)) },
  { name: 'schema', scope: 'object', run: (o, c) => ({ findings: checkSchema(o, c.customKinds) }) },
  { name: 'api-rules', scope: 'object', run: (o) => ({ findings: checkApiRules(o) }) },
  { name: 'secret-values', scope: 'object', run: (o) => ({ findings: checkSecretValues(o) }) },
  { name: 'pod-security', scope: 'object', run: (o, c) => checkPodSecurity(o, c.options.podSecurity ?? 'baseline') },
  {
    name: 'references',
    scope: 'objects',
    run: (objects, options) => checkReferences(new ObjectIndex([...objects, ...requiredSecrets(objects)]), options),
  },
];

/** Every object and cross-object check over a set of objects: one stage's, or the manifests of one `npm run check`. */
export function checkObjects(all: readonly KubeObject[], options: CheckOptions = {}): CheckResult {
  // a kubeconfig or a Kustomization next to the manifests is no API object: nothing to check
  const objects = all.filter((o) => !NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`));
  const findings: Finding[] = [];
  const exceptions: UsedException[] = [];
  const context: ObjectContext = { options, customKinds: customKinds(objects) };
  for (const o of objects) {
    for (const check of CHECKS) {
      if (check.scope !== 'object') continue;
      const result = check.run(o, context);
      findings.push(...result.findings);
      exceptions.push(...(result.exceptions ?? []));
    }
  }
  for (const check of CHECKS) if (check.scope === 'objects') findings.push(...check.run(objects, options));
  return { findings: sortFindings(findings), exceptions };
}

/** What the checks found in a rendered stage. */
export interface StageCheckResult extends CheckResult {
  /** Problems of the stage as a whole: bad input, reported like a wrong stage file. */
  readonly problems: readonly Problem[];
}

/**
 * Every check over a rendered stage: the stage checks, then the object checks over its charts'
 * objects, then over the static Pods of each node on their own (a kubelet names its static pods
 * after the node, so the same pod on two nodes is no duplicate).
 */
export function checkStage(r: RenderedStage, options: CheckOptions): StageCheckResult {
  const problems = CHECKS.flatMap((check) => (check.scope === 'stage' ? check.run(r) : []));
  const results = [checkObjects(r.charts.flatMap((c) => c.objects), options)];
  const byNode = new Map<string, KubeObject[]>();
  for (const f of r.nodeFiles) if (f.document.kind === 'Pod') byNode.set(f.node, [...(byNode.get(f.node) ?? []), f.document as KubeObject]);
  for (const pods of byNode.values()) results.push(checkObjects(pods, options));
  return { problems, findings: results.flatMap((c) => c.findings), exceptions: results.flatMap((c) => c.exceptions) };
}

export type { Finding, UsedException } from './finding.js';
