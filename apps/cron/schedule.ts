/**
 * A CronJob's schedule and time zone as stage-file settings, read alike wherever a stack runs one
 * (the cron stack's `schedule`/`timeZone`, demoapp's `database.backup`): their schemas, and the
 * problems placed at each setting before anything is rendered. Pure.
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { SCHEDULE_HINT, TIME_ZONE_HINT, cronScheduleProblem, timeZoneProblem } from '../../lib/model/cron.js';
import { Type } from '../../lib/config/types.js';

export const Schedule = (description: string) => Type.String({ minLength: 1, description });

export const TimeZone = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

/** The settings `scheduleProblems` reads. */
export interface ScheduleSettings {
  readonly schedule: string;
  readonly timeZone?: string;
}

/**
 * Why the API server would refuse the schedule or the time zone under `path`, each at its setting;
 * a `TZ=`/`CRON_TZ=` prefix is refused too: the zone of a CronJob is its `timeZone` (the API
 * server refuses a prefix beside it, and newer ones refuse it always).
 */
export function scheduleProblems(s: ScheduleSettings, path: readonly string[]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const scheduleProblem = cronScheduleProblem(s.schedule);
  if (scheduleProblem !== undefined) {
    problems.push({
      code: 'config/invalid',
      path: [...path, 'schedule'],
      message: `is not a schedule the API server reads: ${scheduleProblem}`,
      hint: SCHEDULE_HINT,
    });
  } else if (/^(CRON_)?TZ=/.test(s.schedule)) {
    problems.push({
      code: 'config/invalid',
      path: [...path, 'schedule'],
      message: 'names a time zone (TZ= or CRON_TZ=): the zone of a CronJob is its timeZone',
      hint: `remove the prefix and set timeZone: ${s.schedule.slice(s.schedule.indexOf('=') + 1).split(' ')[0]}`,
    });
  }
  const zone = s.timeZone === undefined ? undefined : timeZoneProblem(s.timeZone);
  if (zone !== undefined) problems.push({ code: 'config/invalid', path: [...path, 'timeZone'], message: zone, hint: TIME_ZONE_HINT });
  return problems;
}
