import { describe, expect, it } from 'vitest';
import { clockChanges } from '../../lib/model/clock-changes.js';

const clock = (t: { hour: number; minute: number }) => `${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
/** Each change as `forward 03-29 02:00-02:59`. */
const said = (zone: string) =>
  clockChanges(zone).map(
    (c) =>
      `${c.direction} ${String(c.times[0].month).padStart(2, '0')}-${String(c.times[0].day).padStart(2, '0')} ${clock(c.times[0])}-${clock(c.times.at(-1)!)}`,
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
          .map((c) => c.times[0].day),
      ),
    ).toEqual(new Set([25, 26, 27, 28, 29, 30, 31]));
    expect(clockChanges('Europe/Berlin').every((c) => c.times.every((t) => t.weekday === 0))).toBe(true);
  });

  it('cross midnight and take half an hour where the zone does', () => {
    // Chile: 00:00 becomes 01:00 in September; 00:00 becomes 23:00 of the day before in April
    expect(said('America/Santiago').slice(0, 2)).toEqual(['back 04-04 23:00-23:59', 'forward 09-06 00:00-00:59']);
    expect(said('Australia/Lord_Howe')[0]).toBe('back 04-05 01:30-01:59');
  });

  it('are none for a zone whose offset never changes', () => {
    expect(clockChanges('Asia/Tokyo')).toEqual([]);
    expect(clockChanges('Etc/UTC')).toEqual([]);
  });
});
