/**
 * Every check, once, in the order they run (`CHECKS`): the checks of a rendered stage as a whole
 * (what the stage's architecture or the kubelet forbids), then per object schema, API-server
 * rules, secret values and the safety policy, then references across the objects; and
 * `checkObjects`, which runs them over a set of objects in the steps of check-run.ts. Pure: objects
 * in, findings and problems out.
 */
import { compareFindingMessages } from '../errors.js';
import { groupOf } from '../k8s.js';
import { describeObject, type KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/rendered.js';
import { checkApiRules } from './api-rules.js';
import { CheckRun, checkPlan } from './check-run.js';
import type { Check, CheckContext, CheckMemo, CheckOptions, ObjectCheck } from './check-types.js';
import type { CrdRegistry } from './crds.js';
import { crdRegistry, isCustomGroup } from './crds.js';
import { apiVersionCaseFinding, checkCustomResource, validatingSchema } from './custom-resources.js';
import { fieldPath, finder, type Finding, type UsedException } from './finding.js';
import { hostPortProblems } from './host-ports.js';
import { staticPodProblems } from './static-pods.js';
import { checkNodePorts, checkObjectLimits } from './api-limits.js';
import { checkPodSecurity } from './pod-security.js';
import { checkReadiness } from './readiness.js';
import { objectReferences } from './references.js';
import { short } from './object-keys.js';
import { POD_MONITOR, SERVICE_MONITOR, objectSelections, type SelectionOptions } from './references-selectors.js';
import { checkSchema, isApiObject } from './schema.js';
import { checkSecretContent, checkSecretValues } from './secrets.js';
import { compareCodePoints } from '../model/order.js';

export interface CheckResult {
  /** Sorted by object, field and message (unless `sort: false`). */
  readonly findings: readonly Finding[];
  /** Declared policy exceptions that suppressed a finding. */
  readonly exceptions: readonly UsedException[];
}

/**
 * Findings by object, field, message and code: the same order whichever order the checks made
 * them in (kept results come back in another). Each object is described once and ranked among
 * the others, so that most comparisons are of two numbers; a field path is made only when two
 * findings of one object are compared (stages may have many warnings).
 */
function sortFindings(findings: readonly Finding[]): Finding[] {
  const described = new Map<KubeObject, string>();
  for (const f of findings) if (!described.has(f.object)) described.set(f.object, describeObject(f.object));
  const rank = new Map([...new Set(described.values())].sort(compareCodePoints).map((d, i) => [d, i]));
  const keyed = findings.map((f): { f: Finding; object: number; field?: string } => ({ f, object: rank.get(described.get(f.object)!)! }));
  keyed.sort(
    (a, b) =>
      a.object - b.object ||
      compareCodePoints((a.field ??= fieldPath(a.f.path)), (b.field ??= fieldPath(b.f.path))) ||
      compareFindingMessages(a.f, b.f) ||
      compareCodePoints(a.f.code, b.f.code),
  );
  return keyed.map((k) => k.f);
}

/** The static Pods of a stage's node files, after the transforms. */
function staticPods(r: RenderedStage): KubeObject[] {
  return r.nodeFiles.flatMap((f) => (f.document.kind === 'Pod' ? [f.document as KubeObject] : []));
}

/** Whether ServiceMonitors are checked: only when their CRD is known. */
const serviceMonitors = (registry: CrdRegistry) => registry.lookup(SERVICE_MONITOR.apiVersion, SERVICE_MONITOR.kind) !== undefined;
/** Whether PodMonitors are checked: only when their CRD is known. */
const podMonitors = (registry: CrdRegistry) => registry.lookup(POD_MONITOR.apiVersion, POD_MONITOR.kind) !== undefined;

/** What the selections are checked with, per registry (one per run of the checks): not a lookup and an object per object checked. */
const selectionOptions = new WeakMap<CrdRegistry, SelectionOptions>();
function selectionOptionsOf(registry: CrdRegistry): SelectionOptions {
  let options = selectionOptions.get(registry);
  if (!options)
    selectionOptions.set(registry, (options = { serviceMonitors: serviceMonitors(registry), podMonitors: podMonitors(registry) }));
  return options;
}

/**
 * What the traced checks read besides the objects, as text (its SHA-256 when long): their results
 * are kept for this only. Hashed because every cached app keeps it, and the cluster-scoped kinds of
 * the known CRDs alone are some 5 KB, which every synthesis would read back once per app.
 */
function tracedContext({ options, registry }: CheckContext): string {
  // which custom kinds are at cluster scope decides the namespace their objects are checked in;
  // left out when none is, so that what was kept for a stage without them still holds
  const { clusterScopedKinds } = registry;
  const context = JSON.stringify({
    existingNamespaces: options.existingNamespaces ?? [],
    // left out when none is declared, so that what was kept for a stage without them still holds
    ...(options.existingObjects?.length ? { existingObjects: options.existingObjects } : {}),
    serviceMonitors: serviceMonitors(registry),
    // left out when its CRD is not known, as above
    ...(podMonitors(registry) ? { podMonitors: true } : {}),
    ...(clusterScopedKinds.length ? { clusterScopedKinds } : {}),
    // the engine that applies the stage, and its sync policy, which refs/autoscaled-replicas names: only when there is one, as above
    ...(options.engine
      ? { engine: options.engine, ...(options.sync ? { automated: options.sync.automated, selfHeal: options.sync.selfHeal } : {}) }
      : {}),
  });
  return short(context);
}

/** Whether `o` is a custom resource: its kind has a known CRD, or its group is no built-in one. */
const isCustom = (o: KubeObject, c: CheckContext) =>
  typeof o.apiVersion === 'string' && (c.registry.lookup(o.apiVersion, o.kind) !== undefined || isCustomGroup(o.apiVersion));

/** What an unknown custom kind is for `o` (`checkCustomResource`): a warning for the stage's own objects. */
const unknownKind = (o: KubeObject, { options }: CheckContext) => (options.ownObjects?.has(o) ? 'warning' : options.unknownCustomKinds);

/**
 * What the per-object checks read of the CRDs for a custom resource `o` (`CheckList.crdContext`): the
 * CRD defining its group and kind, and that of its apiVersion in lowercase (`apiVersionCaseFinding`),
 * by identity (null: none), and what an unknown kind is; undefined for a built-in object.
 */
function crdContext(o: KubeObject, c: CheckContext, identity: (o: KubeObject) => string): string | undefined {
  if (!isCustom(o, c)) return undefined;
  const apiVersion = String(o.apiVersion);
  const definer = (v: string) => {
    const crd = c.registry.definitionOf(groupOf(v), String(o.kind));
    return crd ? identity(crd) : null;
  };
  const lower = apiVersion.toLowerCase();
  // written (which the unknown kind's hint reads) is left out: only checkStage keeps results, always written
  return JSON.stringify([unknownKind(o, c) ?? 'warning', definer(apiVersion), lower === apiVersion ? null : definer(lower)]);
}

/**
 * The findings of the CRDs among the objects (a folder's CRDs are trusted), and once per CRD with
 * CEL rules, on its first resource, that those rules are not evaluated here, naming how many of
 * its resources are checked without them (a CRD among the objects says so itself).
 */
function crdFindings(objects: readonly KubeObject[], { registry }: CheckContext): Finding[] {
  // no CRD's own problem and no CEL rule: nothing to report on any object
  if (registry.crdFindings.length === 0 && !registry.cel) return [];
  const ownCrds = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition'));
  // by CRD: its first resource and how many it has
  const celKinds = new Map<KubeObject, { first: KubeObject; count: number; kind: string }>();
  for (const o of objects) {
    const kind = typeof o.apiVersion === 'string' ? registry.lookup(o.apiVersion, o.kind) : undefined;
    if (!kind?.cel) continue;
    const seen = celKinds.get(kind.crd);
    if (seen) seen.count++;
    else celKinds.set(kind.crd, { first: o, count: 1, kind: o.kind });
  }
  const unchecked = ({ count, kind }: { count: number; kind: string }) =>
    `${count === 1 ? `this ${kind} is` : `the ${count} ${kind} objects are`} checked without them`;
  // a CRD among the objects says it itself, with how many of its resources there are
  const findings = registry.crdFindings.flatMap((f) => {
    if (!ownCrds.has(f.object)) return [];
    const resources = f.code === 'crd/cel-not-evaluated' ? celKinds.get(f.object) : undefined;
    const { count, kind } = resources ?? { count: 0, kind: '' };
    return [
      count
        ? {
            ...f,
            message: `${f.message}; ${count === 1 ? `1 ${kind} object is` : `${count} ${kind} objects are`} checked here without them`,
          }
        : f,
    ];
  });
  for (const [crd, resources] of celKinds) {
    if (ownCrds.has(crd)) continue;
    findings.push({
      ...finder(resources.first)(
        'crd/cel-not-evaluated',
        ['apiVersion'],
        `the CustomResourceDefinition ${String(crd.metadata.name)} has x-kubernetes-validations (CEL) rules, which are not evaluated here: ${unchecked(resources)}`,
        'test such resources against a cluster (kubectl apply --dry-run=server) for those rules',
      ),
      severity: 'warning',
    });
  }
  return findings;
}

/** Every check, once, in the order it runs. */
export const CHECKS: readonly Check[] = [
  {
    name: 'host-ports',
    scope: 'stage',
    run: (r) =>
      // an app whose summary says it is plain has no hostPort: its objects are not read
      hostPortProblems([...r.charts.flatMap((c) => (c.summary?.plain ? [] : c.objects)), ...staticPods(r)], {
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
  {
    name: 'schema',
    scope: 'object',
    run: (o, { registry, options }) => {
      const wrongCase = apiVersionCaseFinding(o, registry);
      if (wrongCase) return { findings: [wrongCase] };
      return {
        findings: isCustom(o, { registry, options })
          ? checkCustomResource(o, registry, {
              unknownKind: unknownKind(o, { registry, options }),
              written: options.written,
              own: options.ownObjects?.has(o),
            })
          : checkSchema(o),
      };
    },
  },
  {
    name: 'api-rules',
    scope: 'object',
    // a custom resource's CRD, which the schema check validates it against: what that says is not said twice
    run: (o, c) => ({ findings: checkApiRules(o, { engine: c.options.engine, crd: validatingSchema(o, c.registry) }) }),
  },
  { name: 'secret-values', scope: 'object', run: (o, c) => ({ findings: checkSecretValues(o, { written: c.options.written }) }) },
  { name: 'pod-security', scope: 'object', run: (o, c) => checkPodSecurity(o, c.options.podSecurity ?? 'baseline') },
  { name: 'api-limits', scope: 'object', run: (o) => ({ findings: checkObjectLimits(o) }) },
  { name: 'node-ports', scope: 'objects', run: (objects) => checkNodePorts(objects) },
  {
    name: 'references',
    scope: 'traced',
    run: (o, index, { options, registry }) => {
      // most objects find nothing: no third array spread from two empty ones (15,000 a fleet stage, in unoptimized code)
      const found = objectReferences(o, index, options);
      const selections = objectSelections(o, index, selectionOptionsOf(registry));
      return selections.length === 0 ? found : found.concat(selections);
    },
  },
  { name: 'readiness', scope: 'traced', run: (o, index) => checkReadiness(o, index) },
];

/** `CHECKS` as the steps of a run (check-run.ts), after the screen for secrets every object goes through. */
const PLAN = checkPlan({
  screen: { name: 'secret-content', scope: 'object', run: (o, c) => checkSecretContent(o, { written: c.options.written }) },
  checks: CHECKS,
  tracedContext,
  crdContext,
});

/** The checks of one object at a time, in order, as the memo numbers their results: the screen for secrets, then those of `CHECKS`. */
export const OBJECT_CHECKS: readonly ObjectCheck[] = PLAN.objectChecks;

/**
 * Every object and cross-object check over a set of objects: one stage's, or the manifests of one
 * `npm run check`. With `memo`, the per-object checks of a named built-in object run only when the
 * memo has nothing for it (a custom resource's result depends on the CRDs around it: always checked).
 * The steps are `CheckRun`'s (check-run.ts), the checks in the order of `CHECKS`.
 */
export function checkObjects(all: readonly KubeObject[], options: CheckOptions = {}, memo?: CheckMemo): CheckResult {
  // a kubeconfig or a Kustomization next to the manifests is no API object: nothing to check
  const objects = all.filter(isApiObject);
  // the CRDs of the objects last: a stage's own CRD replaces a folder's of the same kind (as compile-stage.ts takes its scope)
  const context: CheckContext = { options, registry: crdRegistry([...(options.crds ?? []), ...objects]) };
  const { reported, exceptions } = new CheckRun({ plan: PLAN, all, objects, context, memo }).run();
  return {
    findings: options.sort === false ? reported : sortFindings(reported),
    exceptions,
  };
}

export type { Finding, UsedException } from './finding.js';
export type { Check, CheckContext, CheckMemo, CheckOptions, TracedResult } from './check-types.js';
