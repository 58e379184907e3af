import type pg from 'pg';
import type { Measure, MeasureKind } from '../domain/records.js';
import { ConflictError } from '../store/errors.js';
import type {
  CareReads, CareWrites, ClientFigures, CourseEndMark, CourseRow, CrisisSession, GoalHeader, GoalHistoryPoint, MilestoneRow,
  ReportSessionRow, ScheduleRow,
} from '../store/port-care.js';
import { clientKeysOf, currentClientId, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { PgMeasures } from './measure-rows.js';
import { isoOrNull, RowSealer } from './sealer.js';

/**
 * The care facet of the port on PostgreSQL: courses and schedules keyed by client_key, and the
 * reads behind the caseload, outcomes, report and trends, each in SQLite's order (ids compared
 * byte by byte). A course's end note and the sessions' words are sealed; what is read of them
 * is opened here.
 */

/** '' is "no start" for the queries that take one: before every time. */
const from = (start: string) => (start === '' ? '-infinity' : start);

interface CourseDbRow {
  client_key: string;
  course_id: string;
  client_id: string;
  started_at: Date;
  started_by: string;
  ended_at: Date | null;
  ended_by: string | null;
  end_reason: string | null;
  end_note: Buffer | null;
}

/** A measure_schedules row as read, with its client's current id (exchange-rows.ts reads them too). */
export interface ScheduleDbRow {
  client_id: string;
  measure: MeasureKind;
  every: string;
  started_at: Date;
  started_by: string;
  stopped_at: Date | null;
  stopped_by: string | null;
}

const COURSE = `SELECT c.*, ${currentClientId('c.client_key')} AS client_id FROM courses c`;
const MEASURE_ORDER: Record<MeasureKind, number> = { phq9: 1, gad7: 2, core10: 3 };

export function pgCare(client: pg.ClientBase, cipher: FieldCipher): CareReads & CareWrites {
  const measures = new PgMeasures(client, cipher);
  const keys = (clientId: string) => clientKeysOf(client, clientId);
  const course = (row: CourseDbRow): CourseRow => ({
    course_id: row.course_id,
    client_id: row.client_id,
    started_at: row.started_at.toISOString(),
    started_by: row.started_by,
    ended_at: isoOrNull(row.ended_at),
    ended_by: row.ended_by,
    end_reason: row.end_reason,
    end_note: new RowSealer(cipher, 'courses', [row.client_key, row.course_id]).openOrNull('end_note', row.end_note),
  });
  const courses = async (sql: string, params: unknown[]) => (await client.query<CourseDbRow>(sql, params)).rows.map(course);
  const openCourse = async (clientId: string, lock: boolean) => {
    const owned = await keys(clientId);
    // Locking the client's row serializes the writers of its courses: a second one waits here,
    // then finds the course the first one opened.
    if (lock) await client.query('SELECT 1 FROM clients WHERE client_key = ANY ($1::uuid[]) ORDER BY client_key FOR NO KEY UPDATE', [owned]);
    return (await courses(`${COURSE} WHERE c.client_key = ANY ($1::uuid[]) AND c.ended_at IS NULL
      ORDER BY c.started_at, c.course_id COLLATE "C" LIMIT 1${lock ? ' FOR UPDATE OF c' : ''}`, [owned]))[0];
  };
  const liveMeasures = async (clientId: string, start: string, end: string): Promise<Measure[]> =>
    (await measures.ofClient(clientId, false)).map((row) => row.measure)
      .filter((measure) => measure.timestamp >= start && measure.timestamp <= end);
  const sessionTimes = async (clientId: string, start: string, end: string, order: 'ASC' | 'DESC') =>
    (await client.query<{ session_id: string; timestamp: Date }>(
      `SELECT session_id, "timestamp" FROM sessions WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL
         AND "timestamp" >= $2 AND "timestamp" <= $3 ORDER BY "timestamp" ${order}, session_id COLLATE "C" ${order}`,
      [await keys(clientId), from(start), end])).rows.map((row) => ({ session_id: row.session_id, timestamp: row.timestamp.toISOString() }));
  const sessionOpener = (key: string, sessionId: string) => new RowSealer(cipher, 'sessions', [key, sessionId]);

  return {
    courses: async (clientId) =>
      courses(`${COURSE} WHERE c.client_key = ANY ($1::uuid[]) ORDER BY c.started_at, c.course_id COLLATE "C"`, [await keys(clientId)]),
    openCourse: (clientId) => openCourse(clientId, false),
    lockOpenCourse: (clientId) => openCourse(clientId, true),
    courseAt: async (clientId, at) => (await courses(`${COURSE} WHERE c.client_key = ANY ($1::uuid[]) AND c.started_at <= $2
       ORDER BY (c.ended_at IS NULL OR c.ended_at > $2) DESC, c.started_at DESC, c.course_id COLLATE "C" DESC LIMIT 1`,
    [await keys(clientId), at]))[0],
    coursesForOutcomes: async (start, end) => courses(`${COURSE}
       WHERE (c.ended_at >= $1 AND c.ended_at <= $2) OR (c.started_at <= $2 AND (c.ended_at IS NULL OR c.ended_at > $2))
       ORDER BY c.started_at, c.course_id COLLATE "C"`, [from(start), end]),
    latestSchedules: async (clientId) => {
      const { rows } = await client.query<ScheduleDbRow>(
        `SELECT DISTINCT ON (s.measure) s.*, ${currentClientId('s.client_key')} AS client_id FROM measure_schedules s
          WHERE s.client_key = ANY ($1::uuid[]) ORDER BY s.measure, s.started_at DESC, s.schedule_id DESC`, [await keys(clientId)]);
      return rows.map(schedule).sort((a, b) => MEASURE_ORDER[a.measure] - MEASURE_ORDER[b.measure]);
    },
    scheduleScores: async (clientId, measure, end) => (await liveMeasures(clientId, '', end))
      .filter((row) => row.measure === measure).map((row) => ({ timestamp: row.timestamp, session_id: row.session_id })),
    scheduleSessions: (clientId, start, end) => sessionTimes(clientId, start, end, 'DESC'),
    sessionCount: async (clientId, start, end, nth) => {
      const times = await sessionTimes(clientId, start, end, 'ASC');
      return { count: times.length, nth_at: times[nth - 1]?.timestamp ?? null };
    },
    measuresBetween: (clientId, start, end) => liveMeasures(clientId, start, end),
    baselines: async (clientId, end, start) => {
      // Each kind's first score, in the order of the scores (as SQLite's row_number() = 1).
      const first = new Map<MeasureKind, Measure>();
      for (const row of await liveMeasures(clientId, start, end)) if (!first.has(row.measure)) first.set(row.measure, row);
      return [...first.values()];
    },
    goalsPastTarget: async (clientId, today) => (await client.query<{ goal_id: string; target_date: string }>(
      `SELECT goal_id, target_date::text AS target_date FROM goals
        WHERE client_key = ANY ($1::uuid[]) AND status = 'active' AND target_date IS NOT NULL AND target_date < $2::date
        ORDER BY target_date, goal_id COLLATE "C"`, [await keys(clientId), today])).rows,
    unsignedBefore: async (clientId, before) => {
      const row = (await client.query<{ count: number; oldest: Date | null }>(
        `SELECT count(*)::int AS count, min("timestamp") AS oldest FROM sessions
          WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL AND signed_at IS NULL AND "timestamp" < $2`,
        [await keys(clientId), before])).rows[0]!;
      return { count: row.count, oldest: isoOrNull(row.oldest) };
    },
    clientFigures: async () => {
      const { rows: clients } = await client.query<{ client_id: string; created_at: Date }>(
        'SELECT client_id, created_at FROM clients WHERE client_id IS NOT NULL ORDER BY client_id COLLATE "C"');
      const figures: ClientFigures[] = [];
      for (const { client_id: clientId, created_at: createdAt } of clients) {
        const owned = await keys(clientId);
        const sessions = (await client.query<{ sessions: number; last_session: Date | null; last_crisis: Date | null }>(
          `SELECT count(*)::int AS sessions, max("timestamp") AS last_session,
                  max("timestamp") FILTER (WHERE has_crisis_flags) AS last_crisis
             FROM sessions WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL`, [owned])).rows[0]!;
        const goals = (await client.query<{ active: number; counted: number; total: number | null }>(
          `SELECT (count(*) FILTER (WHERE status = 'active'))::int AS active,
                  (count(*) FILTER (WHERE status <> 'discontinued'))::int AS counted,
                  (sum(completion_percentage) FILTER (WHERE status <> 'discontinued'))::int AS total
             FROM goals WHERE client_key = ANY ($1::uuid[])`, [owned])).rows[0]!;
        const risks = (await client.query<{ kind: string }>(
          `SELECT kind FROM risks WHERE client_key = ANY ($1::uuid[]) AND status = 'open' ORDER BY kind COLLATE "C"`, [owned])).rows;
        figures.push({
          client_id: clientId,
          created_at: createdAt.toISOString(),
          sessions: sessions.sessions,
          last_session: isoOrNull(sessions.last_session),
          last_crisis: isoOrNull(sessions.last_crisis),
          active_goals: goals.active,
          // As SQLite's avg(): the whole sum divided once, in floating point.
          average_goal_progress: goals.counted === 0 ? null : goals.total! / goals.counted,
          open_risks: risks.map((risk) => risk.kind),
        });
      }
      return figures;
    },
    practiceFigures: async (since) => {
      const row = (await client.query<{ clients: number; open_risks: number; sessions_since: number }>(
        `SELECT (SELECT count(*) FROM clients WHERE client_id IS NOT NULL)::int AS clients,
                (SELECT count(*) FROM risks WHERE status = 'open')::int AS open_risks,
                (SELECT count(*) FROM sessions WHERE voided_at IS NULL AND "timestamp" >= $1)::int AS sessions_since`, [since])).rows[0]!;
      return row;
    },
    firstSessionAt: async (clientId) => (await sessionTimes(clientId, '', '9999-12-31T23:59:59.999Z', 'ASC'))[0]?.timestamp,
    lastSessionAtOrBefore: async (clientId, end) => (await sessionTimes(clientId, '', end, 'DESC'))[0]?.timestamp,
    scores: async (clientId, start, end) => (await client.query<{ timestamp: Date; emotional_score: number }>(
      `SELECT "timestamp", emotional_score FROM sessions WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL
         AND "timestamp" >= $2 AND "timestamp" <= $3 ORDER BY "timestamp", session_id COLLATE "C"`,
      [await keys(clientId), from(start), end])).rows.map((row) => ({ timestamp: row.timestamp.toISOString(), emotional_score: row.emotional_score })),
    reportSessions: async (clientId, start, end): Promise<ReportSessionRow[]> => (await client.query<{
      client_key: string; session_id: string; timestamp: Date; emotional_score: number; session_duration_minutes: number | null;
      crisis_flags: Buffer; conversation_summary: Buffer; signed_at: Date | null;
    }>(
      `SELECT client_key, session_id, "timestamp", emotional_score, session_duration_minutes, crisis_flags, conversation_summary, signed_at
         FROM sessions WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL AND "timestamp" >= $2 AND "timestamp" <= $3
        ORDER BY "timestamp", session_id COLLATE "C"`, [await keys(clientId), from(start), end])).rows.map((row) => {
      const opener = sessionOpener(row.client_key, row.session_id);
      return {
        session_id: row.session_id,
        timestamp: row.timestamp.toISOString(),
        emotional_score: row.emotional_score,
        session_duration_minutes: row.session_duration_minutes,
        crisis_flags: opener.open('crisis_flags', row.crisis_flags),
        conversation_summary: opener.open('conversation_summary', row.conversation_summary),
        signed_at: isoOrNull(row.signed_at),
      };
    }),
    crisisSessions: async (clientId, start, end): Promise<CrisisSession[]> => (await client.query<{
      client_key: string; session_id: string; timestamp: Date; crisis_flags: Buffer;
    }>(
      `SELECT client_key, session_id, "timestamp", crisis_flags FROM sessions
        WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL AND has_crisis_flags AND "timestamp" >= $2 AND "timestamp" <= $3
        ORDER BY "timestamp", session_id COLLATE "C"`, [await keys(clientId), from(start), end])).rows.map((row) => ({
      session_id: row.session_id,
      timestamp: row.timestamp.toISOString(),
      crisis_flags: JSON.parse(sessionOpener(row.client_key, row.session_id).open('crisis_flags', row.crisis_flags)) as string[],
    })),
    goalsCreatedBy: async (clientId, end): Promise<GoalHeader[]> => (await client.query<{
      client_key: string; goal_id: string; description: Buffer; target_date: string | null; created_at: Date;
    }>(
      `SELECT client_key, goal_id, description, target_date::text AS target_date, created_at FROM goals
        WHERE client_key = ANY ($1::uuid[]) AND created_at <= $2 ORDER BY created_at, goal_id COLLATE "C"`,
      [await keys(clientId), end])).rows.map((row) => ({
      goal_id: row.goal_id,
      description: new RowSealer(cipher, 'goals', [row.client_key, row.goal_id]).open('description', row.description),
      target_date: row.target_date,
      created_at: row.created_at.toISOString(),
    })),
    goalHistoryUpTo: async (clientId, end): Promise<GoalHistoryPoint[]> => (await client.query<{
      goal_id: string; at: Date; completion_percentage: number; status: GoalHistoryPoint['status'];
    }>(
      `SELECT h.goal_id, h.at, h.completion_percentage, h.status
         FROM goals g JOIN goal_history h ON h.client_key = g.client_key AND h.goal_id = g.goal_id
        WHERE g.client_key = ANY ($1::uuid[]) AND h.at <= $2
        ORDER BY g.created_at, g.goal_id COLLATE "C", h.at, h.seq`, [await keys(clientId), end])).rows.map((row) => ({
      goal_id: row.goal_id, at: row.at.toISOString(), completion_percentage: row.completion_percentage, status: row.status,
    })),
    milestonesBetween: async (clientId, fromDate, toDate): Promise<MilestoneRow[]> => (await client.query<{
      client_key: string; milestone_id: string; goal_id: string; description: Buffer; achieved_date: string; significance: MilestoneRow['significance'];
    }>(
      `SELECT client_key, milestone_id, goal_id, description, achieved_date::text AS achieved_date, significance FROM milestones
        WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL AND achieved_date >= $2::date AND achieved_date <= $3::date
        ORDER BY achieved_date, created_at, milestone_id COLLATE "C"`, [await keys(clientId), fromDate, toDate])).rows.map((row) => ({
      milestone_id: row.milestone_id,
      goal_id: row.goal_id,
      description: new RowSealer(cipher, 'milestones', [row.client_key, row.milestone_id]).open('description', row.description),
      achieved_date: row.achieved_date,
      significance: row.significance,
    })),

    insertCourse: async (row: CourseRow) => {
      const key = await requireClientKey(client, row.client_id);
      try {
        // The id is claimed first: two writers of one id collide on record_ids' primary key.
        await client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('course', $1, $2)`, [row.course_id, key]);
        await client.query(
          `INSERT INTO courses (client_key, course_id, started_at, started_by, ended_at, ended_by, end_reason, end_note)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [key, row.course_id, row.started_at, row.started_by, row.ended_at, row.ended_by, row.end_reason,
            new RowSealer(cipher, 'courses', [key, row.course_id]).sealOrNull('end_note', row.end_note)]);
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') {
          throw new ConflictError(`a course "${row.course_id}" exists already, or the client has an open course: choose another id`, undefined, { cause: error });
        }
        throw error;
      }
    },
    endCourse: async (courseId: string, end: CourseEndMark) => {
      const { rows } = await client.query<{ client_key: string }>(
        `SELECT client_key FROM record_ids WHERE kind = 'course' AND record_id = $1`, [courseId]);
      const key = rows[0]?.client_key;
      if (key === undefined) return false;
      const { rowCount } = await client.query(
        `UPDATE courses SET ended_at = $3, ended_by = $4, end_reason = $5, end_note = $6
          WHERE client_key = $1 AND course_id = $2 AND ended_at IS NULL`,
        [key, courseId, end.ended_at, end.ended_by, end.end_reason, new RowSealer(cipher, 'courses', [key, courseId]).sealOrNull('end_note', end.end_note)]);
      return rowCount === 1;
    },
    insertSchedule: async (row: ScheduleRow) => {
      const key = await requireClientKey(client, row.client_id);
      try {
        await client.query(
          `INSERT INTO measure_schedules (client_key, measure, every, started_at, started_by, stopped_at, stopped_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [key, row.measure, row.every, row.started_at, row.started_by, row.stopped_at, row.stopped_by]);
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') {
          throw new ConflictError(`${row.client_id} has a live ${row.measure} schedule already: stop it first`, undefined, { cause: error });
        }
        throw error;
      }
    },
    stopSchedule: async (clientId, measure, at, by) => (await client.query(
      `UPDATE measure_schedules SET stopped_at = $3, stopped_by = $4
        WHERE client_key = ANY ($1::uuid[]) AND measure = $2 AND stopped_at IS NULL`, [await keys(clientId), measure, at, by])).rowCount! > 0,
    stopAllSchedules: async (clientId, at, by) => (await client.query(
      `UPDATE measure_schedules SET stopped_at = $2, stopped_by = $3 WHERE client_key = ANY ($1::uuid[]) AND stopped_at IS NULL`,
      [await keys(clientId), at, by])).rowCount ?? 0,
  };
}

export function schedule(row: ScheduleDbRow): ScheduleRow {
  return {
    client_id: row.client_id, measure: row.measure, every: row.every, started_at: row.started_at.toISOString(),
    started_by: row.started_by, stopped_at: isoOrNull(row.stopped_at), stopped_by: row.stopped_by,
  };
}

