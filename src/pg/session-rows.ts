import type pg from 'pg';
import { moodOfScore, type ListedSession, type Session, type SessionState } from '../domain/records.js';
import type { SessionWithState, VoidMark } from '../store/port.js';
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
type SealedColumn = keyof typeof SEALED;
const SEALED_COLUMNS = Object.keys(SEALED) as SealedColumn[];

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
    await this.client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('session', $1, $2)`, [session.session_id, key]);
    const sealer = this.sealer(key, session.session_id);
    const sealed = SEALED_COLUMNS.map((column) => {
      const value = session[column];
      return sealer.seal(column, SEALED[column] === 'json' ? JSON.stringify(value) : value as string);
    });
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

  async ofClient(clientId: string, includeVoid: boolean): Promise<ListedSession[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<SessionRow>(
      `${SELECT} WHERE s.client_key = ANY ($1::uuid[])${includeVoid ? '' : ' AND s.voided_at IS NULL'}
        ORDER BY s."timestamp" DESC, s.session_id COLLATE "C" DESC`, [keys]);
    return rows.map((row) => ({
      ...this.session(row), version: row.version, signed_at: isoOrNull(row.signed_at), voided_at: isoOrNull(row.voided_at),
    }));
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

  private sealer(key: string, sessionId: string): RowSealer {
    return new RowSealer(this.cipher, 'sessions', [key, sessionId]);
  }

  private session(row: SessionRow): Session {
    const sealer = this.sealer(row.client_key, row.session_id);
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
