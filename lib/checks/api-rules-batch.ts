/**
 * The API server's rules of Jobs and CronJobs (pkg/apis/batch/validation) that JSON Schema does
 * not express: the pods' restart policy, a CronJob's schedule (robfig/cron, lib/model/cron.ts) and
 * time zone; and a Job the cluster deletes once finished, which the next kubectl apply makes and
 * runs again. Called by `checkApiRules` (api-rules.ts); data in, findings out.
 */
import { BoundedMap } from '../model/bounded-map.js';
import { SCHEDULE_HINT, TIME_ZONE_HINT, cronScheduleProblem, timeZoneProblem } from '../model/cron.js';
import { isRecord, type KubeObject } from '../model/object.js';
import type { PodTemplate } from '../model/pod-specs.js';
import { finder, type Emit, type Finding } from './finding.js';

/** Whether a Job picks its pods itself (`spec.manualSelector: true`): then the API server does not label them with its name. */
export const manualSelector = (o: KubeObject) => (o.spec as { manualSelector?: unknown } | undefined)?.manualSelector === true;

/** What robfig/cron said of each schedule: a fleet's CronJobs repeat a few. */
const schedules = new BoundedMap<string, string | undefined>(1000);

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
): void {
  const spec = template?.spec;
  if (spec && typeof spec === 'object') {
    const policy = spec.restartPolicy;
    // another value than the three the schema's enum allows is the schema check's
    if (policy === undefined || policy === 'Always') {
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
  }
  const ttl = o.kind === 'Job' && isRecord(o.spec) ? o.spec.ttlSecondsAfterFinished : undefined;
  if (typeof ttl === 'number') {
    // a CronJob's jobTemplate may set it: the CronJob, which kubectl apply knows, stays
    out.push(
      finder(o, 'warning')(
        'api/job-ttl',
        ['spec', 'ttlSecondsAfterFinished'],
        `the cluster deletes the Job ${ttl} s after it finishes, so every later kubectl apply of these manifests creates it again, and it runs again`,
        'remove ttlSecondsAfterFinished, so that the finished Job stays and a later apply leaves it alone; for a task that repeats, make it a CronJob; ' +
          'or deliver the Job once, apart from the manifests applied again and again (kubectl create -f <file>)',
      ),
    );
  }
  if (o.kind !== 'CronJob' || !o.spec || typeof o.spec !== 'object') return;
  const { schedule, timeZone } = o.spec as { schedule?: unknown; timeZone?: unknown };
  if (typeof schedule === 'string' && schedule !== '') {
    const problem = schedules.has(schedule) ? schedules.get(schedule) : schedules.remember(schedule, cronScheduleProblem(schedule));
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
