/**
 * One run of the checks over a set of objects (`checkObjects`, index.ts), as named steps: what a
 * memo kept of earlier runs is replayed (`replayKept`), the per-object checks run on the other
 * objects (`runObjectCheck`), the traced checks on every object against the index of them all
 * (`runTracedChecks`), and at the end the findings are masked and what the checks made is kept in
 * the memo (`finish`). The checks themselves are listed in index.ts (`CHECKS`); this module knows
 * them only by their scope.
 */
import type { Engine } from '../model/engines.js';
import type { Problem } from '../errors.js';
import type { KubeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/render.js';
import type { KeptObject, KeptResult, Trace } from '../model/kept-checks.js';
import type { CrdRegistry } from './crds.js';
import type { Finding, UsedException } from './finding.js';
import { ObjectIndex, type StandIn } from './object-index.js';
import type { PodSecurityLevel } from './pod-security.js';
import { SERVICE_MONITOR } from './references-selectors.js';
import { DECLARED_SECRETS, SECRET_KEYS_ANNOTATION } from './references-pods.js';
import { requiredSecretsOf } from '../required-secrets.js';
import { REQUIRED_SERVICE_ACCOUNTS_ANNOTATION, parseRequiredServiceAccounts } from '../required-service-accounts.js';
import { maskSecrets } from './secrets.js';

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

/** What a check sees besides the objects. */
export interface CheckContext {
  readonly options: CheckOptions;
  /** The CRDs among the objects and the options': custom resources are validated against them. */
  readonly registry: CrdRegistry;
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

export type ObjectCheck = Extract<Check, { scope: 'object' }>;
export type TracedCheck = Extract<Check, { scope: 'traced' }>;

/** What the traced checks found on an object (as reported), and the lookups they made. */
export interface TracedResult {
  readonly traces: readonly Trace[];
  readonly findings: KeptResult['findings'];
}

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

/** Whether ServiceMonitors are checked: only when their CRD is known. */
export const serviceMonitors = (registry: CrdRegistry) => registry.lookup(SERVICE_MONITOR.apiVersion, SERVICE_MONITOR.kind) !== undefined;

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

/** What one per-object check made on an object to keep: its index, the places of its findings, its exceptions. */
type Made = [index: number, made: { places: number[]; exceptions: UsedException[] }];

/** The traced checks' subjects (the objects, then the Secrets the Namespaces require), their index, and the kept results that hold for each. */
interface TracedPlan {
  readonly subjects: readonly KubeObject[];
  readonly index: ObjectIndex;
  readonly reused: readonly (TracedResult | undefined)[];
}

/** One run of the checks over a set of objects, with a memo of earlier runs or without. */
export class CheckRun {
  /** Every finding, in the order the checks made them (kept ones in the place of the checks that made them). */
  private readonly findings: Finding[] = [];
  /** Per object the memo answers for: what each check found on it. */
  private readonly remembered = new Map<KubeObject, KeptObject>();
  /**
   * Objects to keep the results of: per check that found something (by its index, in the order the
   * checks ran), its exceptions and the places of its findings in `findings`. Most objects have
   * none: null until one does, not a list each (a stage of 15,000 objects made as many).
   */
  private readonly made = new Map<KubeObject, Made[] | null>();
  /** Findings from the memo, masked when they were kept. */
  private readonly masked = new Set<Finding>();
  /** The exceptions used, by object: listed in the objects' order, whichever were remembered. */
  private readonly exceptionsOf = new Map<KubeObject, UsedException[]>();
  /** Objects whose traced results to keep: the lookups made, and the places of their findings in `findings`. */
  private readonly traced: (readonly [KubeObject, readonly Trace[], number[]])[] = [];
  /** The traced checks' context as kept (`tracedContext`), when the memo keeps their results and traces lookups. */
  private readonly tracedContextText: string | undefined;

  constructor(
    private readonly objectChecks: readonly ObjectCheck[],
    private readonly context: CheckContext,
    private readonly memo?: CheckMemo,
  ) {
    this.tracedContextText = memo?.references && memo.identity ? tracedContext(context) : undefined;
  }

  /** Findings a check made, after those made before them. */
  add(findings: readonly Finding[]): void {
    this.findings.push(...findings);
  }

  /** The object a stand-in stands for, for a check that must look at it. */
  private real(o: KubeObject): KubeObject {
    return this.memo?.standIn?.(o)?.real() ?? o;
  }

  private addExceptions(o: KubeObject, used: readonly UsedException[]): void {
    if (used.length) this.exceptionsOf.set(o, [...(this.exceptionsOf.get(o) ?? []), ...used]);
  }

  /** Findings kept from an earlier run, back on `o` (as the checks made them, masked when kept). */
  private replay(o: KubeObject, kept: KeptResult['findings']): void {
    for (const f of kept) {
      const finding = { ...f, object: o };
      this.masked.add(finding);
      this.findings.push(finding);
    }
  }

  /**
   * The first step: every per-object result the memo kept for a named built-in object, replayed
   * on it (a custom resource's result depends on the CRDs around it: always checked); the objects
   * it has nothing for are noted, to keep what the checks find on them.
   */
  replayKept(objects: readonly KubeObject[], isCustom: (o: KubeObject) => boolean): void {
    const { memo } = this;
    if (!memo) return;
    for (const o of objects) {
      if (typeof o.metadata?.name !== 'string' || isCustom(o)) continue;
      const found = memo.get(o);
      if (!found) {
        this.made.set(o, null);
        continue;
      }
      this.remembered.set(o, found);
      // every check's results at once, the object back in its place among the keys: the same findings as the checks made
      for (let j = 0; j < found.length; j++) {
        const result = found[j][1];
        this.replay(o, result.findings);
        if (result.exceptions?.length)
          this.addExceptions(
            o,
            result.exceptions.map((e) => ({ ...e, object: o })),
          );
      }
    }
  }

  /** Whether the memo answered for `o` (`replayKept`): the per-object checks do not run on it. */
  isRemembered(o: KubeObject): boolean {
    return this.remembered.has(o);
  }

  /** Of `objects`, those the per-object checks run on: the memo has nothing for them. */
  unchecked(objects: readonly KubeObject[]): readonly KubeObject[] {
    return this.remembered.size ? objects.filter((o) => !this.remembered.has(o)) : objects;
  }

  /** Runs the per-object check `index` (of `objectChecks`) on `o`, noting what it made to keep. */
  runObjectCheck(index: number, o: KubeObject): void {
    const { findings } = this;
    const result = this.objectChecks[index].run(this.real(o), this.context);
    const making = this.made.get(o);
    if (making !== undefined && (result.findings.length || result.exceptions?.length)) {
      const entry: Made = [index, { places: result.findings.map((_, i) => findings.length + i), exceptions: result.exceptions ?? [] }];
      if (making === null) this.made.set(o, [entry]);
      // a check runs once on an object (an object listed twice: its last run counts, as a Map's set would keep)
      else if (making[making.length - 1][0] === index) making[making.length - 1] = entry;
      else making.push(entry);
    }
    this.add(result.findings);
    this.addExceptions(o, result.exceptions ?? []);
  }

  /** What the traced checks found on `o` in an earlier run, with its app's lookups, when the memo keeps them. */
  private keptOf(o: KubeObject): TracedResult | undefined {
    return this.tracedContextText === undefined ? undefined : this.memo!.references!(o, this.tracedContextText);
  }

  /**
   * The index the traced checks look up in, and which kept results hold. An app's results are
   * reused only while each of its objects is the first of its kind, namespace and name: then its
   * lookups of its own objects, which are not kept, find them (`keptReferences`, lib/checks/stage.ts).
   * A stand-in whose kept results do not hold is checked as the object it stands for: the index is
   * made again with that object.
   */
  private tracedPlan(objects: readonly KubeObject[]): TracedPlan {
    const standIn = this.memo?.standIn;
    const identity = this.tracedContextText === undefined ? undefined : this.memo?.identity;
    const { clusterScopedKinds } = this.context.registry;
    const plan = (subjects: readonly KubeObject[]): TracedPlan => {
      const index = new ObjectIndex(subjects, { identity, standIn, clusterScopedKinds });
      const notFirst = new Set<readonly Trace[]>();
      for (const o of subjects) {
        const traces = index.isFirst(o) ? undefined : this.keptOf(o)?.traces;
        if (traces) notFirst.add(traces);
      }
      /** Per kept list of lookups (an app's), whether they all find the same now. */
      const held = new Map<readonly Trace[], boolean>();
      const reusable = (o: KubeObject) => {
        const kept = this.keptOf(o);
        if (!kept || notFirst.has(kept.traces)) return undefined;
        let holds = held.get(kept.traces);
        if (holds === undefined) held.set(kept.traces, (holds = index.holds(kept.traces)));
        return holds ? kept : undefined;
      };
      return { subjects, index, reused: subjects.map(reusable) };
    };
    const first = plan([...objects, ...requiredSecrets(objects)]);
    const { subjects, reused } = first;
    if (!subjects.some((o, i) => !reused[i] && standIn?.(o))) return first;
    return plan(subjects.map((o, i) => (!reused[i] && standIn?.(o) ? this.real(o) : o)));
  }

  /**
   * The traced checks, all at once for each object: what an object's lookups found decides whether
   * they run on it; what they find on the first definition of an object is kept with its lookups.
   */
  runTracedChecks(objects: readonly KubeObject[], checks: readonly TracedCheck[]): void {
    const { subjects, index, reused } = this.tracedPlan(objects);
    const { findings, context } = this;
    for (let i = 0; i < subjects.length; i++) {
      const o = subjects[i];
      const kept = reused[i];
      if (kept) {
        this.replay(o, kept.findings);
        continue;
      }
      const check = () => checks.flatMap((c) => c.run(o, index, context));
      // the Secrets the Namespaces require belong to no app: nothing of theirs is kept
      if (i >= objects.length) {
        this.add(check());
        continue;
      }
      const { result, traces } = index.traced(check);
      // kept only for the first definition of an object: reused only while it is the first (`isFirst`)
      if (traces && index.isFirst(o)) this.traced.push([o, traces, result.map((_, i) => findings.length + i)]);
      this.add(result);
    }
  }

  /**
   * The last step: the findings masked (`maskSecrets`), what was made kept in the memo as it is
   * reported, and the exceptions used, in the order of `all`.
   */
  finish(all: readonly KubeObject[]): { reported: Finding[]; exceptions: UsedException[] } {
    const { memo } = this;
    const reported = maskSecrets(this.findings, this.masked);
    for (const [o, traces, places] of this.traced) {
      memo!.keepReferences?.(o, this.tracedContextText!, { traces, findings: places.map((p) => ({ ...reported[p], object: null })) });
    }
    // what is kept is what is reported: the findings masked, in the order the checks made them
    for (const [o, byCheck] of this.made) {
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
    if (this.exceptionsOf.size) for (const o of all) exceptions.push(...(this.exceptionsOf.get(o) ?? []));
    return { reported, exceptions };
  }
}
