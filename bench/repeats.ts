/**
 * How much of a project's objects repeat from one stage to the next, by three keys (perf23's
 * question: would a memo across the stages of one run, keyed by an object's content, pay?):
 * - `exact`: the whole object, as JSON (a key that provably covers whatever a check reads);
 * - `namespaceOut`: the object without `metadata.namespace`;
 * - `stageOut`: that, with the stage's name also taken out of every key and string: what would
 *   repeat if stagecraft wrote the stage's name nowhere (its labels, names, paths do). Not a sound
 *   key for the checks: a label value's 63 characters, a name's pattern, depend on those strings.
 * And the pod specs (`spec.template.spec`, a CronJob's job's) seen whole in an earlier stage.
 * Pure: counts only. bench/stage-repeats.ts runs it on a fleet's rendered stages.
 */

/** One stage's objects, as rendered. */
export interface StageObjects {
  readonly name: string;
  readonly objects: readonly object[];
}

/** Per stage: how many of its objects (and pod specs) some earlier stage of the list had, by each key. */
export interface StageRepeats {
  readonly stage: string;
  readonly objects: number;
  readonly exact: number;
  readonly namespaceOut: number;
  readonly stageOut: number;
  readonly podSpecs: number;
  readonly podSpecsSeen: number;
}

type Plain = { readonly [key: string]: unknown };

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o` without `metadata.namespace`, as JSON. */
function withoutNamespace(o: object): string {
  const metadata = (o as Plain).metadata;
  if (!isPlain(metadata) || !Object.hasOwn(metadata, 'namespace')) return JSON.stringify(o);
  const { namespace: _, ...rest } = metadata;
  return JSON.stringify({ ...o, metadata: rest });
}

/** The pod spec of a workload (`spec.template.spec`, or a CronJob's `spec.jobTemplate.spec.template.spec`), or undefined. */
function podSpecOf(o: object): unknown {
  const spec = (o as Plain).spec;
  if (!isPlain(spec)) return undefined;
  const template = isPlain(spec.template) ? spec.template : undefined;
  if (template && isPlain(template.spec)) return template.spec;
  const job = isPlain(spec.jobTemplate) && isPlain(spec.jobTemplate.spec) ? spec.jobTemplate.spec : undefined;
  const jobTemplate = job && isPlain(job.template) ? job.template : undefined;
  return jobTemplate && isPlain(jobTemplate.spec) ? jobTemplate.spec : undefined;
}

/** Per stage of `stages`, in their order, what an earlier one of them had (see the module's comment). */
export function stageRepeats(stages: readonly StageObjects[]): StageRepeats[] {
  const exact = new Set<string>();
  const namespaceOut = new Set<string>();
  const stageOut = new Set<string>();
  const podSpecs = new Set<string>();
  return stages.map(({ name, objects }) => {
    const counts = { stage: name, objects: objects.length, exact: 0, namespaceOut: 0, stageOut: 0, podSpecs: 0, podSpecsSeen: 0 };
    // each stage's keys are added once it is counted: an object repeated within a stage is no repeat across stages
    const keys: [Set<string>, string][] = [];
    const seen = (set: Set<string>, key: string) => {
      keys.push([set, key]);
      return set.has(key);
    };
    for (const o of objects) {
      const nameless = withoutNamespace(o);
      if (seen(exact, JSON.stringify(o))) counts.exact++;
      if (seen(namespaceOut, nameless)) counts.namespaceOut++;
      if (seen(stageOut, nameless.split(name).join('\u0000'))) counts.stageOut++;
      const pod = podSpecOf(o);
      if (pod === undefined) continue;
      counts.podSpecs++;
      if (seen(podSpecs, JSON.stringify(pod))) counts.podSpecsSeen++;
    }
    for (const [set, key] of keys) set.add(key);
    return counts;
  });
}
