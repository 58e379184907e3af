import { InputError } from './errors.js';
import { localDateTimeString } from './time.js';

/**
 * Dates that make sense. A record may be entered a little ahead of time (a clock a few hours
 * off, a session logged the evening before across time zones) but not more than a day: a session
 * dated 2062 would be counted by some views, hidden by others, and keep its client from ever
 * reaching the end of retention.
 */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** Refuses a time more than 24 hours after `now`. */
export function refuseFarFuture(at: Date, now: Date, what: string, typed?: string): void {
  if (at.getTime() - now.getTime() > FUTURE_TOLERANCE_MS) {
    throw new InputError(
      `${what} ${typed === undefined ? localDateTimeString(at) : `"${typed}"`} is more than 24 hours in the future: ` +
      'give the time it happened (check the year)',
    );
  }
}
