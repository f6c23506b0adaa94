/**
 * CronJob schedules as the Kubernetes 1.25 API server reads them: `cron.ParseStandard` of
 * github.com/robfig/cron/v3 (v3.0.1), which pkg/apis/batch/validation calls on every CronJob.
 * Written out here because no npm cron parser reads what it reads: they take a sixth (seconds)
 * field, 7 for Sunday, L, W and #, which it refuses, and refuse what it takes (`?` in any field,
 * `*-5` read as `*`, `5/15` read as `5-59/15`, `1,,2`, `+5`, `@every 90s`, a `TZ=` prefix).
 *
 * The grammar: `[TZ=<zone> |CRON_TZ=<zone> ]` then a descriptor (`@yearly`, `@annually`,
 * `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <Go duration>`) or exactly five
 * fields separated by white space (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or
 * JAN-DEC, day of week 0-6 or SUN-SAT), each a comma-separated list of `*`, `?`, `n` or `n-m`,
 * with an optional `/step`. Pure; the messages are the library's, which `kubectl apply` shows.
 */
import { BoundedMap } from './bounded-map.js';
import { goAtoi } from './go-int.js';
import { ownEntry } from './object.js';

/** The bounds and names of one field (robfig/cron spec.go). */
interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAY_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DAY_NAMES },
];
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const EVERY = '@every ';

/** Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace split and trim on (JavaScript's \s differs: U+0085, U+FEFF). */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const FIELD_SEPARATOR = new RegExp(`[${GO_SPACE}]+`);
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');
const DIGITS = /^[0-9]*/;

/**
 * Why the API server refuses `schedule` (robfig/cron's error, as it reports it), or undefined when
 * it takes it. `timeZone` says whether the zone of a `TZ=` prefix is known: Node's time zone data
 * stands in for Go's (`time.LoadLocation`).
 */
export function cronScheduleProblem(schedule: string, timeZone: (zone: string) => boolean = knownTimeZone): string | undefined {
  if (timeZone !== knownTimeZone) return scheduleProblem(schedule, timeZone);
  return answered.has(schedule) ? answered.get(schedule) : answered.remember(schedule, scheduleProblem(schedule, timeZone));
}

/**
 * `cronScheduleProblem`'s answers with Node's time zones, by schedule: a fleet's CronJobs share a few
 * schedules, read once in the stage file (apps/cron/schedule.ts) and once more by the checks
 * (lib/checks/api-rules-batch.ts). Bounded, so that distinct schedules never make it grow.
 */
const answered = new BoundedMap<string, string | undefined>(1000);

function scheduleProblem(schedule: string, timeZone: (zone: string) => boolean): string | undefined {
  if (schedule.length === 0) return 'empty spec string';
  let spec = schedule;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    // robfig slices spec[eq+1:-1] and panics: the API server answers with an internal error
    if (space < 0) return `a time zone prefix needs a space before the schedule: ${schedule}`;
    const zone = spec.slice(spec.indexOf('=') + 1, space);
    const bad = locationProblem(zone, timeZone);
    if (bad) return `provided bad location ${zone}: ${bad}`;
    spec = spec.slice(space).replace(TRIM, '');
  }
  if (spec.startsWith('@')) return descriptorProblem(spec);
  const fields = spec.split(FIELD_SEPARATOR).filter((f) => f !== '');
  if (fields.length !== FIELDS.length) return `expected exactly ${FIELDS.length} fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < fields.length; i++) {
    // strings.FieldsFunc: empty items between commas are dropped
    for (const range of fields[i].split(',')) {
      if (range === '') continue;
      const problem = rangeProblem(range, FIELDS[i]);
      if (problem) return problem;
    }
  }
  return undefined;
}

function descriptorProblem(spec: string): string | undefined {
  if (DESCRIPTORS.has(spec)) return undefined;
  if (spec.startsWith(EVERY)) {
    const problem = goDurationProblem(spec.slice(EVERY.length));
    return problem && `failed to parse duration ${spec}: ${problem}`;
  }
  return `unrecognized descriptor: ${spec}`;
}

/**
 * When a schedule runs, as robfig/cron's SpecSchedule holds it: the values each field matches, and
 * whether the day fields are `*` (its star bit: `*` or `?` without a step above 1), which decides
 * how they combine (`cronMatches`).
 */
export interface CronSpec {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** Days of the week, 0 (Sunday) to 6. */
  readonly weekdays: ReadonlySet<number>;
  readonly daysStar: boolean;
  readonly weekdaysStar: boolean;
}

/** The descriptors robfig/cron reads as fields (parseDescriptor); `@every` is a delay, no time of day. */
const DESCRIBED: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * The fields of a schedule as robfig/cron splits them (after a `TZ=` prefix, on Go's white space),
 * a descriptor (`@daily`) as the fields it stands for, or undefined for `@every`. For a schedule
 * `cronScheduleProblem` takes.
 */
function cronFields(schedule: string): string[] | undefined {
  let spec = schedule;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) spec = spec.slice(spec.indexOf(' ')).replace(TRIM, '');
  if (spec.startsWith('@')) return ownEntry(DESCRIBED, spec)?.split(' ');
  return spec.split(FIELD_SEPARATOR).filter((f) => f !== '');
}

/** What one valid field matches, and whether robfig/cron marks it `*` (getField, getRange). */
function fieldMatches(field: string, r: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  const value = (text: string) => Number(intOrName(text, r.names));
  for (const range of field.split(',')) {
    if (range === '') continue;
    const [span, stepText] = range.split('/');
    const step = stepText === undefined ? 1 : value(stepText);
    const [low, high] = span.split('-');
    const all = low === '*' || low === '?';
    if (all && step <= 1) star = true;
    const start = all ? r.min : value(low);
    const end = all ? r.max : high !== undefined ? value(high) : stepText !== undefined ? r.max : start;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** When `schedule`, one `cronScheduleProblem` takes, runs; undefined for `@every <duration>`, which runs at no time of day. */
export function cronSpec(schedule: string): CronSpec | undefined {
  const fields = cronFields(schedule);
  if (fields?.length !== FIELDS.length) return undefined;
  const [minutes, hours, days, months, weekdays] = fields.map((f, i) => fieldMatches(f, FIELDS[i]));
  return {
    minutes: minutes.values,
    hours: hours.values,
    days: days.values,
    months: months.values,
    weekdays: weekdays.values,
    daysStar: days.star,
    weekdaysStar: weekdays.star,
  };
}

/** A time on a wall clock: its date (month 1-12, weekday 0-6 from Sunday) and time of day. */
export interface WallTime {
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

/**
 * Whether the schedule runs at `t`: robfig/cron's dayMatches, where a day of the month and a day of
 * the week both named (neither `*`) match either, else both.
 */
export function cronMatches(spec: CronSpec, t: WallTime): boolean {
  // the time of day first: a daily schedule is told apart from most times by its hour alone
  if (!spec.hours.has(t.hour) || !spec.minutes.has(t.minute) || !spec.months.has(t.month)) return false;
  const day = spec.days.has(t.day);
  const weekday = spec.weekdays.has(t.weekday);
  return spec.daysStar || spec.weekdaysStar ? day && weekday : day || weekday;
}

/** robfig/cron's getRange: `*`, `?`, `n` or `n-m`, then an optional `/step`. */
function rangeProblem(expr: string, r: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: bigint;
  let end: bigint;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    // what follows a '-' after '*' is never read
    start = BigInt(r.min);
    end = BigInt(r.max);
  } else {
    if (lowAndHigh.length > 2) return `too many hyphens: ${expr}`;
    const low = intOrName(lowAndHigh[0], r.names);
    if (typeof low === 'string') return low;
    start = low;
    end = low;
    if (lowAndHigh.length === 2) {
      const high = intOrName(lowAndHigh[1], r.names);
      if (typeof high === 'string') return high;
      end = high;
    }
  }
  let step = 1n;
  if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (rangeAndStep.length === 2) {
    const parsed = goUint(rangeAndStep[1]);
    if (typeof parsed === 'string') return parsed;
    step = parsed;
    // "n/step" means "n-max/step"
    if (lowAndHigh.length === 1) end = BigInt(r.max);
  }
  if (start < r.min) return `beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `end of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0n) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/** robfig/cron's parseIntOrName: a name of the field (in any case, as Go lowers it), or a number. */
function intOrName(expr: string, names: Bounds['names']): bigint | string {
  if (names) {
    // Go's strings.ToLower makes U+0130 (İ) an 'i', where JavaScript keeps its dot
    const name = expr.replace(/\u0130/g, 'i').toLowerCase();
    if (Object.hasOwn(names, name)) return BigInt(names[name]);
  }
  return goUint(expr);
}

/** robfig/cron's mustParseInt: strconv.Atoi, then no negative number. */
function goUint(expr: string): bigint | string {
  const n = goAtoi(expr);
  if (typeof n === 'string') return `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: ${n}`;
  if (n < 0n) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

const goQuote = (s: string) => JSON.stringify(s);

const NANOSECONDS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  '\u00b5s': 1000n,
  '\u03bcs': 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const TWO_63 = 2n ** 63n;

/**
 * Why Go's time.ParseDuration refuses `text`, or undefined when it takes it: `[-+]?` then one or
 * more decimal numbers, each with a unit (ns, us, µs, ms, s, m, h), or "0"; at most 2^63-1 ns.
 */
export function goDurationProblem(text: string): string | undefined {
  const parsed = goDuration(text);
  return typeof parsed === 'string' ? parsed : undefined;
}

/**
 * A duration as Go's time.ParseDuration reads it (a CronJob's `@every`, a Flux Kustomization's
 * `timeout`), in nanoseconds, or why it refuses it (goDurationProblem).
 */
export function goDuration(text: string): bigint | string {
  const invalid = `time: invalid duration ${goQuote(text)}`;
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return invalid;
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid;
    const whole = DIGITS.exec(s)![0];
    s = s.slice(whole.length);
    let v = whole === '' ? 0n : BigInt(whole);
    if (v > TWO_63) return invalid;
    let fraction = '';
    if (s[0] === '.') {
      fraction = DIGITS.exec(s.slice(1))![0];
      s = s.slice(1 + fraction.length);
      if (whole === '' && fraction === '') return invalid;
    } else if (whole === '') return invalid;
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i] >= '0' && s[i] <= '9')) i++;
    if (i === 0) return `time: missing unit in duration ${goQuote(text)}`;
    const unitName = s.slice(0, i);
    s = s.slice(i);
    const unit = ownEntry(NANOSECONDS, unitName);
    if (unit === undefined) return `time: unknown unit ${goQuote(unitName)} in duration ${goQuote(text)}`;
    if (v > TWO_63 / unit) return invalid;
    v *= unit;
    // Go reads at most 19 digits of a fraction (beyond them it stops), then adds f * unit / 10^digits
    const f = fraction.slice(0, 18);
    if (f !== '' && BigInt(f) > 0n) v += BigInt(Math.trunc(Number(f) * (Number(unit) / 10 ** f.length)));
    if (v > TWO_63) return invalid;
    d += v;
    if (d > TWO_63) return invalid;
  }
  if (!negative && d > TWO_63 - 1n) return invalid;
  return negative ? -d : d;
}

/** Why Go's time.LoadLocation refuses `zone`: it takes "" and UTC, Local, and a zone of the time zone database (never a path). */
function locationProblem(zone: string, known: (zone: string) => boolean): string | undefined {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return undefined;
  if (zone.includes('..') || zone[0] === '/' || zone[0] === '\\') return 'time: invalid location name';
  return known(zone) ? undefined : `unknown time zone ${zone}`;
}

const zones = new Map<string, string | undefined>();

/** A part of a zone's name that starts with a lowercase letter, which no name of the IANA database has. */
const LOWERCASE_PART = /(^|\/)[a-z]/;

/**
 * Whether the IANA time zone database (as Node.js ships it) knows `zone`, spelled as it is there, as
 * the API server's time.LoadLocation must for `spec.timeZone` and a `TZ=` prefix.
 */
export function knownTimeZone(zone: string): boolean {
  return timeZoneSpelling(zone) === zone;
}

/**
 * How the database spells `zone`: itself, the zone in the right case (Node's lookup ignores case,
 * Go's reads a file of that name, so `europe/berlin` fails on the cluster), or undefined for no zone.
 * Node names only a link's target, so a link in another case is told only by the database's own
 * habit: each part of a name starts with a capital or a digit (`US/Pacific`, `Etc/GMT+5`), and a
 * link with a part that starts lowercase (`us/pacific`, `japan`) is spelled as its target
 * (`America/Los_Angeles`); other wrong cases of a link (`US/PACIFIC`) are taken, which Go's lookup
 * on the cluster refuses. Kept per name: a fleet repeats a few.
 */
export function timeZoneSpelling(zone: string): string | undefined {
  if (zones.has(zone)) return zones.get(zone);
  let spelling: string | undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    const link = resolved.toLowerCase() !== zone.toLowerCase();
    spelling = resolved !== zone && (!link || LOWERCASE_PART.test(zone)) ? resolved : zone;
  } catch {
    spelling = undefined;
  }
  if (zones.size >= 1000) zones.clear();
  zones.set(zone, spelling);
  return spelling;
}

/** What to write for a schedule robfig/cron does not read. */
export const SCHEDULE_HINT =
  'write five fields, minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or JAN-DEC) day-of-week (0-6 or SUN-SAT), e.g. "30 2 * * *", or a macro such as @daily';

/** What to write for a CronJob's timeZone that names no zone. */
export const TIME_ZONE_HINT =
  'name a zone of the IANA time zone database, e.g. Europe/Berlin or Etc/UTC, or leave timeZone out for the time zone of kube-controller-manager';

/**
 * Why a CronJob's `spec.timeZone` names no zone the API server loads (empty, `Local`, in another
 * case than the database's, or none of it), or undefined when it names one.
 */
export function timeZoneProblem(zone: string): string | undefined {
  if (zone === '') return 'is empty';
  if (zone.toLowerCase() === 'local') return 'names no zone, only the one kube-controller-manager runs in';
  if (knownTimeZone(zone)) return undefined;
  const spelling = timeZoneSpelling(zone);
  return spelling
    ? `is spelled ${spelling} in the IANA time zone database, and the API server's lookup minds the case`
    : 'is not a zone of the IANA time zone database';
}
