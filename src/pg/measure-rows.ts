import type pg from 'pg';
import type { Measure, MeasureKind, MeasureState, MeasureVersion } from '../domain/records.js';
import { NotFoundError } from '../store/errors.js';
import type { MeasureAmendment, MeasureWithState, VoidMark } from '../store/port.js';
import { clientKeysOf, currentClientId, recordClientKey, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { isoOrNull, RowSealer } from './sealer.js';

/**
 * The measures of the port on PostgreSQL. Scores and item answers stay plain (they are what
 * trends query); the reasons of an amendment and of a void are sealed.
 */

interface MeasureRow {
  client_key: string;
  measure_id: string;
  client_id: string;
  measure: MeasureKind;
  timestamp: Date;
  session_id: string | null;
  items: (number | null)[] | null;
  total: number;
  created_at: Date;
  version: number;
  amended_at: Date | null;
  amended_by: string | null;
  amend_reason: Buffer | null;
  voided_at: Date | null;
  voided_by: string | null;
  void_reason: Buffer | null;
}

const SELECT = `SELECT m.*, ${currentClientId('m.client_key')} AS client_id FROM measures m`;

export class PgMeasures {
  constructor(private readonly client: pg.ClientBase, private readonly cipher: FieldCipher) {}

  async insert(measure: Measure): Promise<void> {
    const key = await this.keyFor(measure);
    // The id is claimed first: two writers of one id collide on record_ids' primary key.
    await this.client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('measure', $1, $2)`, [measure.measure_id, key]);
    await this.client.query(
      `INSERT INTO measures (client_key, measure_id, measure, "timestamp", session_id, items, total, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [key, measure.measure_id, measure.measure, measure.timestamp, measure.session_id, measure.items, measure.total, measure.created_at]);
  }

  async get(measureId: string, lock = false): Promise<MeasureWithState | undefined> {
    const key = await recordClientKey(this.client, 'measure', measureId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<MeasureRow>(
      `${SELECT} WHERE m.client_key = $1 AND m.measure_id = $2${lock ? ' FOR UPDATE OF m' : ''}`, [key, measureId]);
    return rows[0] && this.withState(rows[0]);
  }

  async ofClient(clientId: string, includeVoid: boolean): Promise<MeasureWithState[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<MeasureRow>(
      `${SELECT} WHERE m.client_key = ANY ($1::uuid[])${includeVoid ? '' : ' AND m.voided_at IS NULL'}
        ORDER BY m."timestamp", m.created_at, m.measure_id COLLATE "C"`, [keys]);
    return rows.map((row) => this.withState(row));
  }

  async versions(measureId: string): Promise<MeasureVersion[]> {
    const key = await recordClientKey(this.client, 'measure', measureId);
    if (key === undefined) return [];
    const { rows } = await this.client.query<MeasureRow>(
      'SELECT * FROM measure_versions WHERE client_key = $1 AND measure_id = $2 ORDER BY version', [key, measureId]);
    return rows.map((row) => ({
      version: row.version, timestamp: row.timestamp.toISOString(), session_id: row.session_id, items: row.items, total: row.total,
      amended_at: isoOrNull(row.amended_at), amended_by: row.amended_by,
      amend_reason: this.versionSealer(key, measureId, row.version).openOrNull('amend_reason', row.amend_reason),
    }));
  }

  async setVoided(measureId: string, mark: VoidMark | null): Promise<boolean> {
    const key = await recordClientKey(this.client, 'measure', measureId);
    if (key === undefined) return false;
    const guard = mark ? 'voided_at IS NULL' : 'voided_at IS NOT NULL';
    const { rowCount } = await this.client.query(
      `UPDATE measures SET voided_at = $3, voided_by = $4, void_reason = $5 WHERE client_key = $1 AND measure_id = $2 AND ${guard}`,
      [key, measureId, mark?.at ?? null, mark?.by ?? null, this.sealer(key, measureId).sealOrNull('void_reason', mark?.reason ?? null)]);
    return rowCount === 1;
  }

  /**
   * The current version goes to measure_versions first, its sealed reason opened and sealed again
   * to the new row (a ciphertext is bound to its table and row); then the measure takes `next`.
   * Both under the row's lock, guarded on the version and the void.
   */
  async amend(next: Measure, amendment: MeasureAmendment): Promise<boolean> {
    const key = await recordClientKey(this.client, 'measure', next.measure_id);
    if (key === undefined) return false;
    const previous = amendment.version - 1;
    const { rows } = await this.client.query<MeasureRow>(
      'SELECT * FROM measures WHERE client_key = $1 AND measure_id = $2 AND version = $3 AND voided_at IS NULL FOR UPDATE',
      [key, next.measure_id, previous]);
    const row = rows[0];
    if (!row) return false;
    if (next.session_id !== null && await recordClientKey(this.client, 'session', next.session_id) !== key) {
      throw new NotFoundError(`no session "${next.session_id}" of the measure's client: see the client's sessions for the ids`);
    }
    await this.client.query(
      `INSERT INTO measure_versions (client_key, measure_id, version, "timestamp", session_id, items, total, amended_at, amended_by, amend_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [key, next.measure_id, previous, row.timestamp, row.session_id, row.items, row.total, row.amended_at, row.amended_by,
        this.versionSealer(key, next.measure_id, previous).sealOrNull('amend_reason',
          this.sealer(key, next.measure_id).openOrNull('amend_reason', row.amend_reason))]);
    await this.client.query(
      `UPDATE measures SET "timestamp" = $3, session_id = $4, items = $5, total = $6,
         version = $7, amended_at = $8, amended_by = $9, amend_reason = $10
        WHERE client_key = $1 AND measure_id = $2`,
      [key, next.measure_id, next.timestamp, next.session_id, next.items, next.total, amendment.version, amendment.amended_at,
        amendment.amended_by, this.sealer(key, next.measure_id).seal('amend_reason', amendment.amend_reason)]);
    return true;
  }

  /**
   * A measure lives under its session's key when it has one (the foreign key holds both), else
   * its client's; either must be the named client's, or merged into it.
   */
  private async keyFor(measure: Measure): Promise<string> {
    if (measure.session_id === null) return requireClientKey(this.client, measure.client_id);
    const key = await recordClientKey(this.client, 'session', measure.session_id);
    if (key === undefined || !(await clientKeysOf(this.client, measure.client_id)).includes(key)) {
      throw new NotFoundError(`no session "${measure.session_id}" of client "${measure.client_id}": see the client's sessions for the ids`);
    }
    return key;
  }

  private sealer(key: string, measureId: string): RowSealer {
    return new RowSealer(this.cipher, 'measures', [key, measureId]);
  }

  private versionSealer(key: string, measureId: string, version: number): RowSealer {
    return new RowSealer(this.cipher, 'measure_versions', [key, measureId, version]);
  }

  private withState(row: MeasureRow): MeasureWithState {
    const sealer = this.sealer(row.client_key, row.measure_id);
    const measure: Measure = {
      measure_id: row.measure_id, client_id: row.client_id, measure: row.measure, timestamp: row.timestamp.toISOString(),
      session_id: row.session_id, items: row.items, total: row.total, created_at: row.created_at.toISOString(),
    };
    const state: MeasureState = {
      version: row.version, amended_at: isoOrNull(row.amended_at), amended_by: row.amended_by,
      amend_reason: sealer.openOrNull('amend_reason', row.amend_reason),
      voided_at: isoOrNull(row.voided_at), voided_by: row.voided_by, void_reason: sealer.openOrNull('void_reason', row.void_reason),
    };
    return { measure, state };
  }
}
