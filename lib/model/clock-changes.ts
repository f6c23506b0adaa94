/**
 * When the clocks of a time zone change (daylight saving time, or a new standard offset), as the
 * time zone data Node.js ships says: the wall-clock times each change skips or passes twice. A
 * CronJob with a `timeZone` runs on that wall clock (robfig/cron), so one at a skipped time does
 * not run that day, and one at a time passed twice runs twice. Pure: the years looked at are fixed
 * (`YEARS`), never the clock's, so that the same stage file gives the same warnings on any day.
 */
import type { WallTime } from './cron.js';

/**
 * The first and last of the years whose changes are read: eight, in which each date a rule gives
 * (the last Sunday of March, 25 to 31; the second Sunday of March in the US, 8 to 14) comes once at
 * least, so that a schedule on the 29th or on Sundays only meets the change it would meet some year.
 */
const YEARS = [2026, 2033] as const;
/** The clocks of a zone change at most about once a month (Morocco's around Ramadan): looked at weekly, then to the minute. */
const WEEK = 7 * 24 * 60 * 60_000;
const MINUTE = 60_000;

/** One change of a zone's clocks: the wall-clock times it skips (`forward`) or passes twice (`back`). */
export interface ClockChange {
  readonly direction: 'forward' | 'back';
  /** The wall-clock minutes skipped or passed twice, in order (60 for a change of an hour). */
  readonly times: readonly WallTime[];
  /** The hours of `times`: a schedule at none of them meets none of its times. */
  readonly hours: ReadonlySet<number>;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in minutes (east positive). */
function offsetAt(zone: string, ms: number): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, format);
  }
  const part: Record<string, number> = {};
  for (const p of format.formatToParts(ms)) part[p.type] = Number(p.value);
  const wall = Date.UTC(part.year, part.month - 1, part.day, part.hour, part.minute);
  return Math.round((wall - Math.floor(ms / MINUTE) * MINUTE) / MINUTE);
}

/** The wall-clock time `minutes` after the wall-clock time `wall` (the milliseconds of a UTC date that reads as it). */
function wallTime(wall: number, minutes: number): WallTime {
  const d = new Date(wall + minutes * MINUTE);
  return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/**
 * Zones whose changes are kept: a stage names a few, and each holds about a thousand wall-clock
 * minutes (16 changes of an hour), so that a stage file of every zone holds a few MB, not a hundred.
 */
const KEPT_ZONES = 64;
const changes = new Map<string, readonly ClockChange[]>();

/**
 * The changes of the clocks of `zone` (a zone Node.js knows) in the years `YEARS`, in order; none
 * for a zone whose offset never changes (Etc/UTC, Asia/Tokyo). Kept per zone: a fleet repeats a few.
 */
export function clockChanges(zone: string): readonly ClockChange[] {
  const known = changes.get(zone);
  if (known) return known;
  const found: ClockChange[] = [];
  const end = Date.UTC(YEARS[1] + 1, 0, 1);
  let at = Date.UTC(YEARS[0], 0, 1);
  let offset = offsetAt(zone, at);
  for (; at < end; at += WEEK) {
    const next = offsetAt(zone, at + WEEK);
    if (next === offset) continue;
    // the first minute of the new offset: offset(low) is the old one, offset(high) the new one
    let [low, high] = [at, at + WEEK];
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / (2 * MINUTE)) * MINUTE;
      if (offsetAt(zone, middle) === offset) low = middle;
      else high = middle;
    }
    const forward = next > offset;
    // forward: the wall clock jumps from high + offset to high + next; back: it reads high + next again, up to high + offset
    const wall = high + (forward ? offset : next) * MINUTE;
    const times = Array.from({ length: Math.abs(next - offset) }, (_, i) => wallTime(wall, i));
    found.push({ direction: forward ? 'forward' : 'back', times, hours: new Set(times.map((t) => t.hour)) });
    offset = next;
  }
  if (changes.size >= KEPT_ZONES) {
    changes.clear();
    formats.clear();
  }
  changes.set(zone, found);
  return found;
}
