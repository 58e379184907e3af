import type pg from 'pg';
import type { Goal, GoalHistoryEntry, GoalStatus } from '../domain/records.js';
import type { GoalText, RecordEdit } from '../store/port.js';
import { clientKeysOf, currentClientId, recordClientKey, requireClientKey } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { RowSealer } from './sealer.js';

/** The goals of the port on PostgreSQL, with their progress history; words sealed. */

interface GoalRow {
  client_key: string;
  goal_id: string;
  client_id: string;
  description: Buffer;
  target_date: string | null;
  completion_percentage: number;
  status: GoalStatus;
  milestones: string[];
  notes: Buffer;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `
  SELECT g.*, ${currentClientId('g.client_key')} AS client_id,
         ARRAY(SELECT m.milestone_id FROM milestones m
                WHERE m.client_key = g.client_key AND m.goal_id = g.goal_id AND m.voided_at IS NULL
                ORDER BY m.achieved_date, m.created_at, m.milestone_id COLLATE "C") AS milestones
    FROM goals g`;

export class PgGoals {
  constructor(private readonly client: pg.ClientBase, private readonly cipher: FieldCipher) {}

  async insert(goal: Goal): Promise<void> {
    const key = await requireClientKey(this.client, goal.client_id);
    // The id is claimed first: two writers of one id collide on record_ids' primary key.
    await this.client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('goal', $1, $2)`, [goal.goal_id, key]);
    const sealer = new RowSealer(this.cipher, 'goals', [key, goal.goal_id]);
    await this.client.query(
      `INSERT INTO goals (client_key, goal_id, description, target_date, completion_percentage, status, notes, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [key, goal.goal_id, sealer.seal('description', goal.description), goal.target_date, goal.completion_percentage,
        goal.status, sealer.seal('notes', goal.notes), goal.created_at, goal.updated_at]);
  }

  async get(goalId: string, lock = false): Promise<Goal | undefined> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return undefined;
    const { rows } = await this.client.query<GoalRow>(
      `${SELECT} WHERE g.client_key = $1 AND g.goal_id = $2${lock ? ' FOR UPDATE OF g' : ''}`, [key, goalId]);
    return rows[0] && this.goal(rows[0]);
  }

  async ofClient(clientId: string): Promise<Goal[]> {
    const keys = await clientKeysOf(this.client, clientId);
    const { rows } = await this.client.query<GoalRow>(
      `${SELECT} WHERE g.client_key = ANY ($1::uuid[]) ORDER BY g.created_at, g.goal_id COLLATE "C"`, [keys]);
    return rows.map((row) => this.goal(row));
  }

  async history(goalId: string): Promise<GoalHistoryEntry[]> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return [];
    const { rows } = await this.client.query<{ seq: number; at: Date; completion_percentage: number; status: GoalStatus; note: Buffer; actor: string }>(
      'SELECT seq, at, completion_percentage, status, note, actor FROM goal_history WHERE client_key = $1 AND goal_id = $2 ORDER BY seq',
      [key, goalId]);
    return rows.map((row) => ({
      at: row.at.toISOString(),
      completion_percentage: row.completion_percentage,
      status: row.status,
      note: new RowSealer(this.cipher, 'goal_history', [key, goalId, row.seq]).open('note', row.note),
      actor: row.actor,
    }));
  }

  async appendHistory(goalId: string, entry: GoalHistoryEntry): Promise<void> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return;
    // The goal's row is locked before its last entry is read: a second appender waits here and
    // then reads this one's entry, so max(seq) + 1 never gives two entries one place.
    await this.client.query('SELECT 1 FROM goals WHERE client_key = $1 AND goal_id = $2 FOR UPDATE', [key, goalId]);
    const { rows } = await this.client.query<{ seq: number }>(
      'SELECT coalesce(max(seq), 0) + 1 AS seq FROM goal_history WHERE client_key = $1 AND goal_id = $2', [key, goalId]);
    const seq = rows[0]!.seq;
    await this.client.query(
      `INSERT INTO goal_history (client_key, goal_id, seq, at, completion_percentage, status, note, actor)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [key, goalId, seq, entry.at, entry.completion_percentage, entry.status,
        new RowSealer(this.cipher, 'goal_history', [key, goalId, seq]).seal('note', entry.note), entry.actor]);
  }

  async setProgress(goalId: string, percentage: number, status: GoalStatus, updatedAt: string): Promise<void> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return;
    await this.client.query(
      'UPDATE goals SET completion_percentage = $3, status = $4, updated_at = $5 WHERE client_key = $1 AND goal_id = $2',
      [key, goalId, percentage, status, updatedAt]);
  }

  async setText(goalId: string, text: GoalText, updatedAt: string): Promise<void> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return;
    const sealer = new RowSealer(this.cipher, 'goals', [key, goalId]);
    await this.client.query(
      'UPDATE goals SET description = $3, target_date = $4, notes = $5, updated_at = $6 WHERE client_key = $1 AND goal_id = $2',
      [key, goalId, sealer.seal('description', text.description), text.target_date, sealer.seal('notes', text.notes), updatedAt]);
  }

  async moveSetTime(goalId: string, setAt: string): Promise<void> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return;
    await this.client.query('UPDATE goals SET created_at = $3 WHERE client_key = $1 AND goal_id = $2', [key, goalId, setAt]);
    await this.client.query('UPDATE goal_history SET at = $3 WHERE client_key = $1 AND goal_id = $2 AND seq = 1', [key, goalId, setAt]);
  }

  async edits(goalId: string): Promise<RecordEdit[]> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return [];
    return readEdits(this.client, this.cipher, 'goal_edits', 'goal_id', key, goalId);
  }

  async appendEdit(goalId: string, edit: RecordEdit): Promise<void> {
    const key = await recordClientKey(this.client, 'goal', goalId);
    if (key === undefined) return;
    // Under the goal's lock, as its history: a second editor waits, then reads this one's place.
    await this.client.query('SELECT 1 FROM goals WHERE client_key = $1 AND goal_id = $2 FOR UPDATE', [key, goalId]);
    await insertEdit(this.client, this.cipher, 'goal_edits', 'goal_id', key, goalId, edit);
  }

  private goal(row: GoalRow): Goal {
    const sealer = new RowSealer(this.cipher, 'goals', [row.client_key, row.goal_id]);
    return {
      goal_id: row.goal_id,
      client_id: row.client_id,
      description: sealer.open('description', row.description),
      target_date: row.target_date,
      completion_percentage: row.completion_percentage,
      status: row.status,
      milestones: row.milestones,
      notes: sealer.open('notes', row.notes),
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
    };
  }
}

type EditTable = 'goal_edits' | 'milestone_edits';

/** The edit log of a goal or a milestone, oldest first; the reason and the changes sealed. */
export async function readEdits(
  client: pg.ClientBase, cipher: FieldCipher, table: EditTable, column: 'goal_id' | 'milestone_id', key: string, recordId: string,
): Promise<RecordEdit[]> {
  const { rows } = await client.query<{ seq: number; at: Date; actor: string; reason: Buffer; changes: Buffer }>(
    `SELECT seq, at, actor, reason, changes FROM ${table} WHERE client_key = $1 AND ${column} = $2 ORDER BY seq`, [key, recordId]);
  return rows.map((row) => {
    const sealer = new RowSealer(cipher, table, [key, recordId, row.seq]);
    return {
      at: row.at.toISOString(), actor: row.actor, reason: sealer.open('reason', row.reason),
      changes: JSON.parse(sealer.open('changes', row.changes)) as RecordEdit['changes'],
    };
  });
}

/** Appends an edit at the log's next place; call it with the record's row locked. */
export async function insertEdit(
  client: pg.ClientBase, cipher: FieldCipher, table: EditTable, column: 'goal_id' | 'milestone_id', key: string, recordId: string,
  edit: RecordEdit,
): Promise<void> {
  const { rows } = await client.query<{ seq: number }>(
    `SELECT coalesce(max(seq), 0) + 1 AS seq FROM ${table} WHERE client_key = $1 AND ${column} = $2`, [key, recordId]);
  const seq = rows[0]!.seq;
  const sealer = new RowSealer(cipher, table, [key, recordId, seq]);
  await client.query(
    `INSERT INTO ${table} (client_key, ${column}, seq, at, actor, reason, changes) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [key, recordId, seq, edit.at, edit.actor, sealer.seal('reason', edit.reason), sealer.seal('changes', JSON.stringify(edit.changes))]);
}
