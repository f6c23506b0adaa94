/**
 * Every check, once, in the order they run (`CHECKS`): the checks of a rendered stage as a whole
 * (what the stage's architecture or the kubelet forbids), then per object schema, API-server
 * rules, secret values and the safety policy, then references across the objects. Pure: objects
 * in, findings and problems out.
 */
import type { Problem } from '../errors.js';
import { describeObject, numberNameless, type KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/render.js';
import { checkApiRules } from './api-rules.js';
import { checkCustomResource, crdRegistry, isCustomGroup, type CrdRegistry } from './crds.js';
import { fieldPath, finder, type Finding, type UsedException } from './finding.js';
import { hostPortProblems } from './host-ports.js';
import { staticPodProblems } from './static-pods.js';
import { checkNodePorts, checkObjectLimits } from './api-limits.js';
import { ObjectIndex } from './object-index.js';
import { checkPodSecurity, type PodSecurityLevel } from './pod-security.js';
import { checkReferences } from './references.js';
import { SERVICE_MONITOR, checkSelections } from './references-selectors.js';
import { SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { REQUIRED_SECRETS_ANNOTATION, parseRequiredSecrets } from '../required-secrets.js';
import { NOT_API_OBJECTS, checkSchema } from './schema.js';
import { checkSecretContent, checkSecretValues, maskSecrets } from './secrets.js';
import { compareCodePoints } from '../model/order.js';
import type { KeptChecks, KeptObject, KeptResult } from '../model/kept-checks.js';

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
  keyed.sort(
    (a, b) => compareCodePoints(a.object, b.object) || compareCodePoints(a.field, b.field) || compareCodePoints(a.f.message, b.f.message),
  );
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

/** What a check sees besides the objects. */
interface CheckContext {
  readonly options: CheckOptions;
  /** The CRDs among the objects and the options': custom resources are validated against them. */
  readonly registry: CrdRegistry;
}

/** Whether `o` is a custom resource: its kind has a known CRD, or its group is no built-in one. */
const isCustom = (o: KubeObject, c: CheckContext) =>
  typeof o.apiVersion === 'string' && (c.registry.lookup(o.apiVersion, o.kind) !== undefined || isCustomGroup(o.apiVersion));

/**
 * The findings of the CRDs among the objects (a folder's CRDs are trusted), and once per CRD with
 * CEL rules, on its first resource, that those rules are not evaluated here.
 */
function crdFindings(objects: readonly KubeObject[], { registry }: CheckContext): Finding[] {
  const ownCrds = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition'));
  const findings = registry.crdFindings.filter((f) => ownCrds.has(f.object));
  const celNoted = new Set<KubeObject>(ownCrds);
  for (const o of objects) {
    const kind = typeof o.apiVersion === 'string' ? registry.lookup(o.apiVersion, o.kind) : undefined;
    if (!kind?.cel || celNoted.has(kind.crd)) continue;
    celNoted.add(kind.crd);
    findings.push({
      ...finder(o)(
        'crd/cel-not-evaluated',
        ['apiVersion'],
        `the CustomResourceDefinition ${String(kind.crd.metadata.name)} has x-kubernetes-validations (CEL) rules, which are not evaluated here`,
        'test such resources against a cluster (kubectl apply --dry-run=server) for those rules',
      ),
      severity: 'warning',
    });
  }
  return findings;
}

/** A check, by what it looks at. */
export type Check =
  /** A whole rendered stage; its problems are bad input (the stage asks for what cannot work). */
  | { readonly name: string; readonly scope: 'stage'; readonly run: (r: RenderedStage) => Problem[] }
  /** One object at a time. */
  | {
      readonly name: string;
      readonly scope: 'object';
      readonly run: (o: KubeObject, c: CheckContext) => { findings: Finding[]; exceptions?: UsedException[] };
    }
  /** Every object of a stage (or of the manifests checked) at once. */
  | { readonly name: string; readonly scope: 'objects'; readonly run: (objects: readonly KubeObject[], c: CheckContext) => Finding[] };

/** Every check, once, in the order it runs. */
export const CHECKS: readonly Check[] = [
  {
    name: 'host-ports',
    scope: 'stage',
    run: (r) =>
      hostPortProblems([...r.charts.flatMap((c) => c.objects), ...staticPods(r)], {
        architecture: r.stage.architecture,
        stageName: r.stage.name,
      }),
  },
  {
    name: 'static-pods',
    scope: 'stage',
    run: (r) => staticPods(r).flatMap((pod) => staticPodProblems(pod, `${r.source}: ${describeObject(pod)}`)),
  },
  { name: 'crds', scope: 'objects', run: crdFindings },
  { name: 'schema', scope: 'object', run: (o, c) => ({ findings: isCustom(o, c) ? checkCustomResource(o, c.registry) : checkSchema(o) }) },
  { name: 'api-rules', scope: 'object', run: (o) => ({ findings: checkApiRules(o) }) },
  { name: 'secret-values', scope: 'object', run: (o) => ({ findings: checkSecretValues(o) }) },
  { name: 'pod-security', scope: 'object', run: (o, c) => checkPodSecurity(o, c.options.podSecurity ?? 'baseline') },
  { name: 'api-limits', scope: 'object', run: (o) => ({ findings: checkObjectLimits(o) }) },
  { name: 'node-ports', scope: 'objects', run: (objects) => checkNodePorts(objects) },
  {
    name: 'references',
    scope: 'objects',
    run: (objects, { options, registry }) => {
      const index = new ObjectIndex([...objects, ...requiredSecrets(objects)]);
      const serviceMonitors = registry.lookup(SERVICE_MONITOR.apiVersion, SERVICE_MONITOR.kind) !== undefined;
      return [...checkReferences(index, options), ...checkSelections(index, { serviceMonitors })];
    },
  },
];

/**
 * What the per-object checks found on objects in an earlier run, kept with the render cache's
 * entry of their app (lib/synth/render.ts): an object of a cached app is the very object that was
 * checked, so its per-object results are the same; the checks across objects always run.
 */
export interface CheckMemo {
  /** What the per-object checks (`OBJECT_CHECKS`) found on `o`, or undefined to run them. */
  get(o: KubeObject): KeptObject | undefined;
  /** What they found on an object `get` had nothing for, to keep. */
  set(o: KubeObject, results: KeptObject): void;
}

type ObjectCheck = Extract<Check, { scope: 'object' }>;

/** The checks of one object at a time, in order: the screen for secrets every object goes through, then those of `CHECKS`. */
const OBJECT_CHECKS: readonly ObjectCheck[] = [
  { name: 'secret-content', scope: 'object', run: (o) => ({ findings: checkSecretContent(o) }) },
  ...CHECKS.filter((c): c is ObjectCheck => c.scope === 'object'),
];

/**
 * Every object and cross-object check over a set of objects: one stage's, or the manifests of one
 * `npm run check`. With `memo`, the per-object checks of a named built-in object run only when the
 * memo has nothing for it (a custom resource's result depends on the CRDs around it: always checked).
 */
export function checkObjects(all: readonly KubeObject[], options: CheckOptions = {}, memo?: CheckMemo): CheckResult {
  // a kubeconfig or a Kustomization next to the manifests is no API object: nothing to check
  const objects = all.filter((o) => !NOT_API_OBJECTS.has(`${o.apiVersion}/${o.kind}`));
  const findings: Finding[] = [];
  const exceptions: UsedException[] = [];
  // the CRDs of the objects first: a stage's own CRD wins over a folder's of the same kind
  const context: CheckContext = { options, registry: crdRegistry([...objects, ...(options.crds ?? [])]) };
  /** Per object the memo answers for: check -> what it found. */
  const remembered = new Map<KubeObject, ReadonlyMap<number, KeptResult>>();
  /** Objects to keep the results of: check -> its exceptions, and the places of its findings in `findings`. */
  const made = new Map<KubeObject, Map<number, { places: number[]; exceptions: UsedException[] }>>();
  /** Findings from the memo, masked when they were kept. */
  const masked = new Set<Finding>();
  if (memo) {
    for (const o of objects) {
      if (typeof o.metadata?.name !== 'string' || isCustom(o, context)) continue;
      const found = memo.get(o);
      if (found) remembered.set(o, new Map(found));
      else made.set(o, new Map());
    }
  }
  const runObjectCheck = (index: number, o: KubeObject) => {
    const known = remembered.get(o);
    if (known) {
      const found = known.get(index);
      // the object back in its place among the keys: the same finding as the check made
      for (const f of found?.findings ?? []) {
        const finding = { ...f, object: o };
        masked.add(finding);
        findings.push(finding);
      }
      for (const e of found?.exceptions ?? []) exceptions.push({ ...e, object: o });
      return;
    }
    const result = OBJECT_CHECKS[index].run(o, context);
    const making = made.get(o);
    if (making && (result.findings.length || result.exceptions?.length)) {
      making.set(index, { places: result.findings.map((_, i) => findings.length + i), exceptions: result.exceptions ?? [] });
    }
    findings.push(...result.findings);
    exceptions.push(...(result.exceptions ?? []));
  };
  // a kubeconfig is no API object, but may hold a token: every object is screened for secrets
  for (const o of all) runObjectCheck(0, o);
  numberNameless(objects);
  // in the list's order; per-object checks go through the objects one check at a time
  for (const check of CHECKS) {
    if (check.scope === 'objects') findings.push(...check.run(objects, context));
    else if (check.scope === 'object') {
      const index = OBJECT_CHECKS.indexOf(check);
      for (const o of objects) runObjectCheck(index, o);
    }
  }
  const reported = maskSecrets(findings, masked);
  // what is kept is what is reported: the findings masked, in the order the checks made them
  for (const [o, byCheck] of made) {
    memo!.set(
      o,
      [...byCheck].map(([index, { places, exceptions: used }]) => [
        index,
        {
          findings: places.map((p) => ({ ...reported[p], object: null })),
          ...(used.length ? { exceptions: used.map((e) => ({ ...e, object: null })) } : {}),
        },
      ]),
    );
  }
  return { findings: sortFindings(reported), exceptions };
}

/** What the checks found in a rendered stage. */
export interface StageCheckResult extends CheckResult {
  /** Problems of the stage as a whole: bad input, reported like a wrong stage file. */
  readonly problems: readonly Problem[];
  /** Per chart, what the per-object checks found on its objects, to keep with them (lib/synth/render.ts, `keepApps`). */
  readonly kept: ReadonlyMap<string, KeptChecks>;
}

/** The check options the per-object checks read: their results are kept for these options only. */
export function objectCheckContext(options: CheckOptions): string {
  return JSON.stringify({ podSecurity: options.podSecurity ?? 'baseline' });
}

/**
 * Every check over a rendered stage: the stage checks, then the object checks over its charts'
 * objects, then over the static Pods of each node on their own (a kubelet names its static pods
 * after the node, so the same pod on two nodes is no duplicate). The per-object results a chart
 * brings from the render cache (`checks`) are used instead of checking its objects again.
 */
export function checkStage(r: RenderedStage, options: CheckOptions): StageCheckResult {
  const problems = CHECKS.flatMap((check) => (check.scope === 'stage' ? check.run(r) : []));
  const context = objectCheckContext(options);
  const remembered = new Map<KubeObject, KeptObject>();
  for (const { objects, checks } of r.charts) {
    if (checks?.context !== context || checks.checks !== OBJECT_CHECKS.length || checks.results.length !== objects.length) continue;
    for (const [i, o] of objects.entries()) if (checks.results[i]) remembered.set(o, checks.results[i]);
  }
  const made = new Map<KubeObject, KeptObject>();
  const memo: CheckMemo = { get: (o) => remembered.get(o), set: (o, results) => made.set(o, results) };
  const results = [
    checkObjects(
      r.charts.flatMap((c) => c.objects),
      options,
      memo,
    ),
  ];
  const byNode = new Map<string, KubeObject[]>();
  for (const f of r.nodeFiles) if (f.document.kind === 'Pod') byNode.set(f.node, [...(byNode.get(f.node) ?? []), f.document as KubeObject]);
  for (const pods of byNode.values()) results.push(checkObjects(pods, options));
  // the other node files (a kubeconfig) are no API objects, but may hold a token
  const others = r.nodeFiles.filter((f) => f.document.kind !== 'Pod').map((f) => f.document as KubeObject);
  if (others.length) results.push(checkObjects(others, options));
  const kept = new Map(
    r.charts.map(
      (c) =>
        [
          c.name,
          { context, checks: OBJECT_CHECKS.length, results: c.objects.map((o) => remembered.get(o) ?? made.get(o) ?? null) },
        ] as const,
    ),
  );
  return { problems, findings: results.flatMap((c) => c.findings), exceptions: results.flatMap((c) => c.exceptions), kept };
}

export type { Finding, UsedException } from './finding.js';
