import type pg from 'pg';
import { ConflictError } from '../store/errors.js';
import { moodOfScore, type Amendment, type MachineEntry, type ListedSession, type Session, type SessionState, type SessionVersion } from '../domain/records.js';
import type { ClientFigures, SessionRange, SessionWithState, VoidMark } from '../store/port.js';
import { clientKeysOf, currentClientId, recordClientKey, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { isoOrNull, RowSealer } from './sealer.js';

/** The sessions of the port on PostgreSQL: free text sealed, state in plain columns. */

/** The sealed content columns, with whether each holds JSON (lists, metadata) or text. */
const SEALED = {
  conversation_summary: 'text',
  therapeutic_goals: 'json',
  progress_notes: 'text',
  therapist_observations: 'text',
  next_session_focus: 'text',
  techniques_used: 'json',
  homework_assigned: 'text',
  crisis_flags: 'json',
  metadata: 'json',
} as const;
export type SealedColumn = keyof typeof SEALED;
export const SEALED_COLUMNS = Object.keys(SEALED) as SealedColumn[];

interface SessionRow extends Record<SealedColumn, Buffer> {
  client_key: string;
  session_id: string;
  client_id: string;
  timestamp: Date;
  emotional_score: number;
  session_duration_minutes: number | null;
  version: number;
  amended_at: Date | null;
  amended_by: string | null;
  amend_reason: Buffer | null;
  addendum: boolean;
  signed_at: Date | null;
  signed_by: string | null;
  voided_at: Date | null;
  voided_by: string | null;
  void_reason: Buffer | null;
}

const SELECT = `SELECT s.*, ${currentClientId('s.client_key')} AS client_id FROM sessions s`;

export class PgSessions {
  constructor(private readonly client: pg.ClientBase, private readonly cipher: FieldCipher) {}

  async insert(session: Session): Promise<void> {
    const key = await requireClientKey(this.client, session.client_id);
    // The id is claimed first: two writers of one id collide on record_ids' primary key.
    try {
      await this.client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('session', $1, $2)`, [session.session_id, key]);
    } catch (error) {
      // A conflict the port's callers can tell (core says which id to change), not a driver error.
      if ((error as { code?: unknown }).code !== '23505') throw error;
      throw new ConflictError(`a session "${session.session_id}" exists already`, (error as { constraint?: string }).constraint, { cause: error });
    }
    const sealed = sealContent(this.sealer(key, session.session_id), session);
    await this.client.query(
      `INSERT INTO sessions (client_key, session_id, "timestamp", emotional_score, session_duration_minutes,
         has_crisis_flags, ${SEALED_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, ${SEALED_COLUMNS.map((_, index) => `$${index + 7}`).join(', ')})`,
      [key, session.session_id, session.timestamp, session.emotional_score, session.session_duration_minutes,
        session.crisis_flags.length > 0, ...sealed]);
  }

  async get(sessionId: string, lock = false): Promise<SessionWithState | undefined> {
    const key = await recordClientKey(this.client, 'session', sessionId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<SessionRow>(
      `${SELECT} WHERE s.client_key = $1 AND s.session_id = $2${lock ? ' FOR UPDATE OF s' : ''}`, [key, sessionId]);
    return rows[0] && { session: this.session(rows[0]), state: this.state(rows[0]) };
  }

  async ofClient(clientId: string, options: SessionRange = {}): Promise<ListedSession[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const params: unknown[] = [keys];
    let where = options.includeVoid ? '' : ' AND s.voided_at IS NULL';
    if (options.start !== undefined && options.start !== null) where += ` AND s."timestamp" >= $${params.push(options.start)}::timestamptz`;
    if (options.end !== undefined) where += ` AND s."timestamp" <= $${params.push(options.end)}::timestamptz`;
    const limit = options.limit !== undefined && options.limit >= 0 ? ` LIMIT $${params.push(options.limit)}` : '';
    const { rows } = await this.client.query<SessionRow>(
      `${SELECT} WHERE s.client_key = ANY ($1::uuid[])${where}
        ORDER BY s."timestamp" DESC, s.session_id COLLATE "C" DESC${limit}`, params);
    return rows.map((row) => ({
      ...this.session(row), version: row.version, signed_at: isoOrNull(row.signed_at), voided_at: isoOrNull(row.voided_at),
    }));
  }

  /**
   * The techniques of a client's live sessions, most used first, then by name in byte order (as
   * SQLite's BINARY collation): the lists are sealed, so they are counted here once opened.
   */
  async techniques(clientId: string): Promise<string[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<{ client_key: string; session_id: string; techniques_used: Buffer }>(
      'SELECT client_key, session_id, techniques_used FROM sessions WHERE client_key = ANY ($1::uuid[]) AND voided_at IS NULL', [keys]);
    const uses = new Map<string, number>();
    for (const row of rows) {
      // json_each in SQLite counts a technique once per place in a session's list: so here.
      for (const technique of JSON.parse(this.sealer(row.client_key, row.session_id).open('techniques_used', row.techniques_used)) as string[]) {
        uses.set(technique, (uses.get(technique) ?? 0) + 1);
      }
    }
    return [...uses].sort(([a, aUses], [b, bUses]) => bUses - aUses || Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .map(([technique]) => technique);
  }

  /** As SQLite's: plain columns only, so nothing is opened. */
  async machineWritten(clientId: string, options: SessionRange = {}): Promise<MachineEntry[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const params: unknown[] = [keys];
    let where = options.includeVoid ? '' : ' AND voided_at IS NULL';
    if (options.start !== undefined && options.start !== null) where += ` AND "timestamp" >= $${params.push(options.start)}::timestamptz`;
    if (options.end !== undefined) where += ` AND "timestamp" <= $${params.push(options.end)}::timestamptz`;
    const { rows } = await this.client.query<{ session_id: string; timestamp: Date; emotional_score: number; signed_at: Date | null }>(
      `SELECT session_id, "timestamp", emotional_score, signed_at FROM sessions
        WHERE client_key = ANY ($1::uuid[]) AND source = 'machine'${where}
        ORDER BY "timestamp", session_id COLLATE "C"`, params);
    return rows.map((row) => ({
      session_id: row.session_id, timestamp: row.timestamp.toISOString(), emotional_score: row.emotional_score, signed_at: isoOrNull(row.signed_at),
    }));
  }

  /** `{ source: 'machine' }` for a machine-written session, else nothing: what an export adds to its record. */
  async machineSourceOf(sessionId: string): Promise<{ source?: 'machine' }> {
    const key = await recordClientKey(this.client, 'session', sessionId);
    if (key === undefined) return {};
    const { rows } = await this.client.query<{ source: string }>(
      'SELECT source FROM sessions WHERE client_key = $1 AND session_id = $2', [key, sessionId]);
    return rows[0]?.source === 'machine' ? { source: 'machine' } : {};
  }

  /** Marks new sessions as a machine's (issue 25), before anything can lock them. */
  async markMachineWritten(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.client.query(
      `UPDATE sessions s SET source = 'machine' FROM record_ids r
        WHERE r.kind = 'session' AND r.record_id = ANY ($1::text[]) AND s.client_key = r.client_key AND s.session_id = r.record_id`,
      [sessionIds]);
  }

  async setVoided(sessionId: string, mark: VoidMark | null): Promise<boolean> {
    const key = await recordClientKey(this.client, 'session', sessionId);
    if (key === undefined) return false;
    const guard = mark ? 'signed_at IS NULL AND voided_at IS NULL' : 'voided_at IS NOT NULL';
    const { rowCount } = await this.client.query(
      `UPDATE sessions SET voided_at = $3, voided_by = $4, void_reason = $5
        WHERE client_key = $1 AND session_id = $2 AND ${guard}`,
      [key, sessionId, mark?.at ?? null, mark?.by ?? null, this.sealer(key, sessionId).sealOrNull('void_reason', mark?.reason ?? null)]);
    return rowCount === 1;
  }

  async setSigned(sessionId: string, at: string, by: string): Promise<boolean> {
    const key = await recordClientKey(this.client, 'session', sessionId);
    if (key === undefined) return false;
    const { rowCount } = await this.client.query(
      `UPDATE sessions SET signed_at = $3, signed_by = $4
        WHERE client_key = $1 AND session_id = $2 AND signed_at IS NULL AND voided_at IS NULL`, [key, sessionId, at, by]);
    return rowCount === 1;
  }

  async versions(sessionId: string): Promise<SessionVersion[]> {
    const key = await recordClientKey(this.client, 'session', sessionId);
    if (key === undefined) return [];
    const { rows } = await this.client.query<SessionRow>(
      `SELECT v.*, ${currentClientId('v.client_key')} AS client_id FROM session_versions v
        WHERE v.client_key = $1 AND v.session_id = $2 ORDER BY v.version`, [key, sessionId]);
    return rows.map((row) => {
      const sealer = this.versionSealer(key, sessionId, row.version);
      const { session_id: _id, ...content } = this.content(row, sealer);
      return {
        ...content, version: row.version, amended_at: isoOrNull(row.amended_at), amended_by: row.amended_by,
        amend_reason: sealer.openOrNull('amend_reason', row.amend_reason), addendum: row.addendum,
      };
    });
  }

  /**
   * The current version goes to session_versions first, opened and sealed again to its new row
   * (a ciphertext is bound to its table and row, so it cannot be copied as it is); then the
   * session's row takes `next`. Both under the row's lock, guarded on the version and the void.
   */
  async amend(next: Session, amendment: Amendment): Promise<boolean> {
    const key = await recordClientKey(this.client, 'session', next.session_id);
    if (key === undefined) return false;
    const previous = amendment.version - 1;
    const { rows } = await this.client.query<SessionRow>(
      `${SELECT} WHERE s.client_key = $1 AND s.session_id = $2 AND s.version = $3 AND s.voided_at IS NULL FOR UPDATE OF s`,
      [key, next.session_id, previous]);
    const row = rows[0];
    if (!row) return false;
    const current = this.session(row);
    const kept = this.versionSealer(key, next.session_id, previous);
    await this.client.query(
      `INSERT INTO session_versions (client_key, session_id, version, "timestamp", emotional_score, session_duration_minutes,
         has_crisis_flags, amended_at, amended_by, amend_reason, addendum, ${SEALED_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${SEALED_COLUMNS.map((_, index) => `$${index + 12}`).join(', ')})`,
      [key, next.session_id, previous, row.timestamp, row.emotional_score, row.session_duration_minutes,
        current.crisis_flags.length > 0, row.amended_at, row.amended_by,
        kept.sealOrNull('amend_reason', this.sealer(key, next.session_id).openOrNull('amend_reason', row.amend_reason)),
        row.addendum, ...sealContent(kept, current)]);
    const sealer = this.sealer(key, next.session_id);
    const { rowCount } = await this.client.query(
      `UPDATE sessions SET "timestamp" = $4, emotional_score = $5, session_duration_minutes = $6, has_crisis_flags = $7,
         version = $8, amended_at = $9, amended_by = $10, amend_reason = $11, addendum = $12,
         ${SEALED_COLUMNS.map((column, index) => `${column} = $${index + 13}`).join(', ')}
        WHERE client_key = $1 AND session_id = $2 AND version = $3 AND voided_at IS NULL`,
      [key, next.session_id, previous, next.timestamp, next.emotional_score, next.session_duration_minutes,
        next.crisis_flags.length > 0, amendment.version, amendment.amended_at, amendment.amended_by,
        sealer.seal('amend_reason', amendment.amend_reason), amendment.addendum, ...sealContent(sealer, next)]);
    // The row is locked and was just read in this state: anything else is a broken lock.
    if (rowCount !== 1) throw new Error(`session ${next.session_id} changed under its lock`);
    return true;
  }

  private versionSealer(key: string, sessionId: string, version: number): RowSealer {
    return new RowSealer(this.cipher, 'session_versions', [key, sessionId, version]);
  }

  private sealer(key: string, sessionId: string): RowSealer {
    return new RowSealer(this.cipher, 'sessions', [key, sessionId]);
  }

  private session(row: SessionRow): Session {
    return this.content(row, this.sealer(row.client_key, row.session_id));
  }

  private content(row: SessionRow, sealer: RowSealer): Session {
    const text = (column: SealedColumn) => sealer.open(column, row[column]);
    const json = <T>(column: SealedColumn) => JSON.parse(text(column)) as T;
    return {
      session_id: row.session_id,
      client_id: row.client_id,
      timestamp: row.timestamp.toISOString(),
      conversation_summary: text('conversation_summary'),
      emotional_state: moodOfScore(row.emotional_score),
      emotional_score: row.emotional_score,
      therapeutic_goals: json<string[]>('therapeutic_goals'),
      progress_notes: text('progress_notes'),
      therapist_observations: text('therapist_observations'),
      next_session_focus: text('next_session_focus'),
      session_duration_minutes: row.session_duration_minutes,
      techniques_used: json<string[]>('techniques_used'),
      homework_assigned: text('homework_assigned'),
      crisis_flags: json<string[]>('crisis_flags'),
      metadata: json<Record<string, string>>('metadata'),
    };
  }

  private state(row: SessionRow): SessionState {
    const sealer = this.sealer(row.client_key, row.session_id);
    return {
      version: row.version,
      amended_at: isoOrNull(row.amended_at),
      amended_by: row.amended_by,
      amend_reason: sealer.openOrNull('amend_reason', row.amend_reason),
      addendum: row.addendum,
      signed_at: isoOrNull(row.signed_at),
      signed_by: row.signed_by,
      voided_at: isoOrNull(row.voided_at),
      voided_by: row.voided_by,
      void_reason: sealer.openOrNull('void_reason', row.void_reason),
    };
  }
}

/** The content columns of a session, sealed to the row `sealer` is for, in SEALED_COLUMNS' order. */
export function sealContent(sealer: RowSealer, session: Omit<Session, 'session_id'>): Buffer[] {
  return SEALED_COLUMNS.map((column) => {
    const value = session[column];
    return sealer.seal(column, SEALED[column] === 'json' ? JSON.stringify(value) : value as string);
  });
}

/**
 * Every client with the figures of `tpt clients`, by id in byte order: the records of the clients
 * merged into one count as its own (as its reads follow the merge). Only plain columns are read.
 */
export async function clientSummaries(client: pg.ClientBase): Promise<ClientFigures[]> {
  const { rows } = await client.query<{
    client_id: string; created_at: Date; sessions: number; last_session: Date | null; last_crisis: Date | null;
    active_goals: number; average_goal_progress: number | null; open_risks: string[];
  }>(`
    WITH RECURSIVE keys (client_id, client_key) AS (
      SELECT client_id, client_key FROM clients WHERE client_id IS NOT NULL
      UNION ALL
      SELECT k.client_id, c.client_key FROM clients c JOIN keys k ON c.merged_into = k.client_key
    ),
    live AS (
      SELECT k.client_id, s."timestamp", s.has_crisis_flags
        FROM sessions s JOIN keys k ON k.client_key = s.client_key WHERE s.voided_at IS NULL
    )
    SELECT c.client_id, c.created_at,
           (SELECT count(*) FROM live s WHERE s.client_id = c.client_id)::int AS sessions,
           (SELECT max(s."timestamp") FROM live s WHERE s.client_id = c.client_id) AS last_session,
           (SELECT max(s."timestamp") FROM live s WHERE s.client_id = c.client_id AND s.has_crisis_flags) AS last_crisis,
           (SELECT count(*) FROM goals g JOIN keys k ON k.client_key = g.client_key
             WHERE k.client_id = c.client_id AND g.status = 'active')::int AS active_goals,
           (SELECT avg(g.completion_percentage) FROM goals g JOIN keys k ON k.client_key = g.client_key
             WHERE k.client_id = c.client_id AND g.status <> 'discontinued') AS average_goal_progress,
           ARRAY(SELECT r.kind FROM risks r JOIN keys k ON k.client_key = r.client_key
                  WHERE k.client_id = c.client_id AND r.status = 'open' ORDER BY r.kind COLLATE "C") AS open_risks
      FROM clients c
     WHERE c.client_id IS NOT NULL
     ORDER BY c.client_id COLLATE "C"`);
  return rows.map((row) => ({
    client_id: row.client_id,
    created_at: row.created_at.toISOString(),
    sessions: row.sessions,
    last_session: isoOrNull(row.last_session),
    last_crisis: isoOrNull(row.last_crisis),
    active_goals: row.active_goals,
    average_goal_progress: row.average_goal_progress === null ? null : Number(row.average_goal_progress),
    open_risks: row.open_risks,
  }));
}
