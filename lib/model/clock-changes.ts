/**
 * When the clocks of a time zone change (daylight saving time, or a new standard offset), as the
 * time zone data Node.js ships says: the wall-clock times each change skips or passes twice. A
 * CronJob with a `timeZone` runs on that wall clock (robfig/cron), so one at a skipped time does
 * not run at it that day, and one at a time passed twice runs twice at it. Pure: the years looked
 * at are fixed (`YEARS`), never the clock's, so that the same stage file gives the same warnings on
 * any day.
 */
import { cronMatches, type CronSpec, type WallTime } from './cron.js';

/**
 * The first and last of the years whose changes are read: eight, in which each date a rule gives
 * (the last Sunday of March, 25 to 31; the second Sunday of March in the US, 8 to 14) comes once at
 * least, so that a schedule on the 29th or on Sundays only meets the change it would meet some year.
 */
const YEARS = [2026, 2033] as const;
/** The clocks of a zone change at most about once a month (Morocco's around Ramadan): looked at weekly, then to the minute. */
const WEEK = 7 * 24 * 60 * 60_000;
const MINUTE = 60_000;

/** Wall-clock minutes `from` to `to` (inclusive) of one hour of one date. */
export interface ClockSpan extends Omit<WallTime, 'minute'> {
  readonly from: number;
  readonly to: number;
}

/** One change of a zone's clocks: the wall-clock times it skips (`forward`) or passes twice (`back`). */
export interface ClockChange {
  readonly direction: 'forward' | 'back';
  /** The date of its first wall-clock time, `2026-03-29`. */
  readonly date: string;
  readonly first: WallTime;
  readonly last: WallTime;
  /**
   * Its wall-clock times, a span for each hour they are in (one for a change of an hour on the hour,
   * two for Lord Howe Island's half hour from 01:30): a few numbers, not a thousand times, so that the
   * changes of every zone Node.js knows (about 600 names) are kept in a few hundred kB.
   */
  readonly spans: readonly ClockSpan[];
}

/** The zone's offset from UTC at `ms`, in minutes (east positive), as `format` (of the zone) reads it. */
function offsetAt(format: Intl.DateTimeFormat, ms: number): number {
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

/** The change of `minutes` wall-clock minutes from `wall` on. */
function change(direction: ClockChange['direction'], wall: number, minutes: number): ClockChange {
  const spans: ClockSpan[] = [];
  for (let i = 0; i < minutes; i++) {
    const { minute, ...hour } = wallTime(wall, i);
    const last = spans.at(-1);
    if (last && last.day === hour.day && last.hour === hour.hour) spans[spans.length - 1] = { ...last, to: minute };
    else spans.push({ ...hour, from: minute, to: minute });
  }
  return {
    direction,
    date: new Date(wall).toISOString().slice(0, 10),
    first: wallTime(wall, 0),
    last: wallTime(wall, minutes - 1),
    spans,
  };
}

/** How the zone's wall clock is read: to the minute, hours 0-23. */
const FORMAT: Intl.DateTimeFormatOptions = {
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
};

/**
 * The changes of each zone read, by the zone's own name in ICU (`US/Pacific` and `America/Los_Angeles`
 * are one): never emptied, since ICU knows a few hundred zones, each read once (about 2 ms), where a
 * bound would read a stage file's zones again at each use once it names more zones than the bound.
 */
const changes = new Map<string, readonly ClockChange[]>();
/** The ICU name of each spelling asked for (a spelling in another case, `US/PACIFIC`, is not ICU's). Bounded. */
const canonical = new Map<string, string>();

/**
 * The changes of the clocks of `zone` (a zone Node.js knows) in the years `YEARS`, in order; none
 * for a zone whose offset never changes (Etc/UTC, Asia/Tokyo).
 */
export function clockChanges(zone: string): readonly ClockChange[] {
  const name = canonical.get(zone);
  const known = name === undefined ? undefined : changes.get(name);
  if (known) return known;
  const format = new Intl.DateTimeFormat('en-US', { ...FORMAT, timeZone: zone });
  const resolved = format.resolvedOptions().timeZone;
  if (canonical.size >= 1000) canonical.clear();
  canonical.set(zone, resolved);
  let found = changes.get(resolved);
  if (!found) {
    found = changesIn(format);
    changes.set(resolved, found);
  }
  return found;
}

/** The changes of the zone `format` reads times in, in the years `YEARS`. */
function changesIn(format: Intl.DateTimeFormat): ClockChange[] {
  const found: ClockChange[] = [];
  const end = Date.UTC(YEARS[1] + 1, 0, 1);
  let at = Date.UTC(YEARS[0], 0, 1);
  let offset = offsetAt(format, at);
  for (; at < end; at += WEEK) {
    const next = offsetAt(format, at + WEEK);
    if (next === offset) continue;
    // the first minute of the new offset: offset(low) is the old one, offset(high) the new one
    let [low, high] = [at, at + WEEK];
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / (2 * MINUTE)) * MINUTE;
      if (offsetAt(format, middle) === offset) low = middle;
      else high = middle;
    }
    const forward = next > offset;
    // forward: the wall clock jumps from high + offset to high + next; back: it reads high + next again, up to high + offset
    found.push(change(forward ? 'forward' : 'back', high + (forward ? offset : next) * MINUTE, Math.abs(next - offset)));
    offset = next;
  }
  return found;
}

/**
 * The first of the times of `change` at which the schedule `spec` runs, or undefined: robfig/cron
 * matches a time by its fields (`cronMatches`), and the times of a span differ in the minute alone.
 */
export function firstRunIn(spec: CronSpec, change: ClockChange): WallTime | undefined {
  for (const span of change.spans) {
    let minute: number | undefined;
    for (const m of spec.minutes) if (m >= span.from && m <= span.to && (minute === undefined || m < minute)) minute = m;
    if (minute === undefined) continue;
    const at = { month: span.month, day: span.day, weekday: span.weekday, hour: span.hour, minute };
    if (cronMatches(spec, at)) return at;
  }
  return undefined;
}
