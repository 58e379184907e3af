import type pg from 'pg';
import {
  moodOfScore, type GoalStatus, type MeasureKind, type Session, type SessionState, type SessionVersion, type Significance,
} from '../domain/records.js';
import { StoreFailure } from '../store/errors.js';
import {
  plainSessionJson,
  type BulkKind, type ClientRecord, type CourseRecord, type EditLog, type EditRecord, type ExchangeReads, type ExchangeWrites,
  type GoalHistoryRow, type GoalRecord, type MilestoneExportRow, type ScheduleRecord, type SessionToInsert, type SessionValues,
} from '../store/port-exchange.js';
import { pgCare, schedule, type ScheduleDbRow } from './care-rows.js';
import { clientKeysOf, currentClientId, recordClientKey, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { PgGoals } from './goal-rows.js';
import { PgMeasures } from './measure-rows.js';
import { PgMilestones } from './milestone-rows.js';
import { isoOrNull, RowSealer } from './sealer.js';
// A session's sealed columns and their seal come from the sessions' own rows: one definition.
import { PgSessions, SEALED_COLUMNS, sealContent, type SealedColumn } from './session-rows.js';

/**
 * The exchange facet of the port on PostgreSQL: the export's reads in SQLite's order (ids
 * compared byte by byte, COLLATE "C"), and the import's writes of whole records, every free text
 * sealed to its row as the other src/pg/*-rows.ts seal it (courses and schedules as
 * care-rows.ts keeps them). Sessions, the bulk of a file, go in by batches of multi-row inserts
 * in the import's one transaction: a round trip per batch, not per row.
 */

interface SessionRow extends Record<SealedColumn, Buffer> {
  client_key: string;
  session_id: string;
  client_id: string;
  timestamp: Date;
  emotional_score: number;
  session_duration_minutes: number | null;
  has_state: boolean;
}

interface MilestoneRow {
  client_key: string;
  milestone_id: string;
  goal_id: string;
  client_id: string;
  description: Buffer;
  achieved_date: string;
  significance: Significance;
  created_at: Date;
  voided_at: Date | null;
  voided_by: string | null;
  void_reason: Buffer | null;
}

const KEYS: Record<EditLog, string> = { goal_edits: 'goal_id', milestone_edits: 'milestone_id' };
const KINDS: Record<EditLog, string> = { goal_edits: 'goal', milestone_edits: 'milestone' };

/** Sessions are read for an export this many at a time (a cursor would hold the connection's protocol). */
const SESSION_PAGE = 500;

/**
 * Rows per multi-row INSERT: a session row binds 25 values, an earlier version 20, so 1,000 rows
 * stay far below the protocol's 65,535 parameters of a statement.
 */
const INSERT_ROWS = 1000;

/** A session row's columns for an import: its fields, its sealed content, then its state (as `sessionRows` lists them). */
const STATE_COLUMNS = ['version', 'amended_at', 'amended_by', 'amend_reason', 'addendum', 'signed_at', 'signed_by', 'voided_at',
  'voided_by', 'void_reason'] as const;
const SESSION_COLUMNS = ['client_key', 'session_id', '"timestamp"', 'emotional_score', 'session_duration_minutes', 'has_crisis_flags',
  ...SEALED_COLUMNS, ...STATE_COLUMNS];
const VERSION_COLUMNS = ['client_key', 'session_id', 'version', '"timestamp"', 'emotional_score', 'session_duration_minutes',
  'has_crisis_flags', 'amended_at', 'amended_by', 'amend_reason', 'addendum', ...SEALED_COLUMNS];

/** `($1, $2, …), ($n+1, …)`: the VALUES of a multi-row insert of `rows` rows of `width` values. */
function valuesList(rows: number, width: number): string {
  const list: string[] = [];
  for (let row = 0; row < rows; row++) {
    list.push(`(${Array.from({ length: width }, (_, column) => `$${row * width + column + 1}`).join(', ')})`);
  }
  return list.join(', ');
}

/** Runs a multi-row INSERT of these rows (arrays of one row's values), INSERT_ROWS at a time. */
async function insertRows(client: pg.ClientBase, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_ROWS) {
    const chunk = rows.slice(start, start + INSERT_ROWS);
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(chunk.length, columns.length)}`, chunk.flat());
  }
}

export function pgExchange(client: pg.ClientBase, cipher: FieldCipher): ExchangeReads & ExchangeWrites {
  const sessions = new PgSessions(client, cipher);
  const goals = new PgGoals(client, cipher);
  const milestones = new PgMilestones(client, cipher);
  const measures = new PgMeasures(client, cipher);
  // Courses and schedules are the care facet's rows: read, written and sealed as it does.
  const care = pgCare(client, cipher);
  const sessionSealer = (key: string, sessionId: string) => new RowSealer(cipher, 'sessions', [key, sessionId]);

  const recordKey = async (kind: string, recordId: string): Promise<string> => {
    const key = await recordClientKey(client, kind, recordId);
    if (key === undefined) throw new StoreFailure(`no ${kind} "${recordId}" to write to`);
    return key;
  };

  /** A client's sessions in export order, a page at a time: oldest first, ties by id. */
  async function* sessionValues(clientId: string): AsyncGenerator<SessionValues> {
    const keys = await clientKeysOf(client, clientId);
    let after: [Date, string] | null = null;
    for (;;) {
      const page: pg.QueryResult<SessionRow> = await client.query<SessionRow>(
        `SELECT s.client_key, s.session_id, ${currentClientId('s.client_key')} AS client_id, s."timestamp", s.emotional_score,
                s.session_duration_minutes, ${SEALED_COLUMNS.map((column) => `s.${column}`).join(', ')},
                (s.version > 1 OR s.signed_at IS NOT NULL OR s.voided_at IS NOT NULL OR s.source = 'machine') AS has_state
           FROM sessions s
          WHERE s.client_key = ANY ($1::uuid[])
            AND ($2::timestamptz IS NULL OR (s."timestamp", s.session_id COLLATE "C") > ($2, $3::text COLLATE "C"))
          ORDER BY s."timestamp", s.session_id COLLATE "C" LIMIT ${SESSION_PAGE}`,
        [keys, after?.[0] ?? null, after?.[1] ?? null]);
      const rows: SessionRow[] = page.rows;
      for (const row of rows) {
        const sealer = sessionSealer(row.client_key, row.session_id);
        const text = (column: SealedColumn) => sealer.open(column, row[column]);
        yield [
          row.session_id, row.client_id, row.timestamp.toISOString(), text('conversation_summary'), row.emotional_score,
          text('therapeutic_goals'), text('progress_notes'), text('therapist_observations'), text('next_session_focus'),
          row.session_duration_minutes, text('techniques_used'), text('homework_assigned'), text('crisis_flags'),
          text('metadata'), row.has_state ? 1 : 0,
        ];
      }
      if (rows.length < SESSION_PAGE) return;
      const last: SessionRow = rows[rows.length - 1]!;
      after = [last.timestamp, last.session_id];
    }
  }

  const sessionRecord = async (sessionId: string) => {
    const held = await sessions.get(sessionId);
    // A machine's session carries its source (issue 25), with its state.
    return held && { ...held.session, ...held.state, ...await sessions.machineSourceOf(sessionId), versions: await sessions.versions(sessionId) };
  };

  const milestoneOf = (row: MilestoneRow): MilestoneExportRow => {
    const sealer = new RowSealer(cipher, 'milestones', [row.client_key, row.milestone_id]);
    return {
      milestone_id: row.milestone_id, goal_id: row.goal_id, client_id: row.client_id,
      description: sealer.open('description', row.description), achieved_date: row.achieved_date, significance: row.significance,
      created_at: row.created_at.toISOString(), voided_at: isoOrNull(row.voided_at), voided_by: row.voided_by,
      void_reason: sealer.openOrNull('void_reason', row.void_reason),
    };
  };
  const MILESTONES = `SELECT m.client_key, m.milestone_id, m.goal_id, ${currentClientId('m.client_key')} AS client_id, m.description,
      m.achieved_date::text AS achieved_date, m.significance, m.created_at, m.voided_at, m.voided_by, m.void_reason FROM milestones m`;

  // A goal's whole history in one statement.
  const insertHistory = (key: string, goalId: string, history: readonly GoalRecordHistory[]) =>
    insertRows(client, 'goal_history', ['client_key', 'goal_id', 'seq', 'at', 'completion_percentage', 'status', 'note', 'actor'],
      history.map((entry, index) => [key, goalId, index + 1, entry.at, entry.completion_percentage, entry.status,
        new RowSealer(cipher, 'goal_history', [key, goalId, index + 1]).seal('note', entry.note), entry.actor]));

  const SCHEDULES = `SELECT s.client_key, s.schedule_id, ${currentClientId('s.client_key')} AS client_id, s.measure, s.every, s.started_at,
      s.started_by, s.stopped_at, s.stopped_by FROM measure_schedules s`;
  const schedules = async (sql: string, params: unknown[]): Promise<ScheduleRecord[]> =>
    (await client.query<ScheduleDbRow>(sql, params)).rows.map(schedule);

  /** The rows of sessions and session_versions for these sessions of one client key, sealed. */
  const sessionRows = (key: string, batch: readonly SessionToInsert[]) => {
    const sessionValues: unknown[][] = [];
    const versionValues: unknown[][] = [];
    for (const { session, corrections } of batch) {
      const sealer = sessionSealer(key, session.session_id);
      const state = corrections?.state;
      sessionValues.push([
        key, session.session_id, session.timestamp, session.emotional_score, session.session_duration_minutes,
        session.crisis_flags.length > 0, ...sealContent(sealer, session),
        state?.version ?? 1, state?.amended_at ?? null, state?.amended_by ?? null, sealer.sealOrNull('amend_reason', state?.amend_reason ?? null),
        state?.addendum ?? false, state?.signed_at ?? null, state?.signed_by ?? null, state?.voided_at ?? null, state?.voided_by ?? null,
        sealer.sealOrNull('void_reason', state?.void_reason ?? null),
      ]);
      for (const version of corrections?.versions ?? []) {
        const kept = new RowSealer(cipher, 'session_versions', [key, session.session_id, version.version]);
        versionValues.push([
          key, session.session_id, version.version, version.timestamp, version.emotional_score, version.session_duration_minutes,
          version.crisis_flags.length > 0, version.amended_at, version.amended_by, kept.sealOrNull('amend_reason', version.amend_reason),
          version.addendum, ...sealContent(kept, version),
        ]);
      }
    }
    return { sessionValues, versionValues };
  };

  return {
    clients: async () => (await client.query<{ client_id: string; created_at: Date }>(
      'SELECT client_id, created_at FROM clients WHERE client_id IS NOT NULL ORDER BY client_id COLLATE "C"'))
      .rows.map(clientRecord),
    client: async (clientId) => {
      const { rows } = await client.query<{ client_id: string; created_at: Date }>(
        'SELECT client_id, created_at FROM clients WHERE client_id = $1', [clientId]);
      return rows[0] && clientRecord(rows[0]);
    },
    sessionCount: async (clientIds) => {
      let total = 0;
      for (const clientId of clientIds) {
        const keys = await clientKeysOf(client, clientId);
        total += Number((await client.query<{ n: string }>(
          'SELECT count(*) AS n FROM sessions WHERE client_key = ANY ($1::uuid[])', [keys])).rows[0]!.n);
      }
      return total;
    },
    sessionValues,
    async *sessionJson(clientId) {
      for await (const values of sessionValues(clientId)) {
        if (values[14] === 1) {
          yield JSON.stringify(await sessionRecord(values[0]));
          continue;
        }
        yield plainSessionJson(values) ?? JSON.stringify(sessionOfValues(values));
      }
    },
    sessionRecord,
    milestoneRecords: async (clientId) => {
      const keys = await clientKeysOf(client, clientId);
      const { rows } = await client.query<MilestoneRow>(
        `${MILESTONES} WHERE m.client_key = ANY ($1::uuid[]) ORDER BY m.achieved_date, m.created_at, m.milestone_id COLLATE "C"`, [keys]);
      return rows.map(milestoneOf);
    },
    goalHistoryRows: async (clientId) => {
      const keys = await clientKeysOf(client, clientId);
      const { rows } = await client.query<{
        client_key: string; goal_id: string; client_id: string; seq: number; at: Date; completion_percentage: number;
        status: GoalStatus; note: Buffer; actor: string;
      }>(
        `SELECT h.client_key, h.goal_id, ${currentClientId('g.client_key')} AS client_id, h.seq, h.at, h.completion_percentage,
                h.status, h.note, h.actor
           FROM goals g JOIN goal_history h ON h.client_key = g.client_key AND h.goal_id = g.goal_id
          WHERE g.client_key = ANY ($1::uuid[])
          ORDER BY g.created_at, g.goal_id COLLATE "C", h.seq`, [keys]);
      return rows.map((row): GoalHistoryRow => ({
        goal_id: row.goal_id, client_id: row.client_id, seq: row.seq, at: row.at.toISOString(),
        completion_percentage: row.completion_percentage, status: row.status,
        note: new RowSealer(cipher, 'goal_history', [row.client_key, row.goal_id, row.seq]).open('note', row.note), actor: row.actor,
      }));
    },
    edits: async (log, recordId) => {
      const key = await recordClientKey(client, KINDS[log], recordId);
      if (key === undefined) return [];
      const { rows } = await client.query<{ seq: number; at: Date; actor: string; reason: Buffer; changes: Buffer }>(
        `SELECT seq, at, actor, reason, changes FROM ${log} WHERE client_key = $1 AND ${KEYS[log]} = $2 ORDER BY seq`, [key, recordId]);
      return rows.map((row): EditRecord => {
        const sealer = new RowSealer(cipher, log, [key, recordId, row.seq]);
        return {
          at: row.at.toISOString(), actor: row.actor, reason: sealer.open('reason', row.reason),
          changes: JSON.parse(sealer.open('changes', row.changes)) as EditRecord['changes'],
        };
      });
    },
    courses: (clientId) => care.courses(clientId),
    // SQLite's order: by start, then measure and the order they were written in (ids byte by byte).
    schedules: async (clientId) => schedules(
      `${SCHEDULES} WHERE s.client_key = ANY ($1::uuid[]) ORDER BY s.started_at, s.measure COLLATE "C", s.schedule_id`,
      [await clientKeysOf(client, clientId)]),

    ownerOf: async (kind, recordId) => {
      const { rows } = await client.query<{ client_id: string }>(
        `SELECT ${currentClientId('r.client_key')} AS client_id FROM record_ids r WHERE r.kind = $1 AND r.record_id = $2`, [kind, recordId]);
      return rows[0]?.client_id;
    },
    sessionFields: async (sessionId) => (await sessions.get(sessionId))?.session,
    goalRecord: async (goalId) => {
      const goal = await goals.get(goalId);
      if (!goal) return undefined;
      const { milestones: _list, ...record } = goal;
      return record satisfies GoalRecord;
    },
    milestoneRecord: async (milestoneId) => {
      const key = await recordClientKey(client, 'milestone', milestoneId);
      if (key === undefined) return undefined;
      const { rows } = await client.query<MilestoneRow>(`${MILESTONES} WHERE m.client_key = $1 AND m.milestone_id = $2`, [key, milestoneId]);
      return rows[0] && milestoneOf(rows[0]);
    },
    course: async (courseId) => {
      const key = await recordClientKey(client, 'course', courseId);
      if (key === undefined) return undefined;
      const row = (await client.query<Omit<CourseRecord, 'end_note'> & { started_at: Date; ended_at: Date | null; end_note: Buffer | null }>(
        `SELECT c.course_id, ${currentClientId('c.client_key')} AS client_id, c.started_at, c.started_by, c.ended_at, c.ended_by,
                c.end_reason, c.end_note FROM courses c WHERE c.client_key = $1 AND c.course_id = $2`, [key, courseId])).rows[0];
      return row && {
        course_id: row.course_id, client_id: row.client_id, started_at: row.started_at.toISOString(), started_by: row.started_by,
        ended_at: isoOrNull(row.ended_at), ended_by: row.ended_by, end_reason: row.end_reason,
        end_note: new RowSealer(cipher, 'courses', [key, courseId]).openOrNull('end_note', row.end_note),
      };
    },
    openCourse: (clientId) => care.openCourse(clientId),
    schedule: async (clientId, measure, startedAt) => (await schedules(
      `${SCHEDULES} WHERE s.client_key = ANY ($1::uuid[]) AND s.measure = $2 AND s.started_at = $3 ORDER BY s.schedule_id LIMIT 1`,
      [await clientKeysOf(client, clientId), measure, startedAt]))[0],
    liveSchedule: async (clientId, measure) => (await schedules(
      `${SCHEDULES} WHERE s.client_key = ANY ($1::uuid[]) AND s.measure = $2 AND s.stopped_at IS NULL ORDER BY s.schedule_id LIMIT 1`,
      [await clientKeysOf(client, clientId), measure]))[0],

    // References are checked as each row is written: a record's goal or session comes first in
    // the file (as an export orders them), or the import stops at it.
    beginBulk: async () => undefined,
    endBulk: async () => undefined,
    // A row this transaction inserted carries its id as xmin (no savepoints are used in a load).
    writtenInBulk: async (kind: BulkKind, recordId) => (await client.query<{ mine: boolean }>(
      `SELECT xmin::text::bigint = txid_current() % 4294967296 AS mine FROM record_ids WHERE kind = $1 AND record_id = $2`,
      [kind, recordId])).rows[0]?.mine === true,
    insertSessions: async (batch) => {
      const written = batch.map(() => false);
      // Each id is claimed once: a later session of the batch with an id met before is not written.
      const firsts = new Map<string, number>();
      batch.forEach(({ session }, index) => {
        if (!firsts.has(session.session_id)) firsts.set(session.session_id, index);
      });
      const keys = new Map<string, string>();
      for (const { session } of batch) {
        if (!keys.has(session.client_id)) keys.set(session.client_id, await requireClientKey(client, session.client_id));
      }
      const order = [...firsts.values()];
      for (let start = 0; start < order.length; start += INSERT_ROWS) {
        const chunk = order.slice(start, start + INSERT_ROWS);
        // The ids are claimed first, all at once: those the database holds already are not returned.
        const claimed = new Set((await client.query<{ record_id: string }>(
          `INSERT INTO record_ids (kind, record_id, client_key) SELECT 'session', id, key FROM unnest($1::text[], $2::uuid[]) AS t (id, key)
           ON CONFLICT DO NOTHING RETURNING record_id`,
          [chunk.map((index) => batch[index]!.session.session_id), chunk.map((index) => keys.get(batch[index]!.session.client_id))]))
          .rows.map((row) => row.record_id));
        const byKey = new Map<string, SessionToInsert[]>();
        for (const index of chunk) {
          const entry = batch[index]!;
          if (!claimed.has(entry.session.session_id)) continue;
          written[index] = true;
          const key = keys.get(entry.session.client_id)!;
          const entries = byKey.get(key);
          if (entries) entries.push(entry);
          else byKey.set(key, [entry]);
        }
        for (const [key, entries] of byKey) {
          const { sessionValues, versionValues } = sessionRows(key, entries);
          await insertRows(client, 'sessions', SESSION_COLUMNS, sessionValues);
          await insertRows(client, 'session_versions', VERSION_COLUMNS, versionValues);
        }
      }
      return written;
    },
    replaceSession: async (session) => {
      const key = await recordKey('session', session.session_id);
      await client.query(
        `UPDATE sessions SET "timestamp" = $3, emotional_score = $4, session_duration_minutes = $5, has_crisis_flags = $6,
           ${SEALED_COLUMNS.map((column, index) => `${column} = $${index + 7}`).join(', ')}
          WHERE client_key = $1 AND session_id = $2`,
        [key, session.session_id, session.timestamp, session.emotional_score, session.session_duration_minutes,
          session.crisis_flags.length > 0, ...sealContent(sessionSealer(key, session.session_id), session)]);
    },
    writeSessionCorrections: async (sessionId, state: SessionState, versions: readonly SessionVersion[]) => {
      const key = await recordKey('session', sessionId);
      const sealer = sessionSealer(key, sessionId);
      await client.query('DELETE FROM session_versions WHERE client_key = $1 AND session_id = $2', [key, sessionId]);
      for (const version of versions) {
        const kept = new RowSealer(cipher, 'session_versions', [key, sessionId, version.version]);
        await client.query(
          `INSERT INTO session_versions (client_key, session_id, version, "timestamp", emotional_score, session_duration_minutes,
             has_crisis_flags, amended_at, amended_by, amend_reason, addendum, ${SEALED_COLUMNS.join(', ')})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${SEALED_COLUMNS.map((_, index) => `$${index + 12}`).join(', ')})`,
          [key, sessionId, version.version, version.timestamp, version.emotional_score, version.session_duration_minutes,
            version.crisis_flags.length > 0, version.amended_at, version.amended_by, kept.sealOrNull('amend_reason', version.amend_reason),
            version.addendum, ...sealContent(kept, version)]);
      }
      await client.query(
        `UPDATE sessions SET version = $3, amended_at = $4, amended_by = $5, amend_reason = $6, addendum = $7, signed_at = $8,
           signed_by = $9, voided_at = $10, voided_by = $11, void_reason = $12
          WHERE client_key = $1 AND session_id = $2`,
        [key, sessionId, state.version, state.amended_at, state.amended_by, sealer.sealOrNull('amend_reason', state.amend_reason),
          state.addendum, state.signed_at, state.signed_by, state.voided_at, state.voided_by,
          sealer.sealOrNull('void_reason', state.void_reason)]);
    },
    insertGoal: async (goal, history) => {
      await goals.insert({ ...goal, milestones: [] });
      await insertHistory(await recordKey('goal', goal.goal_id), goal.goal_id, history);
    },
    replaceGoal: async (goal, history) => {
      const key = await recordKey('goal', goal.goal_id);
      const sealer = new RowSealer(cipher, 'goals', [key, goal.goal_id]);
      await client.query(
        `UPDATE goals SET description = $3, target_date = $4, completion_percentage = $5, status = $6, notes = $7,
           created_at = $8, updated_at = $9 WHERE client_key = $1 AND goal_id = $2`,
        [key, goal.goal_id, sealer.seal('description', goal.description), goal.target_date, goal.completion_percentage, goal.status,
          sealer.seal('notes', goal.notes), goal.created_at, goal.updated_at]);
      await client.query('DELETE FROM goal_history WHERE client_key = $1 AND goal_id = $2', [key, goal.goal_id]);
      await insertHistory(key, goal.goal_id, history);
    },
    writeEdits: async (log, recordId, _clientId, edits) => {
      const key = await recordKey(KINDS[log], recordId);
      await client.query(`DELETE FROM ${log} WHERE client_key = $1 AND ${KEYS[log]} = $2`, [key, recordId]);
      await insertRows(client, log, ['client_key', KEYS[log], 'seq', 'at', 'actor', 'reason', 'changes'], edits.map((edit, index) => {
        const sealer = new RowSealer(cipher, log, [key, recordId, index + 1]);
        return [key, recordId, index + 1, edit.at, edit.actor, sealer.seal('reason', edit.reason), sealer.seal('changes', JSON.stringify(edit.changes))];
      }));
    },
    insertMilestone: async (milestone) => {
      const { created_at: createdAt, ...fields } = milestone;
      await milestones.insert(fields, createdAt);
    },
    replaceMilestone: async (milestone) => {
      const key = await recordKey('milestone', milestone.milestone_id);
      await client.query(
        `UPDATE milestones SET goal_id = $3, description = $4, achieved_date = $5, significance = $6, created_at = $7
          WHERE client_key = $1 AND milestone_id = $2`,
        [key, milestone.milestone_id, milestone.goal_id,
          new RowSealer(cipher, 'milestones', [key, milestone.milestone_id]).seal('description', milestone.description),
          milestone.achieved_date, milestone.significance, milestone.created_at]);
    },
    setMilestoneState: async (milestoneId, state) => {
      const key = await recordKey('milestone', milestoneId);
      await client.query(
        'UPDATE milestones SET voided_at = $3, voided_by = $4, void_reason = $5 WHERE client_key = $1 AND milestone_id = $2',
        [key, milestoneId, state.voided_at, state.voided_by,
          new RowSealer(cipher, 'milestones', [key, milestoneId]).sealOrNull('void_reason', state.void_reason)]);
    },
    insertMeasure: (measure) => measures.insert(measure),
    replaceMeasure: async (measure) => {
      const key = await recordKey('measure', measure.measure_id);
      await client.query(
        `UPDATE measures SET measure = $3, "timestamp" = $4, session_id = $5, items = $6, total = $7, created_at = $8
          WHERE client_key = $1 AND measure_id = $2`,
        [key, measure.measure_id, measure.measure, measure.timestamp, measure.session_id, measure.items, measure.total, measure.created_at]);
    },
    writeMeasureCorrections: async (measureId, _clientId, state, versions) => {
      const key = await recordKey('measure', measureId);
      const sealer = new RowSealer(cipher, 'measures', [key, measureId]);
      await client.query(
        `UPDATE measures SET version = $3, amended_at = $4, amended_by = $5, amend_reason = $6, voided_at = $7, voided_by = $8,
           void_reason = $9 WHERE client_key = $1 AND measure_id = $2`,
        [key, measureId, state.version, state.amended_at, state.amended_by, sealer.sealOrNull('amend_reason', state.amend_reason),
          state.voided_at, state.voided_by, sealer.sealOrNull('void_reason', state.void_reason)]);
      await client.query('DELETE FROM measure_versions WHERE client_key = $1 AND measure_id = $2', [key, measureId]);
      await insertRows(client, 'measure_versions', ['client_key', 'measure_id', 'version', '"timestamp"', 'session_id', 'items', 'total',
        'amended_at', 'amended_by', 'amend_reason'], versions.map((version) => [
        key, measureId, version.version, version.timestamp, version.session_id, version.items, version.total, version.amended_at,
        version.amended_by, new RowSealer(cipher, 'measure_versions', [key, measureId, version.version]).sealOrNull('amend_reason', version.amend_reason),
      ]));
    },
    deleteRisk: async (clientId, kind) => {
      const key = await requireClientKey(client, clientId);
      await client.query('DELETE FROM risk_events WHERE client_key = $1 AND kind = $2', [key, kind]);
      await client.query('DELETE FROM risks WHERE client_key = $1 AND kind = $2', [key, kind]);
    },
    insertCourse: (course) => care.insertCourse(course),
    replaceCourse: async (course: CourseRecord) => {
      const key = await recordKey('course', course.course_id);
      await client.query(
        `UPDATE courses SET started_at = $3, started_by = $4, ended_at = $5, ended_by = $6, end_reason = $7, end_note = $8
          WHERE client_key = $1 AND course_id = $2`,
        [key, course.course_id, course.started_at, course.started_by, course.ended_at, course.ended_by, course.end_reason,
          new RowSealer(cipher, 'courses', [key, course.course_id]).sealOrNull('end_note', course.end_note)]);
    },
    insertSchedule: (schedule) => care.insertSchedule(schedule),
    // A schedule is known by its client, measure and start (as on SQLite: the first written of those).
    replaceSchedule: async (schedule) => {
      await client.query(
        `UPDATE measure_schedules SET every = $4, started_by = $5, stopped_at = $6, stopped_by = $7
          WHERE (client_key, schedule_id) = (SELECT client_key, schedule_id FROM measure_schedules
            WHERE client_key = ANY ($1::uuid[]) AND measure = $2 AND started_at = $3 ORDER BY schedule_id LIMIT 1)`,
        [await clientKeysOf(client, schedule.client_id), schedule.measure, schedule.started_at, schedule.every, schedule.started_by,
          schedule.stopped_at, schedule.stopped_by]);
    },
  };
}

type GoalRecordHistory = { at: string; completion_percentage: number; status: GoalStatus; note: string; actor: string };

function clientRecord(row: { client_id: string; created_at: Date }): ClientRecord {
  return { client_id: row.client_id, created_at: row.created_at.toISOString() };
}

/** A session of `sessionValues` as the record it is (SPEC §1's keys, in order). */
function sessionOfValues(values: SessionValues): Session {
  const [id, client, timestamp, summary, score, goals, notes, observations, focus, duration, techniques, homework,
    flags, metadata] = values;
  return {
    session_id: id, client_id: client, timestamp, conversation_summary: summary, emotional_state: moodOfScore(score),
    emotional_score: score, therapeutic_goals: JSON.parse(goals) as string[], progress_notes: notes,
    therapist_observations: observations, next_session_focus: focus, session_duration_minutes: duration,
    techniques_used: JSON.parse(techniques) as string[], homework_assigned: homework, crisis_flags: JSON.parse(flags) as string[],
    metadata: JSON.parse(metadata) as Record<string, string>,
  };
}
