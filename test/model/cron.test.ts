import { describe, expect, it } from 'vitest';
import {
  cronMatches,
  cronScheduleProblem,
  cronSpec,
  goDuration,
  goDurationProblem,
  knownTimeZone,
  timeZoneProblem,
  timeZoneSpelling,
} from '../../lib/model/cron.js';

describe('CronJob schedules, as robfig/cron ParseStandard reads them for the 1.25 API server', () => {
  it.each([
    '0 2 * * *',
    '*/5 * * * *',
    '0 0 1,15 * *',
    '0 9-17/2 * * MON-FRI',
    '0 0 * jan-mar sun',
    '0 0 ? * ?',
    '0\t0  *   *  *',
    '@yearly',
    '@annually',
    '@monthly',
    '@weekly',
    '@daily',
    '@midnight',
    '@hourly',
    '@every 90s',
    '@every 1h30m',
    '@every 1.5h',
    '@every -1s',
    'TZ=UTC 0 * * * *',
    'CRON_TZ=Europe/Berlin @daily',
  ])('takes %j', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    // what the library takes and a stricter cron would not: the API server takes it too
    ['? in any field', '? ? * * *'],
    ['the text after *- (never read)', '*-5 * * * *'],
    ['a single value with a step (up to the maximum)', '5/15 * * * *'],
    ['an empty item of a list (dropped)', '1,,2 * * * *'],
    ['a number with a plus sign (strconv.Atoi)', '+5 * * * *'],
  ])('takes %s', (_what, schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });

  it.each([
    ['0 1 * *', 'expected exactly 5 fields, found 4: [0 1 * *]'],
    ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
    ['0 25 * * *', 'end of range (25) above maximum (23): 25'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['0 0 * 13 *', 'end of range (13) above maximum (12): 13'],
    ['* * * * 7', 'end of range (7) above maximum (6): 7'],
    ['0 0 5-3 * *', 'beginning of range (5) beyond end of range (3): 5-3'],
    ['0 0 * * SAT-SUN', 'beginning of range (6) beyond end of range (0): SAT-SUN'],
    ['0 0 1-31/0 * *', 'step of range should be a positive number: 1-31/0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['*//2 * * * *', 'too many slashes: *//2'],
    ['* * * * */-1', 'negative number (-1) not allowed: -1'],
    ['MON * * * *', 'failed to parse int from MON: strconv.Atoi: parsing "MON": invalid syntax'],
    ['0 0 * JANUARY *', 'failed to parse int from JANUARY: strconv.Atoi: parsing "JANUARY": invalid syntax'],
    ['0 0 L * *', 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'],
    [
      '99999999999999999999 * * * *',
      'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range',
    ],
    ['@reboot', 'unrecognized descriptor: @reboot'],
    ['@DAILY', 'unrecognized descriptor: @DAILY'],
    ['@daily ', 'unrecognized descriptor: @daily '],
    [' @daily', 'expected exactly 5 fields, found 1: [@daily]'],
    ['@every', 'unrecognized descriptor: @every'],
    ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
    ['@every 1d', 'failed to parse duration @every 1d: time: unknown unit "d" in duration "1d"'],
    ['TZ=Mars/Olympus 0 * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ['TZ=../etc/passwd 0 * * * *', 'provided bad location ../etc/passwd: time: invalid location name'],
    ['TZ=UTC', 'a time zone prefix needs a space before the schedule: TZ=UTC'],
    ['', 'empty spec string'],
  ])('refuses %j: %s', (schedule, problem) => {
    expect(cronScheduleProblem(schedule)).toBe(problem);
  });
});

describe('when a schedule runs, as robfig/cron matches times', () => {
  const at = (month: number, day: number, weekday: number, hour: number, minute: number) => ({ month, day, weekday, hour, minute });

  it('reads each field, by number or name, with ranges, steps and lists', () => {
    const spec = cronSpec('0,30 9-17/4 1 jan-mar/2 mon-fri')!;
    expect([...spec.minutes]).toEqual([0, 30]);
    expect([...spec.hours]).toEqual([9, 13, 17]);
    expect([...spec.months]).toEqual([1, 3]);
    expect([...spec.weekdays]).toEqual([1, 2, 3, 4, 5]);
    expect(spec).toMatchObject({ daysStar: false, weekdaysStar: false });
  });

  it("matches a named day of the month or of the week (either), and with one of them '*' both", () => {
    const either = cronSpec('0 0 1 * MON')!;
    expect(cronMatches(either, at(5, 1, 3, 0, 0))).toBe(true);
    expect(cronMatches(either, at(5, 8, 1, 0, 0))).toBe(true);
    expect(cronMatches(either, at(5, 9, 2, 0, 0))).toBe(false);
    const both = cronSpec('0 0 1 * *')!;
    expect(cronMatches(both, at(5, 1, 3, 0, 0))).toBe(true);
    expect(cronMatches(both, at(5, 8, 1, 0, 0))).toBe(false);
    // '*/2' is no '*' (robfig's star bit goes with a step above 1), '?' is
    expect(cronSpec('0 0 1 * */2')!.weekdaysStar).toBe(false);
    expect(cronSpec('0 0 1 * ?')!.weekdaysStar).toBe(true);
  });

  it('reads a descriptor as its fields, after a TZ= prefix, and splits on white space as Go does (U+0085 too)', () => {
    expect(cronSpec('@weekly')).toEqual(cronSpec('0 0 * * 0'));
    expect(cronSpec('@hourly')!.hours.size).toBe(24);
    expect(cronSpec('TZ=UTC 30 2 * * *')).toEqual(cronSpec('30 2 * * *'));
    expect(cronSpec('0 0 30\u00852 *')).toEqual(cronSpec('0 0 30 2 *'));
    expect(cronSpec('@every 1h')).toBeUndefined();
  });
});

describe("Go's time.ParseDuration, for @every", () => {
  it.each(['0', '-0', '1h', '1.5h', '.5s', '5.s', '1h1m1s', '300ms', '1us', '1\u00b5s', '1\u03bcs', '9223372036854775807ns', '2562047h'])(
    'takes %j',
    (d) => {
      expect(goDurationProblem(d)).toBeUndefined();
    },
  );

  it.each([
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['.s', 'time: invalid duration ".s"'],
    ['1x', 'time: unknown unit "x" in duration "1x"'],
    ['1h ', 'time: unknown unit "h " in duration "1h "'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['2562048h', 'time: invalid duration "2562048h"'],
  ])('refuses %j', (d, problem) => {
    expect(goDurationProblem(d)).toBe(problem);
  });

  it('reads a duration in nanoseconds, as a Flux timeout is compared', () => {
    expect([goDuration('1m30s'), goDuration('0.5m'), goDuration('29s999ms'), goDuration('0h0m'), goDuration('-1.5s')]).toEqual([
      90_000_000_000n,
      30_000_000_000n,
      29_999_000_000n,
      0n,
      -1_500_000_000n,
    ]);
  });
});

describe('time zones', () => {
  it("knows the IANA database's zones and links, and nothing else", () => {
    expect(['UTC', 'Etc/UTC', 'Europe/Berlin', 'America/New_York', 'US/Eastern', 'EST5EDT'].filter((z) => !knownTimeZone(z))).toEqual([]);
    expect(['Mars/Olympus', 'Local', '', 'UTC+2'].filter(knownTimeZone)).toEqual([]);
  });

  it('refuses a zone in the wrong case, as Go reads it from a file of that name, and gives its spelling', () => {
    expect(['europe/berlin', 'utc', 'AMERICA/NEW_YORK'].filter(knownTimeZone)).toEqual([]);
    expect(['europe/berlin', 'utc', 'Mars/Olympus'].map(timeZoneSpelling)).toEqual(['Europe/Berlin', 'UTC', undefined]);
    expect(cronScheduleProblem('TZ=europe/berlin 0 3 * * *')).toBe('provided bad location europe/berlin: unknown time zone europe/berlin');
  });

  it('refuses a link with a part starting lowercase, which no name of the database has, and gives its target', () => {
    expect(['US/Pacific', 'Japan', 'GB-Eire', 'Etc/GMT+5'].filter((z) => !knownTimeZone(z))).toEqual([]);
    expect(['us/pacific', 'US/pacific', 'japan'].map(timeZoneSpelling)).toEqual([
      'America/Los_Angeles',
      'America/Los_Angeles',
      'Asia/Tokyo',
    ]);
    expect(timeZoneProblem('us/pacific')).toBe(
      "is spelled America/Los_Angeles in the IANA time zone database, and the API server's lookup minds the case",
    );
  });
});
