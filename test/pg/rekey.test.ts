import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { FieldCipher, envelopeKeyId, fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { fieldPlace } from '../../src/pg/field-place.js';
import { migrate } from '../../src/pg/migrate.js';
import { rekeyValues, sealedTables } from '../../src/pg/rekey.js';
import { DamagedError, WrongKeyError } from '../../src/store/errors.js';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
const damagedDb = useTestDatabase();
const OLD = fieldKeyFrom({ kind: 'raw', hex: '01'.repeat(32) });
const NEW = fieldKeyFrom({ kind: 'raw', hex: '02'.repeat(32) });
const CLIENT = '55555555-5555-4555-8555-555555555555';

/** Writes a small record sealed under `key`: 3 sessions, 2 goals with history, a risk with events. */
async function writeRecord(db: PgPool, key = OLD): Promise<void> {
  const cipher = new FieldCipher([key]);
  const seal = (table: string, column: string, pk: (string | number)[], text: string) => cipher.seal(text, fieldPlace(table, column, pk));
  await db.pool.query(`INSERT INTO clients (client_key, client_id, created_at) VALUES ($1, 'nora', now())`, [CLIENT]);
  const sessionColumns = ['conversation_summary', 'progress_notes', 'therapist_observations', 'next_session_focus',
    'homework_assigned', 'therapeutic_goals', 'techniques_used', 'crisis_flags', 'metadata'];
  for (const id of ['S1', 'S2', 'S3']) {
    await db.pool.query(
      `INSERT INTO sessions (client_key, session_id, "timestamp", emotional_score, has_crisis_flags, ${sessionColumns.join(', ')})
       VALUES ($1, $2, now(), 0, false, ${sessionColumns.map((_, i) => `$${i + 3}`).join(', ')})`,
      [CLIENT, id, ...sessionColumns.map((column) => seal('sessions', column, [CLIENT, id], `${column} of ${id}`))]);
  }
  for (const id of ['G1', 'G2']) {
    await db.pool.query(
      `INSERT INTO goals (client_key, goal_id, description, completion_percentage, status, notes, created_at, updated_at)
       VALUES ($1, $2, $3, 0, 'active', $4, now(), now())`,
      [CLIENT, id, seal('goals', 'description', [CLIENT, id], `sleep better (${id})`), seal('goals', 'notes', [CLIENT, id], '')]);
    for (const seq of [1, 2]) {
      await db.pool.query(
        `INSERT INTO goal_history (client_key, goal_id, seq, at, completion_percentage, status, note, actor)
         VALUES ($1, $2, $3, now(), 10, 'active', $4, 'dr b')`,
        [CLIENT, id, seq, seal('goal_history', 'note', [CLIENT, id, seq], `step ${seq}`)]);
    }
  }
  await db.pool.query(
    `INSERT INTO risks (client_key, kind, status, opened_at, last_flagged_at) VALUES ($1, 'self_harm', 'open', now(), now())`, [CLIENT]);
  await db.pool.query(
    `INSERT INTO risk_events (client_key, kind, seq, event, at, flag, note, actor, recorded_at)
     VALUES ($1, 'self_harm', 1, 'opened', now(), $2, $3, 'dr b', now())`,
    [CLIENT, seal('risk_events', 'flag', [CLIENT, 'self_harm', 1], 'cutting'), seal('risk_events', 'note', [CLIENT, 'self_harm', 1], 'from S2')]);
}

/** Every sealed value of the database opened with `cipher`, and the key ids they are under. */
async function openEverything(db: PgPool, cipher: FieldCipher): Promise<{ texts: string[]; keyIds: Record<string, number> }> {
  const texts: string[] = [];
  const keyIds: Record<string, number> = {};
  for (const { table, sealed, primaryKey } of await sealedTables(db)) {
    for (const row of (await db.pool.query(`SELECT * FROM ${table}`)).rows) {
      for (const column of sealed) {
        const value = row[column] as Buffer | null;
        if (value === null) continue;
        keyIds[envelopeKeyId(value)] = (keyIds[envelopeKeyId(value)] ?? 0) + 1;
        texts.push(cipher.open(value, fieldPlace(table, column, primaryKey.map((name) => row[name]))));
      }
    }
  }
  return { texts: texts.sort(), keyIds };
}

let db: PgPool;
let damaged: PgPool;
beforeAll(async () => {
  db = await openPool(database.url());
  damaged = await openPool(damagedDb.url());
  await migrate(db, { partitions: 2 });
  await migrate(damaged);
  await writeRecord(db);
  await writeRecord(damaged);
});
afterAll(async () => {
  await db?.pool.end();
  await damaged?.pool.end();
});

describe('rekey on PostgreSQL', () => {
  it('finds the sealed columns and primary keys in the catalogue, partitions left out', async () => {
    const tables = await sealedTables(db);
    expect(tables.map((table) => table.table)).toEqual([
      'courses', 'goal_edits', 'goal_history', 'goals', 'measure_versions', 'measures', 'milestone_edits', 'milestones',
      'risk_events', 'risks', 'session_versions', 'sessions',
    ]);
    expect(tables.find((table) => table.table === 'goal_history')).toEqual({
      table: 'goal_history', sealed: ['note'], primaryKey: ['client_key', 'goal_id', 'seq'],
    });
    expect(tables.find((table) => table.table === 'risk_events')!.sealed).toEqual(['flag', 'note']);
  });

  it('runs in batches; killed half-way, every value is under one of the two keys; run again, it finishes', async () => {
    const before = await openEverything(db, new FieldCipher([OLD]));
    // 3 sessions × 9 + 2 goals × 2 + 4 history notes + a risk event's flag and note.
    expect(before.keyIds).toEqual({ [OLD.id]: 37 });

    const rekeying = new FieldCipher([NEW, OLD]);
    let batches = 0;
    await expect(rekeyValues(db, rekeying, {
      batchSize: 1,
      onBatch: () => {
        if (++batches === 4) throw new Error('killed');
      },
    })).rejects.toThrow('killed');
    const halfway = await openEverything(db, rekeying);
    expect(halfway.texts).toEqual(before.texts);
    expect(halfway.keyIds[NEW.id]! + halfway.keyIds[OLD.id]!).toBe(37);
    expect(halfway.keyIds[NEW.id]).toBeGreaterThan(0);
    await expect(openEverything(db, new FieldCipher([NEW]))).rejects.toThrow(WrongKeyError);

    const rest = await rekeyValues(db, rekeying, { batchSize: 2 });
    const after = await openEverything(db, new FieldCipher([NEW]));
    expect(after.texts).toEqual(before.texts);
    expect(after.keyIds).toEqual({ [NEW.id]: 37 });
    // Rows, not values: 3 sessions, 2 goals, 4 history rows and 1 risk event, less the 4 done.
    expect(Object.values(rest).reduce((sum, rows) => sum + rows, 0)).toBe(10 - 4);
    expect(rest.risk_events).toBe(1);
    // Nothing left: a third run seals nothing.
    expect(Object.values(await rekeyValues(db, rekeying)).every((rows) => rows === 0)).toBe(true);
  });

  it('stops at a value that fails its seal, and writes nothing over it', async () => {
    const row = (await damaged.pool.query(`SELECT notes FROM goals WHERE goal_id = 'G1'`)).rows[0];
    const broken = Buffer.from(row.notes as Buffer);
    broken[broken.length - 1]! ^= 1;
    await damaged.pool.query(`UPDATE goals SET notes = $1 WHERE goal_id = 'G1'`, [broken]);
    await expect(rekeyValues(damaged, new FieldCipher([NEW, OLD]), { batchSize: 10 })).rejects.toThrow(DamagedError);
    const after = (await damaged.pool.query(`SELECT description, notes FROM goals WHERE goal_id = 'G1'`)).rows[0];
    expect(Buffer.compare(after.notes as Buffer, broken)).toBe(0);
    // The batch that met it rolled back whole: G1's description is still under the old key.
    expect(envelopeKeyId(after.description as Buffer)).toBe(OLD.id);
  });
});
