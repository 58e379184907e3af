import { describe, expect, it } from 'vitest';
import { parseDateOnly, parseDateTime, endOfLocalDay, localDateString } from '../../src/core/time.js';
import { resolveTimeframe, addMonths, parseSpan } from '../../src/core/timeframe.js';

// Tests run with TZ=Europe/Berlin (vitest.config.ts): UTC+1 in winter, UTC+2 in summer.

describe('dates', () => {
  it('reads a date-only input as local midnight', () => {
    expect(parseDateOnly('2026-03-01').toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(parseDateTime('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });

  it('reads a local date and time, and a zoned one as given', () => {
    expect(parseDateTime('2026-03-01T09:30').toISOString()).toBe('2026-03-01T08:30:00.000Z');
    expect(parseDateTime('2026-03-01 09:30:15').toISOString()).toBe('2026-03-01T08:30:15.000Z');
    expect(parseDateTime('2026-03-01T09:30:00Z').toISOString()).toBe('2026-03-01T09:30:00.000Z');
    expect(parseDateTime('2026-03-01T09:30:00+05:00').toISOString()).toBe('2026-03-01T04:30:00.000Z');
  });

  it('refuses days and times that do not exist', () => {
    expect(() => parseDateOnly('2026-02-30')).toThrow(/no such day/);
    expect(() => parseDateTime('2026-13-01')).toThrow(/invalid date/);
    expect(() => parseDateTime('yesterday')).toThrow(/YYYY-MM-DD/);
    expect(() => parseDateTime('2026-03-01T25:00')).toThrow(/no such local time/);
    // 02:30 on 29 March 2026 falls in Berlin's spring-forward gap.
    expect(() => parseDateTime('2026-03-29T02:30')).toThrow(/no such local time/);
  });

  it('ends a local day at its last millisecond', () => {
    expect(endOfLocalDay(parseDateOnly('2026-03-01')).toISOString()).toBe('2026-03-01T22:59:59.999Z');
    expect(localDateString(new Date('2026-02-28T23:30:00Z'))).toBe('2026-03-01');
  });
});

describe('timeframes', () => {
  const now = new Date('2026-05-31T10:00:00Z'); // 12:00 in Berlin

  it('counts --last on the calendar, clamping to the end of shorter months', () => {
    // 12:00 local on 31 May, 3 calendar months back: 31 Feb does not exist, so 28 Feb 12:00 CET.
    expect(resolveTimeframe({ last: '3m' }, null, now).start?.toISOString()).toBe('2026-02-28T11:00:00.000Z');
    expect(addMonths(new Date(2026, 0, 31), 1).getDate()).toBe(28);
    expect(resolveTimeframe({ last: '2w' }, null, now).start?.toISOString()).toBe('2026-05-17T10:00:00.000Z');
    expect(resolveTimeframe({ last: '1q' }, null, now).start?.toISOString()).toBe('2026-02-28T11:00:00.000Z');
    expect(resolveTimeframe({ last: '1y' }, null, now).start?.toISOString()).toBe('2025-05-31T10:00:00.000Z');
  });

  it('treats --days N as --last Nd, keeping local wall-clock time across DST', () => {
    // 30 local days before 12:00 on 31 May is 12:00 on 1 May, both in summer time.
    expect(resolveTimeframe({ days: '30' }, null, now).start?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    // 90 days back crosses the spring change: 12:00 CET on 2 March is 11:00Z.
    expect(resolveTimeframe({ days: '90' }, null, now).start?.toISOString()).toBe('2026-03-02T11:00:00.000Z');
  });

  it('uses the command default, or everything when it has none', () => {
    expect(resolveTimeframe({}, { amount: 30, unit: 'd' }, now).start?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    const all = resolveTimeframe({}, null, now);
    expect(all.start).toBeNull();
    expect(all.end).toEqual(now);
  });

  it('makes --since and a date-only --until inclusive of whole days', () => {
    const range = resolveTimeframe({ since: '2026-03-01', until: '2026-03-31' }, null, now);
    expect(range.start?.toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-03-31T21:59:59.999Z');
  });

  it('makes a --until with a time inclusive to the minute or second it names', () => {
    expect(resolveTimeframe({ until: '2026-03-01T10:15' }, null, now).end.toISOString()).toBe('2026-03-01T09:15:59.999Z');
    expect(resolveTimeframe({ until: '2026-03-01 10:15:30' }, null, now).end.toISOString()).toBe('2026-03-01T09:15:30.999Z');
    expect(resolveTimeframe({ until: '2026-03-01T10:15:30.250Z' }, null, now).end.toISOString()).toBe('2026-03-01T10:15:30.250Z');
  });

  it('refuses contradictions and bad spans', () => {
    expect(() => resolveTimeframe({ last: '3m', days: '5' }, null, now)).toThrow(/only one/);
    expect(() => resolveTimeframe({ last: '3m', since: '2026-01-01' }, null, now)).toThrow(/not both/);
    expect(() => resolveTimeframe({ since: '2026-04-01', until: '2026-03-01' }, null, now)).toThrow(/after the end/);
    expect(() => parseSpan('3x')).toThrow(/unit d, w, m, q or y/);
    expect(() => parseSpan('0d')).toThrow(/positive/);
    expect(() => resolveTimeframe({ days: 'ten' }, null, now)).toThrow(/--days/);
  });
});
