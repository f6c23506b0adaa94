/**
 * The API server's rules of Jobs and CronJobs (pkg/apis/batch/validation) that JSON Schema does
 * not express: the pods' restart policy, a CronJob's schedule (robfig/cron, lib/model/cron.ts) and
 * time zone; and a Job the cluster deletes once finished, which whoever applies the stage (kubectl,
 * Flux, Argo CD) makes and runs again, or an Argo CD sync hook deleted before Argo CD saw it finish. Called by `checkApiRules` (api-rules.ts); data in, findings out.
 */
import { SCHEDULE_HINT, TIME_ZONE_HINT, cronScheduleProblem, timeZoneProblem } from '../model/cron.js';
import { customJobSpecPath } from '../model/custom-workloads.js';
import type { Engine } from '../model/engines.js';
import { valueAt } from '../model/field-path.js';
import { UNWRITTEN_POLICY, argoCdHook } from '../model/hooks.js';
import { isRecord, type KubeObject } from '../model/object.js';
import type { PodTemplate } from '../model/pod-specs.js';
import { finder, type Emit, type Finding } from './finding.js';

/** Whether a Job picks its pods itself (`spec.manualSelector: true`): then the API server does not label them with its name. */
export const manualSelector = (o: KubeObject) => (o.spec as { manualSelector?: unknown } | undefined)?.manualSelector === true;

/**
 * The shortest ttlSecondsAfterFinished of an Argo CD sync hook that leaves Argo CD time to see the
 * Job finish before the cluster deletes it: with a shorter one, Argo CD 2.x may wait for the hook
 * for ever (argo-cd#18884, #21055; 3.0 holds hooks with a finalizer, gitops-engine#646, which
 * reports since say not every case).
 * Argo CD's own Helm chart gives its hook Job 60 s for this reason (argo-helm#2861).
 */
const HOOK_TTL_SEEN = 60;

/**
 * A Job the cluster deletes once it has finished: whoever applies the stage finds it missing and
 * creates it again, and it runs again (kubectl at the next apply, Flux at every interval of its
 * Kustomization, Argo CD at its next sync, at once with selfHeal); not an Argo CD sync hook, which
 * Argo CD leaves out of its comparison and runs at every sync anyway, unless its TTL is short
 * enough to hang the sync (HOOK_TTL_SEEN), nor one Argo CD never applies.
 */
function jobTtlFinding(o: KubeObject, ttl: number, engine: Engine | undefined): Finding | undefined {
  const warn = finder(o, 'warning');
  const at = ['spec', 'ttlSecondsAfterFinished'];
  const deleted = `the cluster deletes the Job ${ttl} s after it finishes`;
  const annotations = o.metadata.annotations;
  const hook = engine === 'argocd' && isRecord(annotations) ? argoCdHook(annotations) : undefined;
  if (hook === 'never' || (hook === 'runs' && ttl >= HOOK_TTL_SEEN)) return undefined;
  if (hook === 'runs')
    return warn(
      'api/job-ttl',
      at,
      `${deleted}, which may be before Argo CD, which runs it as a sync hook, has seen it finish: Argo CD 2.x then waits for the hook for ever (the sync stays at "waiting for completion of hook")`,
      `remove ttlSecondsAfterFinished and let the hook's deletion policy remove the Job (argocd.argoproj.io/hook-delete-policy: HookSucceeded, or BeforeHookCreation to keep it until the next sync): ${UNWRITTEN_POLICY}; or give it ${HOOK_TTL_SEEN} s or more`,
    );
  const [again, hint] =
    engine === 'argocd'
      ? [
          'so Argo CD finds it missing (the Application OutOfSync) and creates it again at its next sync (at once with selfHeal), and it runs again',
          'remove ttlSecondsAfterFinished, so that the finished Job stays and the next sync leaves it alone; or make it a sync hook (argocd.argoproj.io/hook: PreSync, say), which Argo CD runs at every sync and leaves out of its comparison; for a task that repeats, make it a CronJob',
        ]
      : engine === 'flux'
        ? [
            "so Flux creates it again at its next apply of the stage (every interval of the stage's Kustomization, 10 minutes; a suspended one's, once it is resumed), and it runs again",
            'remove ttlSecondsAfterFinished, so that the finished Job stays and Flux leaves it alone (to run it again when its template changes, annotate it kustomize.toolkit.fluxcd.io/force: enabled); for a task that repeats, make it a CronJob',
          ]
        : [
            'so every later kubectl apply of these manifests creates it again, and it runs again',
            'remove ttlSecondsAfterFinished, so that the finished Job stays and a later apply leaves it alone; for a task that repeats, make it a CronJob; ' +
              'or deliver the Job once, apart from the manifests applied again and again (kubectl create -f <file>)',
          ];
  return warn('api/job-ttl', at, `${deleted}, ${again}`, hint);
}

/** The most pods an Indexed Job may run at once (batch validation's maxParallelismForIndexedJob, 10^5 in 1.25). */
const MAX_INDEXED_PARALLELISM = 100_000;

/** How a ttlSecondsAfterFinished's hint names the Jobs of a Job's spec: those finished, and those kept without it. */
interface JobsMade {
  readonly finished: string;
  readonly kept: string;
}
const JOB: JobsMade = { finished: 'the finished Job', kept: 'the Job' };
/**
 * The Jobs a CronJob or a KEDA ScaledJob makes: without a TTL its controller still deletes all but the last finished ones, as
 * its history limits say (a CronJob's default to 3 succeeded and 1 failed), so that removing the TTL does not keep them all.
 */
const JOBS_OF = (kind: string, defaults = ''): JobsMade => ({
  finished: `the ${kind}'s finished Jobs`,
  kept: `the last of them, as the ${kind}'s successfulJobsHistoryLimit and failedJobsHistoryLimit say${defaults}`,
});

/**
 * The counts of a Job's spec, at `at` (a Job's `spec`, a CronJob's `spec.jobTemplate.spec`, a KEDA ScaledJob's
 * `spec.jobTargetRef`, which the API server validates alike when the Job is made: ValidateJobSpec), that it refuses: a negative ttlSecondsAfterFinished, and an Indexed Job without
 * completions (its pods' indexes run from 0 to completions - 1) or with a parallelism above 10^5.
 */
function jobCounts(emit: Emit, spec: Record<string, unknown>, at: readonly string[], jobs: JobsMade, out: Finding[]): void {
  const ttl = spec.ttlSecondsAfterFinished;
  if (typeof ttl === 'number' && ttl < 0)
    out.push(
      emit(
        'api/workload',
        [...at, 'ttlSecondsAfterFinished'],
        `ttlSecondsAfterFinished ${ttl} is negative, which the API server refuses`,
        `give the seconds the cluster keeps ${jobs.finished} (0 or more), or remove it to keep ${jobs.kept}`,
      ),
    );
  if (spec.completionMode !== 'Indexed') return;
  if (spec.completions === undefined || spec.completions === null)
    out.push(
      emit(
        'api/workload',
        [...at, 'completionMode'],
        'an Indexed Job needs spec.completions, the number of indexes its pods run (0 to completions - 1); the API server refuses it without',
        'set completions (and parallelism, how many run at once), or remove completionMode: Indexed',
      ),
    );
  if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_INDEXED_PARALLELISM)
    out.push(
      emit(
        'api/workload',
        [...at, 'parallelism'],
        `parallelism ${spec.parallelism} is above ${MAX_INDEXED_PARALLELISM.toLocaleString('en-US')}, the most an Indexed Job may run at once: the API server refuses it`,
        `give a parallelism of at most ${MAX_INDEXED_PARALLELISM}`,
      ),
    );
}

/** The restart policy of a Job's pods, of its pod template at `templatePath`: OnFailure or Never, as the API server requires. */
function jobRestartPolicy(emit: Emit, template: unknown, templatePath: readonly string[], out: Finding[]): void {
  const spec = isRecord(template) ? template.spec : undefined;
  if (!isRecord(spec)) return;
  const policy = spec.restartPolicy;
  // another value than the three the schema's enum allows is the schema check's
  if (policy !== undefined && policy !== 'Always') return;
  out.push(
    emit(
      'api/restart-policy',
      policy === undefined ? [...templatePath, 'spec'] : [...templatePath, 'spec', 'restartPolicy'],
      policy === undefined
        ? "sets no restartPolicy, so the Job's pods would restart Always (the default), which the API server refuses: a Job's pods run until they end"
        : "restartPolicy Always is refused for a Job's pods, which run until they end",
      'set restartPolicy: OnFailure (the kubelet restarts a failed container in the same pod) or Never (the Job starts a new pod)',
    ),
  );
}

/**
 * The batch rules of the Jobs a custom workload's controller makes of a Job's spec of its own (a KEDA ScaledJob's
 * `spec.jobTargetRef`: lib/model/custom-workloads.ts `customJobSpecPath`): the API server refuses each Job the controller
 * makes of a spec that breaks them, and the custom resource, which its CRD takes, makes none.
 */
export function checkCustomJob(emit: Emit, o: KubeObject, out: Finding[]): void {
  const at = customJobSpecPath(o);
  const spec = at && valueAt(o, at);
  if (!at || !isRecord(spec)) return;
  jobRestartPolicy(emit, spec.template, [...at, 'template'], out);
  jobCounts(emit, spec, at, JOBS_OF(o.kind), out);
}

/**
 * The API server's rules of Jobs and CronJobs (pkg/apis/batch/validation): the pods' restart
 * policy, a CronJob's schedule (robfig/cron, lib/model/cron.ts) and time zone.
 */
export function checkBatch(
  emit: Emit,
  o: KubeObject,
  template: PodTemplate | undefined,
  templatePath: readonly string[],
  out: Finding[],
  engine: Engine | undefined,
): void {
  jobRestartPolicy(emit, template, templatePath, out);
  const ttl = o.kind === 'Job' && isRecord(o.spec) ? o.spec.ttlSecondsAfterFinished : undefined;
  if (o.kind === 'Job' && isRecord(o.spec)) jobCounts(emit, o.spec, ['spec'], JOB, out);
  const jobTemplate = o.kind === 'CronJob' && isRecord(o.spec) && isRecord(o.spec.jobTemplate) ? o.spec.jobTemplate.spec : undefined;
  if (isRecord(jobTemplate))
    jobCounts(emit, jobTemplate, ['spec', 'jobTemplate', 'spec'], JOBS_OF('CronJob', ' (3 and 1 by default)'), out);
  // a CronJob's jobTemplate may set it: the CronJob, which kubectl apply knows, stays
  if (typeof ttl === 'number' && ttl >= 0) {
    const finding = jobTtlFinding(o, ttl, engine);
    if (finding) out.push(finding);
  }
  if (o.kind !== 'CronJob' || !o.spec || typeof o.spec !== 'object') return;
  const { schedule, timeZone } = o.spec as { schedule?: unknown; timeZone?: unknown };
  if (typeof schedule === 'string' && schedule !== '') {
    const problem = cronScheduleProblem(schedule);
    if (problem !== undefined) {
      out.push(
        emit(
          'api/schedule',
          ['spec', 'schedule'],
          `schedule ${JSON.stringify(schedule)} is not a schedule the API server reads: ${problem}`,
          SCHEDULE_HINT,
        ),
      );
    } else if (timeZone !== undefined && timeZone !== null && schedule.includes('TZ')) {
      out.push(
        emit(
          'api/schedule',
          ['spec', 'schedule'],
          `schedule ${JSON.stringify(schedule)} names a time zone (TZ or CRON_TZ) and so does spec.timeZone; the API server takes one or the other`,
          'remove the TZ= prefix from the schedule and keep spec.timeZone',
        ),
      );
    }
  }
  if (typeof timeZone === 'string') {
    const why = timeZoneProblem(timeZone);
    if (why) {
      out.push(emit('api/time-zone', ['spec', 'timeZone'], `timeZone ${JSON.stringify(timeZone)} ${why}`, TIME_ZONE_HINT));
    }
  }
}
