import { describe, expect, it } from 'vitest';
import { clockChanges, firstRunIn } from '../../lib/model/clock-changes.js';
import { cronSpec } from '../../lib/model/cron.js';

const clock = (t: { hour: number; minute: number }) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
/** Each change as `forward 03-29 02:00-02:59`. */
const said = (zone: string) =>
  clockChanges(zone).map(
    (c) =>
      `${c.direction} ${String(c.first.month).padStart(2, '0')}-${String(c.first.day).padStart(2, '0')} ${clock(c.first)}-${clock(c.last)}`,
  );

describe("the changes of a time zone's clocks", () => {
  it('are the wall-clock times skipped going forward and passed twice going back, from 2026 to 2033', () => {
    expect(said('Europe/Berlin').slice(0, 4)).toEqual([
      'forward 03-29 02:00-02:59',
      'back 10-25 02:00-02:59',
      'forward 03-28 02:00-02:59',
      'back 10-31 02:00-02:59',
    ]);
    expect(said('Europe/Berlin')).toHaveLength(16);
    // the last Sunday of March takes every date from 25 to 31 in those years
    expect(
      new Set(
        clockChanges('Europe/Berlin')
          .filter((c) => c.direction === 'forward')
          .map((c) => c.first.day),
      ),
    ).toEqual(new Set([25, 26, 27, 28, 29, 30, 31]));
    expect(clockChanges('Europe/Berlin').every((c) => c.spans.every((t) => t.weekday === 0))).toBe(true);
    expect(clockChanges('Europe/Berlin')[0]).toMatchObject({
      date: '2026-03-29',
      spans: [{ month: 3, day: 29, hour: 2, from: 0, to: 59 }],
    });
  });

  it('cross midnight and take half an hour where the zone does', () => {
    // Chile: 00:00 becomes 01:00 in September; 00:00 becomes 23:00 of the day before in April
    expect(said('America/Santiago').slice(0, 2)).toEqual(['back 04-04 23:00-23:59', 'forward 09-06 00:00-00:59']);
    expect(said('Australia/Lord_Howe')[0]).toBe('back 04-05 01:30-01:59');
    expect(said('Australia/Lord_Howe')[1]).toBe('forward 10-04 02:00-02:29');
    expect(clockChanges('America/Santiago')[0]).toMatchObject({
      date: '2026-04-04',
      spans: [{ day: 4, weekday: 6, hour: 23, from: 0, to: 59 }],
    });
  });

  it('are none for a zone whose offset never changes', () => {
    expect(clockChanges('Asia/Tokyo')).toEqual([]);
    expect(clockChanges('Etc/UTC')).toEqual([]);
  });

  it("are kept for every zone read, by ICU's name: a stage file of more zones than a bound does not read them again at each CronJob", () => {
    const berlin = clockChanges('Europe/Berlin');
    // KEPT_ZONES was 64: a 65th zone emptied the cache, and 1,000 CronJobs over 65 zones read a zone's changes at
    // almost each one (2 s of CPU at each load of the stage file, against 0.2 s once over 64)
    for (const zone of Intl.supportedValuesOf('timeZone').slice(0, 70)) clockChanges(zone);
    expect(clockChanges('Europe/Berlin')).toBe(berlin);
    // a link and a spelling of it in another case (taken: lib/model/cron.ts timeZoneSpelling) are its zone's
    expect(clockChanges('US/Pacific')).toBe(clockChanges('America/Los_Angeles'));
    expect(clockChanges('US/PACIFIC')).toBe(clockChanges('America/Los_Angeles'));
  });

  it('tell the first of their times a schedule runs at, by its minutes in each hour of the change', () => {
    const lordHowe = clockChanges('Australia/Lord_Howe');
    expect(firstRunIn(cronSpec('45 1 * * *')!, lordHowe[0])).toEqual({ month: 4, day: 5, weekday: 0, hour: 1, minute: 45 });
    expect(firstRunIn(cronSpec('15 1 * * *')!, lordHowe[0])).toBeUndefined();
    expect(firstRunIn(cronSpec('45 1 * * 1-6')!, lordHowe[0])).toBeUndefined();
    // October 4: 02:00-02:29 skipped; the smallest minute of a list in any order
    expect(firstRunIn(cronSpec('20,10,40 2 * * *')!, lordHowe[1])).toEqual({ month: 10, day: 4, weekday: 0, hour: 2, minute: 10 });
  });
});
