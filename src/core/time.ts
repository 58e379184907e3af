import { InputError } from './errors.js';

/**
 * Dates and times as users type them. Everything is read in the process's local time zone (TZ)
 * unless it carries `Z` or an offset, and stored as UTC ISO 8601 (`toISOString()`).
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ZONED_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/i;

const DATE_HINT = 'use YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), or an ISO 8601 time with Z';

/** A local calendar date: `2026-03-01` → local midnight of that day. */
export function parseDateOnly(text: string, what = 'date'): Date {
  const match = DATE_ONLY.exec(text.trim());
  if (!match) throw new InputError(`invalid ${what} "${text}": use YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
    throw new InputError(`invalid ${what} "${text}": there is no such day; use YYYY-MM-DD`);
  }
  return date;
}

export function isDateOnly(text: string): boolean {
  return DATE_ONLY.test(text.trim());
}

/** A date or a date and time; date-only means local midnight (SPEC §1). */
export function parseDateTime(text: string, what = 'date'): Date {
  const trimmed = text.trim();
  if (DATE_ONLY.test(trimmed)) return parseDateOnly(trimmed, what);
  const local = LOCAL_DATE_TIME.exec(trimmed);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1, 7).map((part) => Number(part ?? 0)) as [
      number, number, number, number, number, number,
    ];
    const ms = Number((local[7] ?? '0').padEnd(3, '0'));
    const date = new Date(y, mo - 1, d, h, mi, s, ms);
    // A time that does not exist (Feb 30, 25:00, or inside a DST gap) comes back changed.
    if (
      date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d ||
      date.getHours() !== h || date.getMinutes() !== mi || date.getSeconds() !== s
    ) {
      throw new InputError(`invalid ${what} "${text}": there is no such local time; ${DATE_HINT}`);
    }
    return date;
  }
  const zoned = ZONED_DATE_TIME.exec(trimmed);
  if (zoned) {
    // Date() rolls impossible fields over (Feb 30 becomes Mar 2): check them as written.
    const [y, mo, d, h, mi, s] = zoned.slice(1, 7).map((part) => Number(part ?? 0)) as [
      number, number, number, number, number, number,
    ];
    const offset = /^[+-](\d{2}):?(\d{2})$/.exec(zoned[8]!);
    const exists = mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) && h <= 23 && mi <= 59 && s <= 59 &&
      (!offset || (Number(offset[1]) <= 23 && Number(offset[2]) <= 59));
    if (!exists) throw new InputError(`invalid ${what} "${text}": there is no such date or time; ${DATE_HINT}`);
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new InputError(`invalid ${what} "${text}": ${DATE_HINT}`);
}

/** Days in a month of the proleptic Gregorian calendar (month 1-12). */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The last instant of the local day that `date` falls in. */
export function endOfLocalDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1, 0, 0, 0, -1);
}

/** `YYYY-MM-DD` of a date in the local time zone. */
export function localDateString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `YYYY-MM-DD HH:MM` in the local time zone, for tables. */
export function localDateTimeString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${localDateString(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
