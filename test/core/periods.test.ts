import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  calendarPeriods, defaultGranularity, nextPeriodStart, parseGranularity, periodStart,
} from '../../src/core/periods.js';
import { summarizeScores } from '../../src/core/trends.js';

// Tests run with TZ=Europe/Berlin: UTC+1 in winter, UTC+2 from 2026-03-29 to 2026-10-25.
const local = (y: number, m: number, d: number, h = 0, mi = 0) => new Date(y, m - 1, d, h, mi);
const iso = (date: Date) => date.toISOString();

describe('calendar periods', () => {
  it('starts weeks on Monday at local midnight', () => {
    // 2026-11-29 is a Sunday: its week began on Monday 2026-11-23.
    expect(periodStart(local(2026, 11, 29, 23, 30), 'week')).toEqual(local(2026, 11, 23));
    expect(periodStart(local(2026, 11, 23, 0, 0), 'week')).toEqual(local(2026, 11, 23));
    expect(periodStart(local(2026, 11, 22, 23, 59), 'week')).toEqual(local(2026, 11, 16));
  });

  it('follows calendar months, quarters and years', () => {
    expect(periodStart(local(2026, 5, 20, 14), 'month')).toEqual(local(2026, 5, 1));
    expect(periodStart(local(2026, 5, 20, 14), 'quarter')).toEqual(local(2026, 4, 1));
    expect(periodStart(local(2026, 12, 31, 23), 'quarter')).toEqual(local(2026, 10, 1));
    expect(periodStart(local(2026, 5, 20, 14), 'year')).toEqual(local(2026, 1, 1));
    expect(nextPeriodStart(local(2026, 10, 1), 'quarter')).toEqual(local(2027, 1, 1));
    expect(nextPeriodStart(local(2026, 1, 31), 'day')).toEqual(local(2026, 2, 1));
  });

  it('clips the first and last month to the timeframe and ends each period 1 ms before the next', () => {
    const periods = calendarPeriods({ start: local(2026, 1, 15), end: local(2026, 3, 10, 12) }, 'month');
    expect(periods.map((p) => [iso(p.start), iso(p.end)])).toEqual([
      ['2026-01-14T23:00:00.000Z', '2026-01-31T22:59:59.999Z'],
      ['2026-01-31T23:00:00.000Z', '2026-02-28T22:59:59.999Z'],
      ['2026-02-28T23:00:00.000Z', '2026-03-10T11:00:00.000Z'],
    ]);
  });

  it('makes the day of the spring DST change 23 hours long', () => {
    const [day] = calendarPeriods({ start: local(2026, 3, 29), end: local(2026, 3, 29, 23, 59) }, 'day');
    // Berlin midnight is 23:00Z before the change and 22:00Z after it.
    expect([iso(day!.start), iso(day!.end)]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T21:59:00.000Z']);
    const days = calendarPeriods({ start: local(2026, 3, 28), end: new Date(local(2026, 3, 31).getTime() - 1) }, 'day');
    expect(days.map((p) => p.end.getTime() - p.start.getTime() + 1)).toEqual([24 * 3600e3, 23 * 3600e3, 24 * 3600e3]);
  });

  it('lists 13 weeks for a 90-day window, the first one clipped', () => {
    // 2026-08-30 (a Sunday) to 2026-11-28 (a Saturday): the week of 08-24 (clipped) then 12 full weeks to 11-23.
    const periods = calendarPeriods({ start: local(2026, 8, 30, 10), end: local(2026, 11, 28, 10) }, 'week');
    expect(periods).toHaveLength(14);
    expect(iso(periods[0]!.start)).toBe(iso(local(2026, 8, 30, 10)));
    expect(iso(periods[1]!.start)).toBe(iso(local(2026, 8, 31)));
    expect(iso(periods[13]!.start)).toBe(iso(local(2026, 11, 23)));
  });

  it('refuses an unknown --by and an absurd number of periods', () => {
    expect(parseGranularity(' Week ')).toBe('week');
    expect(() => parseGranularity('fortnight')).toThrow(InputError);
    expect(() => calendarPeriods({ start: local(1900, 1, 1), end: local(2026, 1, 1) }, 'day')).toThrow(/more than 5000 periods/);
  });

  it('picks a period size that fits the timeframe when --by is not given', () => {
    expect(defaultGranularity(local(2026, 11, 14), local(2026, 11, 28))).toBe('day');
    expect(defaultGranularity(local(2026, 8, 30), local(2026, 11, 28))).toBe('week');
    expect(defaultGranularity(local(2025, 11, 28), local(2026, 11, 28))).toBe('month');
    expect(defaultGranularity(local(2021, 11, 28), local(2026, 11, 28))).toBe('quarter');
    expect(defaultGranularity(local(2010, 1, 1), local(2026, 11, 28))).toBe('year');
  });
});

describe('scores by period', () => {
  const point = (date: Date, score: number) => ({ timestamp: iso(date), emotional_score: score });

  it('puts Sunday 23:59 in the old week and Monday 00:00 in the new one, and lists empty weeks', () => {
    const range = { start: local(2026, 11, 2), end: local(2026, 11, 29, 23, 59) };
    const periods = calendarPeriods(range, 'week');
    const result = summarizeScores([
      point(local(2026, 11, 8, 23, 59), -2), // Sunday: week of 11-02
      point(local(2026, 11, 9, 0, 0), 2), // Monday: week of 11-09
      point(local(2026, 11, 26, 12), 1), // week of 11-23
    ], range, periods);
    expect(result.periods.map((p) => [p.period_start, p.data_points, p.avg_emotional_score])).toEqual([
      ['2026-11-01T23:00:00.000Z', 1, -2],
      ['2026-11-08T23:00:00.000Z', 1, 2],
      ['2026-11-15T23:00:00.000Z', 0, null],
      ['2026-11-22T23:00:00.000Z', 1, 1],
    ]);
    // (−2 + 2 + 1) / 3 = 0.3333
    expect(result.overall).toMatchObject({ data_points: 3, avg_emotional_score: 0.3333 });
    expect(result.periods[2]).toMatchObject({ trend_direction: 'insufficient_data', volatility: 0, slope_per_30_days: null });
  });
});
