import type pg from 'pg';
import type { RiskEvent, RiskRow } from '../domain/records.js';
import { clientKeyOf, clientKeysOf, currentClientId, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { isoOrNull, RowSealer } from './sealer.js';

/**
 * The risks of the port on PostgreSQL: kinds, statuses and times plain (the open risks of every
 * client are queried by them), the resolution note and each event's flag and note sealed.
 */

interface Row {
  client_key: string;
  client_id: string;
  kind: string;
  status: 'open' | 'resolved';
  opened_at: Date;
  last_flagged_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: Buffer | null;
}

interface EventRow {
  seq: number;
  event: RiskEvent['event'];
  at: Date;
  source_type: string | null;
  source_id: string | null;
  flag: Buffer | null;
  note: Buffer;
  actor: string;
  recorded_at: Date;
}

const SELECT = `SELECT r.*, ${currentClientId('r.client_key')} AS client_id FROM risks r`;

export class PgRisks {
  constructor(private readonly client: pg.ClientBase, private readonly cipher: FieldCipher) {}

  /**
   * A client's risk of a kind is the one under its own key: a client merged into it keeps its
   * risks under its key (listed by `ofClient`), as SQLite keeps them apart until a merge.
   */
  async get(clientId: string, kind: string, lock = false): Promise<RiskRow | undefined> {
    const key = await clientKeyOf(this.client, clientId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<Row>(
      `${SELECT} WHERE r.client_key = $1 AND r.kind = $2${lock ? ' FOR UPDATE OF r' : ''}`, [key, kind]);
    return rows[0] && this.risk(rows[0]);
  }

  async ofClient(clientId: string, openOnly: boolean): Promise<RiskRow[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<Row>(
      `${SELECT} WHERE r.client_key = ANY ($1::uuid[])${openOnly ? ` AND r.status = 'open'` : ''}
        ORDER BY r.status = 'resolved', r.last_flagged_at DESC, r.kind COLLATE "C"`, [keys]);
    return rows.map((row) => this.risk(row));
  }

  async events(clientId: string, kind: string): Promise<RiskEvent[]> {
    const key = await clientKeyOf(this.client, clientId);
    if (key === undefined) return [];
    const { rows } = await this.client.query<EventRow>(
      'SELECT * FROM risk_events WHERE client_key = $1 AND kind = $2 ORDER BY seq', [key, kind]);
    return rows.map((row) => {
      const sealer = new RowSealer(this.cipher, 'risk_events', [key, kind, row.seq]);
      return {
        event: row.event, at: row.at.toISOString(), source_type: row.source_type, source_id: row.source_id,
        flag: sealer.openOrNull('flag', row.flag), note: sealer.open('note', row.note), actor: row.actor,
        recorded_at: row.recorded_at.toISOString(),
      };
    });
  }

  async insert(risk: RiskRow): Promise<void> {
    const key = await requireClientKey(this.client, risk.client_id);
    await this.client.query(
      `INSERT INTO risks (client_key, kind, status, opened_at, last_flagged_at, resolved_at, resolved_by, resolution_note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [key, risk.kind, risk.status, risk.opened_at, risk.last_flagged_at, risk.resolved_at, risk.resolved_by,
        this.sealer(key, risk.kind).sealOrNull('resolution_note', risk.resolution_note)]);
  }

  async update(risk: RiskRow): Promise<void> {
    const key = await requireClientKey(this.client, risk.client_id);
    await this.client.query(
      `UPDATE risks SET status = $3, opened_at = $4, last_flagged_at = $5, resolved_at = $6, resolved_by = $7, resolution_note = $8
        WHERE client_key = $1 AND kind = $2`,
      [key, risk.kind, risk.status, risk.opened_at, risk.last_flagged_at, risk.resolved_at, risk.resolved_by,
        this.sealer(key, risk.kind).sealOrNull('resolution_note', risk.resolution_note)]);
  }

  /** The risk's row is locked first, so the next seq is decided by one writer at a time. */
  async appendEvent(clientId: string, kind: string, event: RiskEvent): Promise<void> {
    const key = await requireClientKey(this.client, clientId);
    await this.client.query('SELECT 1 FROM risks WHERE client_key = $1 AND kind = $2 FOR UPDATE', [key, kind]);
    const { rows } = await this.client.query<{ seq: number }>(
      'SELECT coalesce(max(seq), 0) + 1 AS seq FROM risk_events WHERE client_key = $1 AND kind = $2', [key, kind]);
    const seq = rows[0]!.seq;
    const sealer = new RowSealer(this.cipher, 'risk_events', [key, kind, seq]);
    await this.client.query(
      `INSERT INTO risk_events (client_key, kind, seq, event, at, source_type, source_id, flag, note, actor, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [key, kind, seq, event.event, event.at, event.source_type, event.source_id, sealer.sealOrNull('flag', event.flag),
        sealer.seal('note', event.note), event.actor, event.recorded_at]);
  }

  private sealer(key: string, kind: string): RowSealer {
    return new RowSealer(this.cipher, 'risks', [key, kind]);
  }

  private risk(row: Row): RiskRow {
    return {
      client_id: row.client_id, kind: row.kind, status: row.status, opened_at: row.opened_at.toISOString(),
      last_flagged_at: row.last_flagged_at.toISOString(), resolved_at: isoOrNull(row.resolved_at), resolved_by: row.resolved_by,
      resolution_note: this.sealer(row.client_key, row.kind).openOrNull('resolution_note', row.resolution_note),
    };
  }
}
