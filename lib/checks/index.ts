/**
 * Every check, once, in the order they run (`CHECKS`): the checks of a rendered stage as a whole
 * (what the stage's architecture or the kubelet forbids), then per object schema, API-server
 * rules, secret values and the safety policy, then references across the objects. Pure: objects
 * in, findings and problems out.
 */
import type { Engine } from '../model/engines.js';
import type { Problem } from '../errors.js';
import { describeObject, numberNameless, type KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/render.js';
import { checkApiRules } from './api-rules.js';
import { apiVersionCaseFinding, checkCustomResource, crdRegistry, isCustomGroup, type CrdRegistry } from './crds.js';
import { fieldPath, finder, type Finding, type UsedException } from './finding.js';
import { hostPortProblems } from './host-ports.js';
import { staticPodProblems } from './static-pods.js';
import { checkNodePorts, checkObjectLimits } from './api-limits.js';
import { ObjectIndex, type StandIn } from './object-index.js';
import { checkPodSecurity, type PodSecurityLevel } from './pod-security.js';
import { checkReadiness } from './readiness.js';
import { objectReferences } from './references.js';
import { SERVICE_MONITOR, objectSelections } from './references-selectors.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { requiredSecretsOf } from '../required-secrets.js';
import { REQUIRED_SERVICE_ACCOUNTS_ANNOTATION, parseRequiredServiceAccounts } from '../required-service-accounts.js';
import { checkSchema, isApiObject } from './schema.js';
import { checkSecretContent, checkSecretValues, maskSecrets } from './secrets.js';
import { compareCodePoints } from '../model/order.js';
import type { KeptObject, KeptResult, Trace } from '../model/kept-checks.js';

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
  /**
   * What a custom resource whose CRD is not known is (`checkCustomResource`): `checkStage` makes it
   * an error, since what synth writes must pass validation with the CRDs it is applied with.
   * @default 'warning' (manifests checked on their own may be meant for a cluster that has the CRD)
   */
  readonly unknownCustomKinds?: Finding['severity'];
  /**
   * Objects stagecraft makes itself from validated settings (a stage's ExternalSecrets): without
   * their CRD they are not validated, which stays a warning whatever `unknownCustomKinds` says.
   * @default - none
   */
  readonly ownObjects?: ReadonlySet<KubeObject>;
  /**
   * Whether the objects are written to dist/ and applied (`checkStage`): a Secret then holds no
   * key at all, not even an empty one (`checkSecretValues`), and existing namespaces are declared in
   * the stage file (the `refs/namespace` hint; else with `npm run check -- --namespace-exists`).
   * @default false (manifests checked on their own may declare keys with empty values)
   */
  readonly written?: boolean;
  /**
   * Whether findings are sorted by object, field and message; false leaves them in the order the
   * checks made them, for a caller that orders them itself (`npm run check` orders by place in
   * the files: lib/checks/report.ts). @default true
   */
  readonly sort?: boolean;
  /**
   * The GitOps engine that applies the objects (the stage's `delivery:`), which decides what a Helm
   * hook among them does (`api/helm-hook`) and whether server-side apply refuses them (Flux:
   * `api/env-repeat`). @default - kubectl apply
   */
  readonly engine?: Engine;
}

export interface CheckResult {
  /** Sorted by object, field and message (unless `sort: false`). */
  readonly findings: readonly Finding[];
  /** Declared policy exceptions that suppressed a finding. */
  readonly exceptions: readonly UsedException[];
}

/** What `checkObjects` found, and what its index took for cluster scope. */
export interface ObjectsCheckResult extends CheckResult {
  /** `group/kind` of the custom kinds at cluster scope, by the CRDs among the objects and the options' (`CrdRegistry`). */
  readonly clusterScopedKinds: readonly string[];
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
      compareCodePoints(a.f.message, b.f.message) ||
      compareCodePoints(a.f.code, b.f.code),
  );
  return keyed.map((k) => k.f);
}

/**
 * The Secrets that Namespaces say their stage needs (lib/required-secrets.ts), as value-less
 * Secrets listing their keys, and the ServiceAccounts made outside the stage
 * (lib/required-service-accounts.ts) that it does not define itself: present for the reference
 * checks, never written anywhere.
 */
function requiredSecrets(objects: readonly KubeObject[]): KubeObject[] {
  // metadata may be null as written (`metadata:` with nothing under it): the schema check says what it lacks
  const namespaces = objects.filter((o) => o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata?.name);
  if (namespaces.length === 0) return [];
  const accounts = new Set(
    objects
      .filter((o) => o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && o.metadata)
      .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
  );
  return namespaces.flatMap((ns) => [
    ...requiredSecretsOf(ns).map(({ name, keys }) => {
      // a Secret declared without its keys has no list of them: a pod may read any key (references-pods.ts)
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: ns.metadata.name, ...(keys ? { annotations: { [SECRET_KEYS_ANNOTATION]: keys.join(',') } } : {}) },
      };
      DECLARED_SECRETS.add(secret);
      return secret;
    }),
    ...parseRequiredServiceAccounts(ns.metadata.annotations?.[REQUIRED_SERVICE_ACCOUNTS_ANNOTATION])
      .filter((name) => !accounts.has(`${ns.metadata.name}/${name}`))
      .map((name): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns.metadata.name } })),
  ]);
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
  // no CRD's own problem and no CEL rule: nothing to report on any object
  if (registry.crdFindings.length === 0 && !registry.cel) return [];
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
  | { readonly name: string; readonly scope: 'objects'; readonly run: (objects: readonly KubeObject[], c: CheckContext) => Finding[] }
  /**
   * One object at a time against the others, looked up in the index of them all (with the Secrets
   * the Namespaces require): what it found on an object can be kept with the lookups it made, and
   * is reused while they find the same (`CheckMemo.references`).
   */
  | { readonly name: string; readonly scope: 'traced'; readonly run: (o: KubeObject, index: ObjectIndex, c: CheckContext) => Finding[] };

/** Whether ServiceMonitors are checked: only when their CRD is known. */
const serviceMonitors = (registry: CrdRegistry) => registry.lookup(SERVICE_MONITOR.apiVersion, SERVICE_MONITOR.kind) !== undefined;

/** What the traced checks read besides the objects: their results are kept for this only. */
function tracedContext({ options, registry }: CheckContext): string {
  // which custom kinds are at cluster scope decides the namespace their objects are checked in;
  // left out when none is, so that what was kept for a stage without them still holds
  const { clusterScopedKinds } = registry;
  return JSON.stringify({
    existingNamespaces: options.existingNamespaces ?? [],
    serviceMonitors: serviceMonitors(registry),
    ...(clusterScopedKinds.length ? { clusterScopedKinds } : {}),
  });
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
          ? checkCustomResource(o, registry, { unknownKind: options.ownObjects?.has(o) ? 'warning' : options.unknownCustomKinds })
          : checkSchema(o),
      };
    },
  },
  { name: 'api-rules', scope: 'object', run: (o, c) => ({ findings: checkApiRules(o, { engine: c.options.engine }) }) },
  { name: 'secret-values', scope: 'object', run: (o, c) => ({ findings: checkSecretValues(o, { written: c.options.written }) }) },
  { name: 'pod-security', scope: 'object', run: (o, c) => checkPodSecurity(o, c.options.podSecurity ?? 'baseline') },
  { name: 'api-limits', scope: 'object', run: (o) => ({ findings: checkObjectLimits(o) }) },
  { name: 'node-ports', scope: 'objects', run: (objects) => checkNodePorts(objects) },
  {
    name: 'references',
    scope: 'traced',
    run: (o, index, { options, registry }) => [
      ...objectReferences(o, index, options),
      ...objectSelections(o, index, { serviceMonitors: serviceMonitors(registry) }),
    ],
  },
  { name: 'readiness', scope: 'traced', run: (o, index) => checkReadiness(o, index) },
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
  /**
   * What the traced checks found on `o` in an earlier run for the options in `context`, and the
   * lookups they made then: those of all the objects of its app, the same array for each (checked
   * once). Undefined when nothing was kept for those options.
   */
  references?(o: KubeObject, context: string): TracedResult | undefined;
  /** What the traced checks found on `o` and looked up, to keep for the options in `context`. */
  keepReferences?(o: KubeObject, context: string, kept: TracedResult): void;
  /** The identity of an object's content (the digest of its document): lookups are traced only with it. */
  readonly identity?: (o: KubeObject) => string;
  /**
   * What `o` stands in for, when it is a stand-in for an object of a cached app (named, not read):
   * every check result of a stand-in is kept, and a check that must look at it reads the object.
   */
  readonly standIn?: (o: KubeObject) => StandIn | undefined;
}

type ObjectCheck = Extract<Check, { scope: 'object' }>;

/** What one per-object check made on an object to keep (`checkObjects`): its index, the places of its findings, its exceptions. */
type Made = [index: number, made: { places: number[]; exceptions: UsedException[] }];
type TracedCheck = Extract<Check, { scope: 'traced' }>;

/** What the traced checks found on an object (as reported), and the lookups they made. */
export interface TracedResult {
  readonly traces: readonly Trace[];
  readonly findings: KeptResult['findings'];
}

/** The checks of one object at a time, in order: the screen for secrets every object goes through, then those of `CHECKS`. */
export const OBJECT_CHECKS: readonly ObjectCheck[] = [
  { name: 'secret-content', scope: 'object', run: (o, c) => checkSecretContent(o, { written: c.options.written }) },
  ...CHECKS.filter((c): c is ObjectCheck => c.scope === 'object'),
];

/**
 * Every object and cross-object check over a set of objects: one stage's, or the manifests of one
 * `npm run check`. With `memo`, the per-object checks of a named built-in object run only when the
 * memo has nothing for it (a custom resource's result depends on the CRDs around it: always checked).
 */
export function checkObjects(all: readonly KubeObject[], options: CheckOptions = {}, memo?: CheckMemo): ObjectsCheckResult {
  // a kubeconfig or a Kustomization next to the manifests is no API object: nothing to check
  const objects = all.filter(isApiObject);
  const findings: Finding[] = [];
  // the CRDs of the objects first: a stage's own CRD wins over a folder's of the same kind
  const context: CheckContext = { options, registry: crdRegistry([...objects, ...(options.crds ?? [])]) };
  const standIn = memo?.standIn;
  /** The object a stand-in stands for, for a check that must look at it. */
  const real = (o: KubeObject) => standIn?.(o)?.real() ?? o;
  /** Per object the memo answers for: what each check found on it. */
  const remembered = new Map<KubeObject, KeptObject>();
  /**
   * Objects to keep the results of: per check that found something (by its index, in the order the
   * checks ran), its exceptions and the places of its findings in `findings`. Most objects have
   * none: null until one does, not a list each (a stage of 15,000 objects made as many).
   */
  const made = new Map<KubeObject, Made[] | null>();
  /** Findings from the memo, masked when they were kept. */
  const masked = new Set<Finding>();
  /** The exceptions used, by object: listed in the objects' order, whichever were remembered. */
  const exceptionsOf = new Map<KubeObject, UsedException[]>();
  const addExceptions = (o: KubeObject, used: readonly UsedException[]) => {
    if (used.length) exceptionsOf.set(o, [...(exceptionsOf.get(o) ?? []), ...used]);
  };
  /** Findings kept from an earlier run, back on `o` (as the checks made them, masked when kept). */
  const replay = (o: KubeObject, kept: KeptResult['findings']) => {
    for (const f of kept) {
      const finding = { ...f, object: o };
      masked.add(finding);
      findings.push(finding);
    }
  };
  if (memo) {
    for (const o of objects) {
      if (typeof o.metadata?.name !== 'string' || isCustom(o, context)) continue;
      const found = memo.get(o);
      if (!found) {
        made.set(o, null);
        continue;
      }
      remembered.set(o, found);
      // every check's results at once, the object back in its place among the keys: the same findings as the checks made
      for (let j = 0; j < found.length; j++) {
        const result = found[j][1];
        replay(o, result.findings);
        if (result.exceptions?.length)
          addExceptions(
            o,
            result.exceptions.map((e) => ({ ...e, object: o })),
          );
      }
    }
  }
  const runObjectCheck = (index: number, o: KubeObject) => {
    const result = OBJECT_CHECKS[index].run(real(o), context);
    const making = made.get(o);
    if (making !== undefined && (result.findings.length || result.exceptions?.length)) {
      const entry: Made = [index, { places: result.findings.map((_, i) => findings.length + i), exceptions: result.exceptions ?? [] }];
      if (making === null) made.set(o, [entry]);
      // a check runs once on an object (an object listed twice: its last run counts, as a Map's set would keep)
      else if (making[making.length - 1][0] === index) making[making.length - 1] = entry;
      else making.push(entry);
    }
    findings.push(...result.findings);
    addExceptions(o, result.exceptions ?? []);
  };
  /** The objects the per-object checks run on: those the memo has nothing for. */
  const unchecked = remembered.size ? objects.filter((o) => !remembered.has(o)) : objects;
  // a kubeconfig is no API object, but may hold a token: every object is screened for secrets
  for (const o of all) if (!remembered.has(o)) runObjectCheck(0, o);
  numberNameless(objects);
  /** Objects whose traced results to keep: the lookups made, and the places of their findings in `findings`. */
  const traced: (readonly [KubeObject, readonly Trace[], number[]])[] = [];
  const tracedContextText = memo?.references && memo.identity ? tracedContext(context) : undefined;
  const identity = tracedContextText === undefined ? undefined : memo?.identity;
  // the traced checks, all at once for each object: what an object's lookups found decides whether they run on it
  const runTracedChecks = () => {
    const checks = CHECKS.filter((c): c is TracedCheck => c.scope === 'traced');
    let subjects = [...objects, ...requiredSecrets(objects)];
    const { clusterScopedKinds } = context.registry;
    let index = new ObjectIndex(subjects, { identity, standIn, clusterScopedKinds });
    /** Per kept list of lookups (an app's), whether they all find the same now. */
    const held = new Map<readonly Trace[], boolean>();
    const keptOf = (o: KubeObject) => (tracedContextText === undefined ? undefined : memo!.references!(o, tracedContextText));
    /**
     * An app's results are reused only while each of its objects is the first of its kind, namespace
     * and name: then its lookups of its own objects, which are not kept, find them (`keptReferences`, lib/checks/stage.ts).
     */
    const appsNotFirst = (index: ObjectIndex) => {
      const apps = new Set<readonly Trace[]>();
      for (const o of subjects) {
        const traces = index.isFirst(o) ? undefined : keptOf(o)?.traces;
        if (traces) apps.add(traces);
      }
      return apps;
    };
    let notFirst = appsNotFirst(index);
    const reusable = (o: KubeObject) => {
      const kept = keptOf(o);
      if (!kept || notFirst.has(kept.traces)) return undefined;
      let holds = held.get(kept.traces);
      if (holds === undefined) held.set(kept.traces, (holds = index.holds(kept.traces)));
      return holds ? kept : undefined;
    };
    let reused = subjects.map(reusable);
    // a stand-in whose kept results do not hold is checked as the object it stands for
    if (subjects.some((o, i) => !reused[i] && standIn?.(o))) {
      subjects = subjects.map((o, i) => (!reused[i] && standIn?.(o) ? real(o) : o));
      index = new ObjectIndex(subjects, { identity, standIn, clusterScopedKinds });
      held.clear();
      notFirst = appsNotFirst(index);
      reused = subjects.map(reusable);
    }
    for (let i = 0; i < subjects.length; i++) {
      const o = subjects[i];
      const kept = reused[i];
      if (kept) {
        replay(o, kept.findings);
        continue;
      }
      const check = () => checks.flatMap((c) => c.run(o, index, context));
      // the Secrets the Namespaces require belong to no app: nothing of theirs is kept
      if (i >= objects.length) {
        findings.push(...check());
        continue;
      }
      const { result, traces } = index.traced(check);
      // kept only for the first definition of an object: reused only while it is the first (`isFirst`)
      if (traces && index.isFirst(o)) traced.push([o, traces, result.map((_, i) => findings.length + i)]);
      findings.push(...result);
    }
  };
  // in the list's order; per-object checks go through the objects one check at a time, the traced
  // checks all at the place of the first
  const firstTraced = CHECKS.find((c) => c.scope === 'traced');
  for (const check of CHECKS) {
    if (check.scope === 'objects') findings.push(...check.run(objects, context));
    else if (check.scope === 'object') {
      const index = OBJECT_CHECKS.indexOf(check);
      for (const o of unchecked) runObjectCheck(index, o);
    } else if (check === firstTraced) runTracedChecks();
  }
  const reported = maskSecrets(findings, masked);
  for (const [o, traces, places] of traced) {
    memo!.keepReferences?.(o, tracedContextText!, { traces, findings: places.map((p) => ({ ...reported[p], object: null })) });
  }
  // what is kept is what is reported: the findings masked, in the order the checks made them
  for (const [o, byCheck] of made) {
    memo!.set(
      o,
      (byCheck ?? []).map(([index, { places, exceptions: used }]) => [
        index,
        {
          findings: places.map((p) => ({ ...reported[p], object: null })),
          ...(used.length ? { exceptions: used.map((e) => ({ ...e, object: null })) } : {}),
        },
      ]),
    );
  }
  const exceptions: UsedException[] = [];
  if (exceptionsOf.size) for (const o of all) exceptions.push(...(exceptionsOf.get(o) ?? []));
  return {
    findings: options.sort === false ? reported : sortFindings(reported),
    exceptions,
    clusterScopedKinds: context.registry.clusterScopedKinds,
  };
}

export type { Finding, UsedException } from './finding.js';
