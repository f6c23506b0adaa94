/**
 * A CronJob's schedule and time zone as stage-file settings, read alike wherever a stack runs one
 * (the cron stack's `schedule`/`timeZone`, demoapp's `database.backup`): their schemas, and the
 * problems placed at each setting before anything is rendered. Pure.
 */
import type { SettingsProblem } from '../../lib/stack.js';
import { type ClockChange, clockChanges, firstRunIn } from '../../lib/model/clock-changes.js';
import {
  SCHEDULE_HINT,
  TIME_ZONE_HINT,
  cronScheduleProblem,
  cronSpec,
  timeZoneProblem,
  type CronSpec,
  type WallTime,
} from '../../lib/model/cron.js';
import { Type } from '../../lib/config/types.js';

export const Schedule = (description: string) => Type.String({ minLength: 1, description });

export const TimeZone = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));

/** The most days each month has (February's in a leap year). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * On which dates a schedule runs, as robfig/cron matches days (`cronMatches`): with a day of the
 * week of '*' (or '?'), on the days of the month of its months only: 'none' when no month has one of
 * its days (30 2 *, 31 4,6,9,11 *), 'leap' when only February 29 is one; else (descriptors, a day of
 * the week named, which runs whatever the day of the month), 'some'.
 */
function datesOf(spec: CronSpec | undefined): 'none' | 'leap' | 'some' {
  if (!spec?.weekdaysStar) return 'some';
  // the first date other than February 29 answers: every app's backup of a 1,000-app stage file asks, each time it is read
  let leap = false;
  for (const m of spec.months) {
    for (const d of spec.days) {
      if (d > DAYS_IN_MONTH[m - 1]) continue;
      if (m !== 2 || d !== 29) return 'some';
      leap = true;
    }
  }
  return leap ? 'leap' : 'none';
}

const clock = (t: WallTime) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;

/**
 * Why a schedule that runs at given hours (not every hour, by `*` or by all 24 named: an hourly one
 * runs once in each hour there is) misses a run or runs twice in `zone`, whose clocks change:
 * robfig/cron, which the CronJob controller runs, reads the zone's wall clock, on which a time the
 * clocks skip going forward never comes that day, and one they pass twice going back comes twice.
 * Each is said with its time and a date it comes (of the years read: `clockChanges`), since a zone
 * of the southern hemisphere goes back in the first half of the year and forward in the second.
 * Undefined when no change meets a time it runs at.
 */
function clockChangeProblem(spec: CronSpec | undefined, zone: string, path: readonly string[]): SettingsProblem | undefined {
  if (!spec || spec.hours.size === 24) return undefined;
  const met: Partial<Record<ClockChange['direction'], { at: string; date: string }>> = {};
  const windows = new Set<string>();
  for (const change of clockChanges(zone)) {
    const at = firstRunIn(spec, change);
    if (!at) continue;
    met[change.direction] ??= { at: clock(at), date: change.date };
    windows.add(`${clock(change.first)}-${clock(change.last)}`);
  }
  const { forward, back } = met;
  if (!forward && !back) return undefined;
  const controller = "(the CronJob controller reads the zone's wall clock)";
  const skipped = forward && `skip going forward (e.g. on ${forward.date})`;
  const repeated = back && `pass twice going back (e.g. on ${back.date})`;
  const message =
    forward && back
      ? forward.at === back.at
        ? `runs at ${forward.at} in ${zone}, a time its clocks ${skipped} and ${repeated}: the CronJob does not run at ${forward.at} on the day they go forward, and runs twice at ${back.at} on the day they go back ${controller}`
        : `runs at ${forward.at} in ${zone}, a time its clocks ${skipped}, and at ${back.at}, which they ${repeated}: the CronJob does not run at ${forward.at} on the day they go forward, and runs twice at ${back.at} on the day they go back ${controller}`
      : forward
        ? `runs at ${forward.at} in ${zone}, a time its clocks ${skipped}: that day the CronJob does not run at ${forward.at} ${controller}`
        : `runs at ${back!.at} in ${zone}, a time its clocks ${repeated}: that day the CronJob runs twice at ${back!.at} ${controller}`;
  return {
    code: 'config/invalid',
    severity: 'warning',
    path: [...path, 'schedule'],
    message,
    hint: `run it outside ${[...windows].join(' and ')} (the times the clocks change), or set timeZone: Etc/UTC, whose clocks never change`,
  };
}

/** A schedule that names its own time zone, which robfig/cron reads and a CronJob may not. */
const ZONED = /^(CRON_)?TZ=/;

/** The settings `scheduleProblems` reads. */
export interface ScheduleSettings {
  readonly schedule: string;
  readonly timeZone?: string;
}

/**
 * Why the API server would refuse the schedule or the time zone under `path`, each at its setting;
 * a `TZ=`/`CRON_TZ=` prefix is refused too: the zone of a CronJob is its `timeZone` (the API
 * server refuses a prefix beside it, and newer ones refuse it always). A schedule it takes that
 * never runs (February 30), or once in four years (February 29), is a warning; so is one in a
 * `timeZone` whose clocks change at a time it runs at (`clockChangeProblem`).
 */
export function scheduleProblems(s: ScheduleSettings, path: readonly string[]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const scheduleProblem = cronScheduleProblem(s.schedule);
  const spec = scheduleProblem === undefined ? cronSpec(s.schedule) : undefined;
  const dates = scheduleProblem === undefined ? datesOf(spec) : undefined;
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
  } else if (ZONED.test(s.schedule)) {
    problems.push({
      code: 'config/invalid',
      path: [...path, 'schedule'],
      message: 'names a time zone (TZ= or CRON_TZ=): the zone of a CronJob is its timeZone',
      hint: `remove the prefix and set timeZone: ${s.schedule.slice(s.schedule.indexOf('=') + 1).split(' ')[0]}`,
    });
  }
  const zone = s.timeZone === undefined ? undefined : timeZoneProblem(s.timeZone);
  if (zone !== undefined) problems.push({ code: 'config/invalid', path: [...path, 'timeZone'], message: zone, hint: TIME_ZONE_HINT });
  // a schedule refused for its TZ= prefix is not said again for the clocks of the zone beside it
  else if (s.timeZone !== undefined && dates === 'some' && !ZONED.test(s.schedule)) {
    const changed = clockChangeProblem(spec, s.timeZone, path);
    if (changed) problems.push(changed);
  }
  return problems;
}
