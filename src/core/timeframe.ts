import { InputError } from './errors.js';
import { endOfLocalDay, isDateOnly, parseDateTime } from './time.js';

/** The options every command with `[timeframe]` takes (SPEC §2), as typed by the user. */
export interface TimeframeOptions {
  last?: string | undefined;
  days?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** A closed range of instants; `start` null means "from the first record". */
export interface Timeframe {
  start: Date | null;
  end: Date;
}

export type SpanUnit = 'd' | 'w' | 'm' | 'q' | 'y';

export interface Span {
  amount: number;
  unit: SpanUnit;
}

const SPAN = /^(\d{1,5})([dwmqy])$/;

export function parseSpan(text: string, option = '--last'): Span {
  const match = SPAN.exec(text.trim().toLowerCase());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount < 1) {
    throw new InputError(
      `invalid ${option} "${text}": use a positive number and a unit d, w, m, q or y (for example 30d, 12w, 6m, 4q, 5y)`,
    );
  }
  return { amount, unit: match[2] as SpanUnit };
}

/** Adds calendar months in local time, keeping the day but clamping to the month's last day. */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  const day = result.getDate();
  result.setDate(1);
  result.setMonth(result.getMonth() + months);
  const lastDay = new Date(result.getFullYear(), result.getMonth() + 1, 0).getDate();
  result.setDate(Math.min(day, lastDay));
  return result;
}

export function addDays(date: Date, days: number): Date {
  const result = new Date(date);
  result.setDate(result.getDate() + days);
  return result;
}

/** The instant `span` before `end`, counted on the local calendar (a month is a calendar month). */
export function spanStart(end: Date, span: Span): Date {
  switch (span.unit) {
    case 'd': return addDays(end, -span.amount);
    case 'w': return addDays(end, -7 * span.amount);
    case 'm': return addMonths(end, -span.amount);
    case 'q': return addMonths(end, -3 * span.amount);
    case 'y': return addMonths(end, -12 * span.amount);
  }
}

/**
 * Turns the timeframe options into a range. `defaultSpan` is the command's default window
 * (`report` 30d, `trends` 90d) or null for "everything" (`sessions`).
 */
export function resolveTimeframe(
  options: TimeframeOptions,
  defaultSpan: Span | null,
  now: Date,
): Timeframe {
  const { last, days, since, until } = options;
  if (last !== undefined && days !== undefined) {
    throw new InputError('--last and --days say the same thing: give only one of them');
  }
  let span = defaultSpan;
  const explicitSpan = last !== undefined || days !== undefined;
  if (last !== undefined) span = parseSpan(last);
  if (days !== undefined) {
    if (!/^\d{1,5}$/.test(days.trim()) || Number(days) < 1) {
      throw new InputError(`invalid --days "${days}": use a positive whole number of days, for example --days 30`);
    }
    span = { amount: Number(days), unit: 'd' };
  }
  if (explicitSpan && since !== undefined) {
    throw new InputError('give either --last/--days or --since, not both: --since starts the range itself');
  }

  const end = until === undefined ? now : untilInstant(until);
  if (since !== undefined) {
    const start = parseDateTime(since, '--since date');
    if (start.getTime() > end.getTime()) {
      throw new InputError(`--since ${since} is after the end of the range: give a --since before --until`);
    }
    return { start, end };
  }
  return { start: span ? spanStart(end, span) : null, end };
}

/**
 * `--until` is inclusive to the precision it is given in: a date covers that whole local day,
 * `HH:MM` that whole minute, `HH:MM:SS` that whole second.
 */
function untilInstant(text: string): Date {
  const instant = parseDateTime(text, '--until date');
  if (isDateOnly(text)) return endOfLocalDay(instant);
  const time = /[T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (time && time[2] === undefined) return new Date(instant.getTime() + (time[1] === undefined ? 59_999 : 999));
  return instant;
}
