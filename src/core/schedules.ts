import type { Store } from '../db/store.js';
import { insertSchedule, stopSchedule as stopScheduleRow } from '../db/schedule-queries.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import type { ScheduleRow } from '../store/port-care.js';
import { appendAudit, readLogged, recordAudit } from './audit.js';
import { requireClient, requireClientIn } from './clients.js';
import { InputError } from './errors.js';
import { MEASURE_KINDS, measureDefinition, type MeasureKind } from './measure-scoring.js';
import type { Actor } from './model.js';

/**
 * Measure schedules (README, "Measure schedules"): how often a measure is due for a client, and
 * from that and the scores on record, whether it is due, overdue, and how many occasions in a row
 * went by without it. Measurement-based care rests on measures taken at every session or at a
 * fixed interval (the NHS Talking Therapies manual asks for the PHQ-9 and GAD-7 at every
 * session); a schedule makes the gaps visible.
 */

const DAY_MS = 86_400_000;

/** Every N days (weeks are 7 days), or at every session. */
export type Every = { days: number } | { session: true };

/** `2w`, `10d`, `session`: months are refused, since their length varies and a due date must not. */
export function parseEvery(text: string): Every {
  const word = text.trim().toLowerCase();
  if (word === 'session') return { session: true };
  const match = /^(\d{1,3})([dw])$/.exec(word);
  const days = match ? Number(match[1]) * (match[2] === 'w' ? 7 : 1) : 0;
  if (!match || days < 1 || days > 365) {
    const hint = /^\d+m$/.test(word) ? ' (months vary in length: give weeks, e.g. 4w)' : '';
    throw new InputError(`invalid --every "${text}"${hint}: use session, or N days or weeks such as 7d, 2w, 4w (up to 365 days)`);
  }
  return { days };
}

export function describeEvery(every: string): string {
  const parsed = parseEvery(every);
  return 'session' in parsed ? 'every session' : parsed.days % 7 === 0 ? `every ${parsed.days / 7} week${parsed.days === 7 ? '' : 's'}` : `every ${parsed.days} days`;
}

export type ScheduleState = 'not_due' | 'due' | 'overdue' | 'stopped';

export interface ScheduleStatus {
  client_id: string;
  measure: MeasureKind;
  name: string;
  every: string;
  started_at: string;
  stopped_at: string | null;
  status: ScheduleState;
  /** When the measure became due and was not taken since (null when not due). */
  due_since: string | null;
  /** The next due date (null for an every-session schedule: the next session). */
  next_due: string | null;
  /** Occasions in a row that went by without the measure (due dates passed, or sessions held). */
  missed_in_a_row: number;
  /** The latest score of the measure, whenever taken. */
  last_score_at: string | null;
}

/** A score covers a session when it is tied to it, or taken within a day of it (in the waiting room, or that evening). */
const COVER_MS = DAY_MS;

/**
 * The state of one schedule at `now`, from the measure's scores and (for an every-session schedule)
 * the client's sessions since the schedule started, newest first. Time is counted in elapsed
 * milliseconds, so neither the time zone nor a DST change moves a due date by a day.
 *
 * Every N days: the first due date is N days after the latest score, or the schedule's start if
 * that is later (no score, or an old one: due at once). Each further N days is another occasion;
 * the measure is `due` from its first due date, `overdue` once the next occasion has come too,
 * and `missed_in_a_row` counts the occasions passed before the current one.
 *
 * Every session: each session since the start is an occasion, covered by a score tied to it or
 * taken within a day of it; `missed_in_a_row` counts the newest sessions without one, and the
 * measure is `overdue` when that is at least one (else it is next due at the next session).
 */
export function scheduleStatus(
  schedule: ScheduleRow, scores: readonly { timestamp: string; session_id: string | null }[],
  sessions: readonly { session_id: string; timestamp: string }[], now: Date,
): ScheduleStatus {
  const last = scores.at(-1)?.timestamp ?? null;
  const base = {
    client_id: schedule.client_id, measure: schedule.measure, name: measureDefinition(schedule.measure).name,
    every: schedule.every, started_at: schedule.started_at, stopped_at: schedule.stopped_at, last_score_at: last,
  };
  if (schedule.stopped_at !== null) return { ...base, status: 'stopped', due_since: null, next_due: null, missed_in_a_row: 0 };
  const every = parseEvery(schedule.every);
  if ('session' in every) {
    let missed = 0;
    for (const session of sessions) {
      const at = Date.parse(session.timestamp);
      const covered = scores.some((score) => score.session_id === session.session_id || Math.abs(Date.parse(score.timestamp) - at) <= COVER_MS);
      if (covered) break;
      missed++;
    }
    const firstMissed = missed > 0 ? sessions[missed - 1]!.timestamp : null;
    return { ...base, status: missed > 0 ? 'overdue' : 'not_due', due_since: firstMissed, next_due: null, missed_in_a_row: missed };
  }
  const interval = every.days * DAY_MS;
  const start = Date.parse(schedule.started_at);
  const firstDue = last === null ? start : Math.max(Date.parse(last) + interval, start);
  const occasions = now.getTime() < firstDue ? 0 : Math.floor((now.getTime() - firstDue) / interval) + 1;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    ...base,
    status: occasions === 0 ? 'not_due' : occasions === 1 ? 'due' : 'overdue',
    due_since: occasions === 0 ? null : iso(firstDue),
    next_due: iso(firstDue + occasions * interval),
    missed_in_a_row: Math.max(0, occasions - 1),
  };
}

export function parseMeasureName(text: string): MeasureKind {
  const word = text.trim().toLowerCase().replaceAll('-', '');
  if ((MEASURE_KINDS as readonly string[]).includes(word)) return word as MeasureKind;
  throw new InputError(`unknown measure "${text}": use one of ${MEASURE_KINDS.join(', ')}`);
}

export interface ScheduleChange {
  client_id: string;
  measure: string;
  every?: string;
  stop?: boolean;
}

/** The change checked: the measure, and the interval to set (undefined: stop). */
function checkChange(change: ScheduleChange): { measure: MeasureKind; every: string | undefined } {
  const measure = parseMeasureName(change.measure);
  if ((change.every === undefined) === (change.stop !== true)) {
    throw new InputError('give --every (session, 2w, 4w, …) to set the schedule, or --stop to end it: one of the two');
  }
  const every = change.every === undefined ? undefined : change.every.trim().toLowerCase();
  if (every !== undefined) parseEvery(every);
  return { measure, every };
}

function nothingToStop(clientId: string, measure: MeasureKind): InputError {
  return new InputError(`${clientId} has no ${measureDefinition(measure).name} schedule to stop: see \`tpt measure due ${clientId}\``);
}

/** Sets (or replaces) a measure's schedule, or stops it. A replaced schedule is stopped, kept as history. */
export async function setSchedule(records: RecordStore, change: ScheduleChange, who: Actor): Promise<ScheduleStatus> {
  const { measure, every } = checkChange(change);
  const now = who.now.toISOString();
  return records.write(async (tx) => {
    await requireClientIn(tx, change.client_id);
    // The stop is an update guarded on the live schedule: two writers at once stop it once.
    const stopped = await tx.care.stopSchedule(change.client_id, measure, now, who.actor);
    if (every === undefined) {
      if (!stopped) throw nothingToStop(change.client_id, measure);
      await appendAudit(tx, { action: 'schedule.stop', client_id: change.client_id, object_id: measure }, who);
    } else {
      await tx.care.insertSchedule({
        client_id: change.client_id, measure, every, started_at: now, started_by: who.actor, stopped_at: null, stopped_by: null,
      });
      await appendAudit(tx, { action: 'schedule.set', client_id: change.client_id, object_id: measure }, who);
    }
    return (await statusesIn(tx, change.client_id, who.now)).find((status) => status.measure === measure)!;
  });
}

/** setSchedule in the caller's transaction: for the demo, which writes everything in one. */
// until src/core/demo.ts moves onto the port
export function setScheduleSync(store: Store, change: ScheduleChange, who: Actor): void {
  const { measure, every } = checkChange(change);
  const now = who.now.toISOString();
  store.transaction(() => {
    requireClient(store, change.client_id);
    const stopped = stopScheduleRow(store, change.client_id, measure, now, who.actor);
    if (every === undefined) {
      if (!stopped) throw nothingToStop(change.client_id, measure);
      recordAudit(store, { action: 'schedule.stop', client_id: change.client_id, object_id: measure }, who);
    } else {
      insertSchedule(store, {
        client_id: change.client_id, measure, every, started_at: now, started_by: who.actor, stopped_at: null, stopped_by: null,
      });
      recordAudit(store, { action: 'schedule.set', client_id: change.client_id, object_id: measure }, who);
    }
  });
}

/** Each measure's latest schedule of the client and its state at `now` (no audit entry: for displays inside an audited read). */
export async function statusesIn(tx: ReadTx, clientId: string, now: Date): Promise<ScheduleStatus[]> {
  const end = now.toISOString();
  const statuses: ScheduleStatus[] = [];
  for (const schedule of await tx.care.latestSchedules(clientId)) {
    statuses.push(scheduleStatus(
      schedule,
      await tx.care.scheduleScores(clientId, schedule.measure, end),
      schedule.every === 'session' && schedule.stopped_at === null ? await tx.care.scheduleSessions(clientId, schedule.started_at, end) : [],
      now,
    ));
  }
  return statuses;
}

/** `tpt measure due <client>`: the client's schedules and what is due. */
export async function listSchedules(records: RecordStore, clientId: string, who: Actor): Promise<ScheduleStatus[]> {
  return readLogged(records, { action: 'schedule.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    return statusesIn(tx, clientId, who.now);
  });
}
