import { InputError } from './errors.js';
import type { Timeframe } from './timeframe.js';

/**
 * Calendar periods for `--by` (SPEC §2): days, weeks starting on Monday, calendar months,
 * quarters and years, all in the local time zone (so a day around a DST change is 23 or 25 hours).
 */

export const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** A period clipped to the timeframe: [start, end], both inclusive instants. */
export interface Period {
  start: Date;
  end: Date;
}

/** More periods than this is a mistake (`--by day --last 99y`), not a report. */
export const MAX_PERIODS = 5000;

export function parseGranularity(text: string): Granularity {
  const value = text.trim().toLowerCase();
  if ((GRANULARITIES as readonly string[]).includes(value)) return value as Granularity;
  throw new InputError(`invalid --by "${text}": use one of ${GRANULARITIES.join(', ')}`);
}

/**
 * The period size when `--by` is not given: about 2 to 30 points for the timeframe's length
 * (up to 2 weeks by day, up to 4 months by week, up to 3 years by month, up to 8 years by quarter,
 * beyond that by year).
 */
export function defaultGranularity(start: Date, end: Date): Granularity {
  const days = (end.getTime() - start.getTime()) / 86_400_000;
  if (days <= 14) return 'day';
  if (days <= 124) return 'week';
  if (days <= 3 * 366) return 'month';
  if (days <= 8 * 366) return 'quarter';
  return 'year';
}

/** Local midnight that begins the calendar period holding `date`. */
export function periodStart(date: Date, by: Granularity): Date {
  const year = date.getFullYear();
  const month = date.getMonth();
  switch (by) {
    case 'day': return new Date(year, month, date.getDate());
    // getDay() is 0 on Sunday: (day + 6) % 7 counts days since Monday.
    case 'week': return new Date(year, month, date.getDate() - ((date.getDay() + 6) % 7));
    case 'month': return new Date(year, month, 1);
    case 'quarter': return new Date(year, month - (month % 3), 1);
    case 'year': return new Date(year, 0, 1);
  }
}

/** Local midnight that begins the period after the one starting at `start`. */
export function nextPeriodStart(start: Date, by: Granularity): Date {
  const [year, month, day] = [start.getFullYear(), start.getMonth(), start.getDate()];
  switch (by) {
    case 'day': return new Date(year, month, day + 1);
    case 'week': return new Date(year, month, day + 7);
    case 'month': return new Date(year, month + 1, 1);
    case 'quarter': return new Date(year, month + 3, 1);
    case 'year': return new Date(year + 1, 0, 1);
  }
}

/**
 * Every calendar period that overlaps the timeframe, oldest first, clipped to it: the first
 * starts at the timeframe's start and the last ends at its end, so no period claims time the
 * timeframe does not cover. Periods without sessions are listed too.
 */
export function calendarPeriods(timeframe: { start: Date; end: Timeframe['end'] }, by: Granularity): Period[] {
  const periods: Period[] = [];
  const endMs = timeframe.end.getTime();
  let from = periodStart(timeframe.start, by);
  while (from.getTime() <= endMs) {
    const next = nextPeriodStart(from, by);
    periods.push({
      start: from.getTime() < timeframe.start.getTime() ? timeframe.start : from,
      end: new Date(Math.min(next.getTime() - 1, endMs)),
    });
    if (periods.length > MAX_PERIODS) {
      throw new InputError(
        `the timeframe holds more than ${MAX_PERIODS} periods by ${by}: choose a shorter timeframe (or, for trends, a larger --by)`,
      );
    }
    from = next;
  }
  return periods;
}
