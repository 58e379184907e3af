import type pg from 'pg';
import type { Milestone, MilestoneWithState, Significance } from '../domain/records.js';
import { NotFoundError } from '../store/errors.js';
import type { MilestoneFields, RecordEdit, VoidMark } from '../store/port.js';
import { insertEdit, readEdits } from './goal-rows.js';
import { clientKeysOf, currentClientId, recordClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { isoOrNull, RowSealer } from './sealer.js';

/** The milestones of the port on PostgreSQL: description and void reason sealed. */

interface MilestoneRow {
  client_key: string;
  milestone_id: string;
  goal_id: string;
  client_id: string;
  description: Buffer;
  achieved_date: string;
  significance: Significance;
  voided_at: Date | null;
  voided_by: string | null;
  void_reason: Buffer | null;
}

const SELECT = `SELECT m.*, m.achieved_date::text AS achieved_date, ${currentClientId('m.client_key')} AS client_id FROM milestones m`;
const ORDER = 'ORDER BY m.achieved_date, m.created_at, m.milestone_id COLLATE "C"';

export class PgMilestones {
  constructor(private readonly client: pg.ClientBase, private readonly cipher: FieldCipher) {}

  async insert(milestone: Milestone, createdAt: string): Promise<void> {
    // A milestone lives with its goal's rows, under the goal's key, whichever client the goal
    // has been merged into since; the goal must be the named client's (or merged into it).
    const key = await recordClientKey(this.client, 'goal', milestone.goal_id);
    if (key === undefined || !(await clientKeysOf(this.client, milestone.client_id)).includes(key)) {
      throw new NotFoundError(`no goal "${milestone.goal_id}" of client "${milestone.client_id}": see the client's goals for the ids`);
    }
    // The id is claimed first: two writers of one id collide on record_ids' primary key.
    await this.client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('milestone', $1, $2)`, [milestone.milestone_id, key]);
    await this.client.query(
      `INSERT INTO milestones (client_key, milestone_id, goal_id, description, achieved_date, significance, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [key, milestone.milestone_id, milestone.goal_id, this.sealer(key, milestone.milestone_id).seal('description', milestone.description),
        milestone.achieved_date, milestone.significance, createdAt]);
  }

  async get(milestoneId: string, lock = false): Promise<MilestoneWithState | undefined> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<MilestoneRow>(
      `${SELECT} WHERE m.client_key = $1 AND m.milestone_id = $2${lock ? ' FOR UPDATE OF m' : ''}`, [key, milestoneId]);
    return rows[0] && this.milestone(rows[0]);
  }

  async ofClient(clientId: string, options: { goalId?: string; includeVoid?: boolean }): Promise<MilestoneWithState[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<MilestoneRow>(
      `${SELECT} WHERE m.client_key = ANY ($1::uuid[]) AND ($2::text IS NULL OR m.goal_id = $2)
         ${options.includeVoid ? '' : 'AND m.voided_at IS NULL'} ${ORDER}`, [keys, options.goalId ?? null]);
    return rows.map((row) => this.milestone(row));
  }

  async setVoided(milestoneId: string, mark: VoidMark | null): Promise<boolean> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return false;
    const guard = mark ? 'voided_at IS NULL' : 'voided_at IS NOT NULL';
    const { rowCount } = await this.client.query(
      `UPDATE milestones SET voided_at = $3, voided_by = $4, void_reason = $5
        WHERE client_key = $1 AND milestone_id = $2 AND ${guard}`,
      [key, milestoneId, mark?.at ?? null, mark?.by ?? null, this.sealer(key, milestoneId).sealOrNull('void_reason', mark?.reason ?? null)]);
    return rowCount === 1;
  }

  async setFields(milestoneId: string, fields: MilestoneFields): Promise<void> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return;
    await this.client.query(
      'UPDATE milestones SET description = $3, achieved_date = $4, significance = $5 WHERE client_key = $1 AND milestone_id = $2',
      [key, milestoneId, this.sealer(key, milestoneId).seal('description', fields.description), fields.achieved_date, fields.significance]);
  }

  async recordedAt(milestoneId: string): Promise<string | undefined> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<{ created_at: Date }>(
      'SELECT created_at FROM milestones WHERE client_key = $1 AND milestone_id = $2', [key, milestoneId]);
    return rows[0]?.created_at.toISOString();
  }

  async edits(milestoneId: string): Promise<RecordEdit[]> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return [];
    return readEdits(this.client, this.cipher, 'milestone_edits', 'milestone_id', key, milestoneId);
  }

  async appendEdit(milestoneId: string, edit: RecordEdit): Promise<void> {
    const key = await recordClientKey(this.client, 'milestone', milestoneId);
    if (key === undefined) return;
    // Under the milestone's lock: a second editor waits, then reads this one's place.
    await this.client.query('SELECT 1 FROM milestones WHERE client_key = $1 AND milestone_id = $2 FOR UPDATE', [key, milestoneId]);
    await insertEdit(this.client, this.cipher, 'milestone_edits', 'milestone_id', key, milestoneId, edit);
  }

  private sealer(key: string, milestoneId: string): RowSealer {
    return new RowSealer(this.cipher, 'milestones', [key, milestoneId]);
  }

  private milestone(row: MilestoneRow): MilestoneWithState {
    const sealer = this.sealer(row.client_key, row.milestone_id);
    return {
      milestone_id: row.milestone_id, goal_id: row.goal_id, client_id: row.client_id,
      description: sealer.open('description', row.description), achieved_date: row.achieved_date, significance: row.significance,
      voided_at: isoOrNull(row.voided_at), voided_by: row.voided_by, void_reason: sealer.openOrNull('void_reason', row.void_reason),
    };
  }
}
