import type { MeasureKind } from '../domain/records.js';
import type { ScheduleRow } from '../store/port-care.js';
import type { Store } from './store.js';

/** The reads and writes of measure schedules (README, "Measure schedules"). */

export type { ScheduleRow };

const COLUMNS = 'client_id, measure, every, started_at, started_by, stopped_at, stopped_by';

export function insertSchedule(store: Store, row: ScheduleRow): void {
  store.statement(`INSERT INTO measure_schedules (${COLUMNS})
    VALUES (@client_id, @measure, @every, @started_at, @started_by, @stopped_at, @stopped_by)`).run(row);
}

/** Stops the live schedule of a measure; returns whether there was one. */
export function stopSchedule(store: Store, clientId: string, measure: MeasureKind, at: string, by: string): boolean {
  return store.statement(`UPDATE measure_schedules SET stopped_at = ?, stopped_by = ?
     WHERE client_id = ? AND measure = ? AND stopped_at IS NULL`).run(at, by, clientId, measure).changes > 0;
}

/** Each measure's latest schedule of a client (live or stopped), in the order of MEASURE_KINDS' names. */
export function latestSchedulesOf(store: Store, clientId: string): ScheduleRow[] {
  return store.statement(`
    SELECT ${COLUMNS} FROM (
      SELECT *, row_number() OVER (PARTITION BY measure ORDER BY started_at DESC, schedule_id DESC) AS place
        FROM measure_schedules WHERE client_id = ?)
     WHERE place = 1 ORDER BY CASE measure WHEN 'phq9' THEN 1 WHEN 'gad7' THEN 2 ELSE 3 END`).all(clientId) as ScheduleRow[];
}

/** A measure's scores of a client up to `end`, oldest first: what a schedule is checked against. */
export function scoresForSchedule(store: Store, clientId: string, measure: MeasureKind, end: string): { timestamp: string; session_id: string | null }[] {
  return store.statement(`SELECT timestamp, session_id FROM live_measures
     WHERE client_id = ? AND measure = ? AND timestamp <= ? ORDER BY timestamp, created_at, measure_id`)
    .all(clientId, measure, end) as { timestamp: string; session_id: string | null }[];
}

/** The client's sessions in [start, end], newest first: the occasions of an every-session schedule. */
export function sessionsForSchedule(store: Store, clientId: string, start: string, end: string): { session_id: string; timestamp: string }[] {
  return store.statement(`SELECT session_id, timestamp FROM live_sessions
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp DESC, session_id DESC`)
    .all(clientId, start, end) as { session_id: string; timestamp: string }[];
}

/** Stops every live schedule of a client (its course ended); returns how many. */
export function stopAllSchedules(store: Store, clientId: string, at: string, by: string): number {
  return store.statement('UPDATE measure_schedules SET stopped_at = ?, stopped_by = ? WHERE client_id = ? AND stopped_at IS NULL')
    .run(at, by, clientId).changes;
}

/** Every schedule of a client, live and stopped (its history), oldest first: what `tpt export` carries. */
export function schedulesOf(store: Store, clientId: string): ScheduleRow[] {
  return store.statement(`SELECT ${COLUMNS} FROM measure_schedules WHERE client_id = ?
     ORDER BY started_at, measure, schedule_id`).all(clientId) as ScheduleRow[];
}

/** The client's schedule of a measure that started at `startedAt` (a schedule's identity in a file of `tpt export`). */
export function scheduleStartedAt(store: Store, clientId: string, measure: MeasureKind, startedAt: string): ScheduleRow | undefined {
  return store.statement(`SELECT ${COLUMNS} FROM measure_schedules WHERE client_id = ? AND measure = ? AND started_at = ?
     ORDER BY schedule_id LIMIT 1`).get(clientId, measure, startedAt) as ScheduleRow | undefined;
}

/** The client's live schedule of a measure, if any (at most one: a unique index holds it). */
export function liveScheduleOf(store: Store, clientId: string, measure: MeasureKind): ScheduleRow | undefined {
  return store.statement(`SELECT ${COLUMNS} FROM measure_schedules WHERE client_id = ? AND measure = ? AND stopped_at IS NULL`)
    .get(clientId, measure) as ScheduleRow | undefined;
}

/** Rewrites a schedule whole, found by its identity (`tpt import --on-conflict replace`). */
export function replaceSchedule(store: Store, row: ScheduleRow): void {
  store.statement(`UPDATE measure_schedules SET every = @every, started_by = @started_by, stopped_at = @stopped_at,
     stopped_by = @stopped_by
     WHERE schedule_id = (SELECT schedule_id FROM measure_schedules
       WHERE client_id = @client_id AND measure = @measure AND started_at = @started_at ORDER BY schedule_id LIMIT 1)`).run(row);
}
