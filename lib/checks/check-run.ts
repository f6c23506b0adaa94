/**
 * One run of the checks over a set of objects (`checkObjects`, index.ts), as steps in a fixed order,
 * which `CheckRun` alone takes: what a memo kept of earlier runs is replayed (when the run is made),
 * the per-object checks run on the other objects, the traced checks on every object against the
 * index of them all, and at the end the findings are masked and what the checks made is kept in
 * the memo (`run`). The checks themselves are listed in index.ts (`CHECKS`, given as a `CheckPlan`);
 * this module knows them only by their scope.
 */
import { numberNameless, type KubeObject } from '../model/object.js';
import type { KeptObject, KeptResult, Trace } from '../model/kept-checks.js';
import type { CheckContext, CheckList, CheckMemo, ObjectCheck, ObjectsCheck, TracedCheck, TracedResult } from './check-types.js';
import type { Finding, UsedException } from './finding.js';
import { ObjectIndex } from './object-index.js';
import { OPERATOR_SECRETS } from './operator-secrets.js';
import { requiredObjects } from './required-objects.js';
import { maskSecrets } from './secrets.js';

/** A step of a run after the screen for secrets, in the order of the checks. */
type Step =
  /** A check of every object at once. */
  | { readonly scope: 'objects'; readonly check: ObjectsCheck }
  /** A per-object check, by its index in `CheckPlan.objectChecks` (the memo keeps its results under it). */
  | { readonly scope: 'object'; readonly index: number }
  /** The traced checks, all at once for each object, at the place of the first. */
  | { readonly scope: 'traced'; readonly checks: readonly TracedCheck[] };

/** A `CheckList` as the steps a run takes, made once (`checkPlan`). */
export interface CheckPlan extends Pick<CheckList, 'tracedContext' | 'crdContext'> {
  /** The per-object checks, numbered as the memo keeps their results: the screen for secrets, then those of the list in order. */
  readonly objectChecks: readonly ObjectCheck[];
  readonly steps: readonly Step[];
}

/** The steps of the checks of `list`, in its order. */
export function checkPlan({ screen, checks, tracedContext, crdContext }: CheckList): CheckPlan {
  const objectChecks: ObjectCheck[] = [screen];
  const steps: Step[] = [];
  const traced = checks.filter((c): c is TracedCheck => c.scope === 'traced');
  for (const check of checks) {
    if (check.scope === 'objects') steps.push({ scope: 'objects', check });
    else if (check.scope === 'object') steps.push({ scope: 'object', index: objectChecks.push(check) - 1 });
    else if (check === traced[0]) steps.push({ scope: 'traced', checks: traced });
  }
  return { objectChecks, steps, tracedContext, crdContext };
}

/** What a run checks, and with what. */
export interface CheckRunInput {
  readonly plan: CheckPlan;
  /** Every object given: each goes through the screen for secrets (a kubeconfig is no API object, but may hold a token). */
  readonly all: readonly KubeObject[];
  /** The API objects among them: the objects checked. */
  readonly objects: readonly KubeObject[];
  readonly context: CheckContext;
  /** What earlier runs kept, replayed, and where what this run makes is kept. @default - none: every check runs */
  readonly memo?: CheckMemo;
}

/** What a run found: every finding (masked) in the order the checks made them, and the exceptions used in the objects' order. */
export interface CheckRunResult {
  readonly reported: Finding[];
  readonly exceptions: UsedException[];
}

/** What one per-object check made on an object to keep: its index, the places of its findings, its exceptions. */
type Made = [index: number, made: { places: number[]; exceptions: UsedException[] }];

/** What the per-object checks found on an object that has nothing: one list for every such object, frozen, since every one of them holds it. */
const NOTHING_FOUND: KeptObject = Object.freeze([]);

/** The identity `crdContext` is given by a memo without identities (whose custom resources are always checked). */
const NO_IDENTITY = () => '';

/** The traced checks' subjects (the objects, then the Secrets the Namespaces require), their index, and the kept results that hold for each. */
interface TracedPlan {
  readonly subjects: readonly KubeObject[];
  readonly index: ObjectIndex;
  readonly reused: readonly (TracedResult | undefined)[];
}

/**
 * One run of the checks over a set of objects, with a memo of earlier runs or without. Made, it has
 * replayed what the memo kept; `run` takes the other steps, once, in their order.
 */
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
  /** What the per-object checks read of the CRDs for each custom resource in `made` (`CheckList.crdContext`): kept with its results. */
  private readonly crdsOf = new Map<KubeObject, string>();
  /** Findings from the memo, masked when they were kept. */
  private readonly masked = new Set<Finding>();
  /** The exceptions used, by object: listed in the objects' order, whichever were remembered. */
  private readonly exceptionsOf = new Map<KubeObject, UsedException[]>();
  /** Objects whose traced results to keep: the lookups made, and the places of their findings in `findings`. */
  private readonly traced: (readonly [KubeObject, readonly Trace[], number[]])[] = [];
  /** The traced checks' context as kept (`tracedContext`), when the memo keeps their results and traces lookups. */
  private readonly tracedContextText: string | undefined;

  private readonly plan: CheckPlan;
  private readonly all: readonly KubeObject[];
  private readonly objects: readonly KubeObject[];
  private readonly context: CheckContext;
  private readonly memo: CheckMemo | undefined;
  /** What `run` found, once it has run. */
  private result: CheckRunResult | undefined;

  constructor({ plan, all, objects, context, memo }: CheckRunInput) {
    this.plan = plan;
    this.all = all;
    this.objects = objects;
    this.context = context;
    this.memo = memo;
    this.tracedContextText = memo?.references && memo.identity ? plan.tracedContext(context) : undefined;
    this.replayKept();
  }

  /**
   * Every step after the replay, in order: the screen for secrets on every object the memo did not
   * answer for, then the checks of the plan (a per-object check on those objects), then the findings
   * masked and kept (`finish`). Runs once: a second call gives the same result.
   */
  run(): CheckRunResult {
    if (this.result) return this.result;
    const { all, objects, context } = this;
    const unchecked = this.remembered.size ? objects.filter((o) => !this.remembered.has(o)) : objects;
    // loops by index over the objects: most of this code runs unoptimized, where each step of a
    // for-of allocates an iterator result (a stage of 15,000 objects, seven times)
    for (let i = 0; i < all.length; i++) if (!this.remembered.has(all[i])) this.runObjectCheck(0, all[i]);
    numberNameless(objects);
    for (const step of this.plan.steps) {
      if (step.scope === 'objects') this.add(step.check.run(objects, context));
      else if (step.scope === 'object') for (let i = 0; i < unchecked.length; i++) this.runObjectCheck(step.index, unchecked[i]);
      else this.runTracedChecks(step.checks);
    }
    this.result = this.finish();
    return this.result;
  }

  /** Findings a check made, after those made before them. */
  private add(findings: readonly Finding[]): void {
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
   * The first step, when the run is made: every per-object result the memo kept for a named object,
   * replayed on it (a custom resource's, only when kept for the CRDs that define its kind now:
   * `crdContext`, by their identities; without identities it is always checked); the objects it has
   * nothing for are noted, to keep what the checks find on them.
   */
  private replayKept(): void {
    const { memo, context } = this;
    if (!memo) return;
    const { identity } = memo;
    for (const o of this.objects) {
      if (typeof o.metadata?.name !== 'string') continue;
      const crds = this.plan.crdContext(o, context, identity ?? NO_IDENTITY);
      // a custom resource's results are kept by the identities of the CRDs around it: without them, checked
      if (crds !== undefined && !identity) continue;
      const found = memo.get(o, crds);
      if (!found) {
        this.made.set(o, null);
        if (crds !== undefined) this.crdsOf.set(o, crds);
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

  /** Runs the per-object check `index` (of the plan's `objectChecks`) on `o`, noting what it made to keep. */
  private runObjectCheck(index: number, o: KubeObject): void {
    const { findings } = this;
    const { findings: found, exceptions } = this.plan.objectChecks[index].run(this.real(o), this.context);
    // most objects have nothing: nothing allocated for them
    if (found.length === 0 && !exceptions?.length) return;
    const making = this.made.get(o);
    if (making !== undefined) {
      const entry: Made = [index, { places: found.map((_, i) => findings.length + i), exceptions: exceptions ?? [] }];
      if (making === null) this.made.set(o, [entry]);
      // a check runs once on an object (an object listed twice: its last run counts, as a Map's set would keep)
      else if (making[making.length - 1][0] === index) making[making.length - 1] = entry;
      else making.push(entry);
    }
    this.add(found);
    this.addExceptions(o, exceptions ?? []);
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
  private tracedPlan(): TracedPlan {
    const { objects } = this;
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
    const first = plan([...objects, ...requiredObjects(objects)]);
    const { subjects, reused } = first;
    if (!subjects.some((o, i) => !reused[i] && standIn?.(o))) return first;
    return plan(subjects.map((o, i) => (!reused[i] && standIn?.(o) ? this.real(o) : o)));
  }

  /**
   * The traced checks, all at once for each object: what an object's lookups found decides whether
   * they run on it; what they find on the first definition of an object is kept with its lookups.
   */
  private runTracedChecks(checks: readonly TracedCheck[]): void {
    const { subjects, index, reused } = this.tracedPlan();
    const { findings, context, objects } = this;
    /** What the traced checks find on one object, in their order: one function for every object. */
    const check = (o: KubeObject): Finding[] => {
      const found: Finding[] = [];
      for (let c = 0; c < checks.length; c++) {
        const made = checks[c].run(o, index, context);
        for (let k = 0; k < made.length; k++) found.push(made[k]);
      }
      return found;
    };
    for (let i = 0; i < subjects.length; i++) {
      const o = subjects[i];
      const kept = reused[i];
      if (kept) {
        this.replay(o, kept.findings);
        continue;
      }
      // the Secrets the Namespaces require belong to no app: nothing of theirs is kept; those an
      // operator makes are checked as the object that makes them (a Certificate in its namespace)
      if (i >= objects.length) {
        if (!OPERATOR_SECRETS.has(o)) this.add(check(o));
        continue;
      }
      const { result, traces } = index.traced(check, o);
      // kept only for the first definition of an object: reused only while it is the first (`isFirst`)
      if (traces && index.isFirst(o)) this.traced.push([o, traces, result.map((_, i) => findings.length + i)]);
      this.add(result);
    }
  }

  /**
   * The last step: the findings masked (`maskSecrets`), what was made kept in the memo as it is
   * reported, and the exceptions used, in the order of `all`.
   */
  private finish(): CheckRunResult {
    const { memo, all } = this;
    const reported = maskSecrets(this.findings, this.masked);
    for (let i = 0; i < this.traced.length; i++) {
      const [o, traces, places] = this.traced[i];
      memo!.keepReferences?.(o, this.tracedContextText!, { traces, findings: places.map((p) => ({ ...reported[p], object: null })) });
    }
    // what is kept is what is reported: the findings masked, in the order the checks made them;
    // forEach, not for-of: no entry array per object (most found nothing, and share one empty result)
    this.made.forEach((byCheck, o) => {
      memo!.set(
        o,
        byCheck === null
          ? NOTHING_FOUND
          : byCheck.map(([index, { places, exceptions: used }]) => [
              index,
              {
                findings: places.map((p) => ({ ...reported[p], object: null })),
                ...(used.length ? { exceptions: used.map((e) => ({ ...e, object: null })) } : {}),
              },
            ]),
        this.crdsOf.get(o),
      );
    });
    const exceptions: UsedException[] = [];
    if (this.exceptionsOf.size) for (const o of all) exceptions.push(...(this.exceptionsOf.get(o) ?? []));
    return { reported, exceptions };
  }
}
