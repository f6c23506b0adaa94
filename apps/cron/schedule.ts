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

/** The most days each month has (February's in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The values of a valid field of a schedule (days of the month 1-31, months 1-12 by number or name), and whether robfig/cron marks it '*'. */
function fieldValues(field: string, min: number, max: number, names: readonly string[] = []): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  const value = (v: string) => (names.includes(v.toLowerCase()) ? names.indexOf(v.toLowerCase()) + min : Number(v));
  for (const range of field.split(',').filter((r) => r !== '')) {
    const [span, stepText] = range.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [low, high] = span.split('-');
    const all = low === '*' || low === '?';
    // robfig/cron's getRange: '*' (or '?') without a step above 1 is the star bit; 'n/step' runs to the maximum
    if (all && step <= 1) star = true;
    const start = all ? min : value(low);
    const end = all ? max : high !== undefined ? value(high) : stepText !== undefined ? max : start;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/**
 * On which dates a valid schedule runs, as robfig/cron matches days (dayMatches): with a day of the
 * week of '*' (or '?'), on the days of the month of its months only: 'none' when no month has one of
 * its days (30 2 *, 31 4,6,9,11 *), 'leap' when only February 29 is one; else (descriptors, a day of
 * the week named, which runs whatever the day of the month), 'some'.
 */
function datesOf(schedule: string): 'none' | 'leap' | 'some' {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5 || !fieldValues(fields[4], 0, 6).star) return 'some';
  const days = fieldValues(fields[2], 1, 31).values;
  // the first date other than February 29 answers: every app's backup of a 1,000-app stage file asks, each time it is read
  let leap = false;
  for (const m of fieldValues(fields[3], 1, 12, MONTHS).values) {
    for (const d of days) {
      if (d > DAYS_IN_MONTH[m - 1]) continue;
      if (m !== 2 || d !== 29) return 'some';
      leap = true;
    }
  }
  return leap ? 'leap' : 'none';
}

/** The settings `scheduleProblems` reads. */
export interface ScheduleSettings {
  readonly schedule: string;
  readonly timeZone?: string;
}

/**
 * Why the API server would refuse the schedule or the time zone under `path`, each at its setting;
 * a `TZ=`/`CRON_TZ=` prefix is refused too: the zone of a CronJob is its `timeZone` (the API
 * server refuses a prefix beside it, and newer ones refuse it always). A schedule it takes that
 * never runs (February 30), or once in four years (February 29), is a warning.
 */
export function scheduleProblems(s: ScheduleSettings, path: readonly string[]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const scheduleProblem = cronScheduleProblem(s.schedule);
  const dates = scheduleProblem === undefined ? datesOf(s.schedule) : undefined;
  if (dates !== undefined && dates !== 'some') {
    problems.push({
      code: 'config/invalid',
      severity: 'warning',
      path: [...path, 'schedule'],
      message:
        dates === 'none'
          ? 'names days of the month that none of its months has (such as February 30 or April 31), and any day of the week: the CronJob never runs, and the API server takes it without a word'
          : 'names no day of its months but February 29, and any day of the week: the CronJob runs once in four years',
      hint: 'name days its months have (the last of the month has no cron syntax: run daily on days 28-31 and exit unless tomorrow is the 1st), or days of the week',
    });
  }
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
