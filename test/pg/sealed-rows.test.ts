import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { FieldCipher, fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { fieldPlace } from '../../src/pg/field-place.js';
import { migrate } from '../../src/pg/migrate.js';
import { DamagedError } from '../../src/store/errors.js';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
const cipher = new FieldCipher([fieldKeyFrom({ kind: 'raw', hex: '5a'.repeat(32) })]);
const CLIENT = '44444444-4444-4444-8444-444444444444';
const TEXT = {
  conversation_summary: 'Talked about the panic attacks on the tram',
  progress_notes: 'Breathing exercise helps within minutes',
  therapist_observations: 'Tearful when the brother came up',
  next_session_focus: 'Exposure hierarchy, first rung',
  homework_assigned: 'Ride two stops with the diary',
  therapeutic_goals: '["fewer panic attacks"]',
  techniques_used: '["interoceptive exposure"]',
  crisis_flags: '["passive si"]',
  metadata: '{"room":"blue"}',
} as const;
type Column = keyof typeof TEXT;

let db: PgPool;
beforeAll(async () => {
  db = await openPool(database.url());
  await migrate(db, { partitions: 4 });
  await db.pool.query(`INSERT INTO clients (client_key, client_id, created_at) VALUES ($1, 'mara', now())`, [CLIENT]);
  for (const sessionId of ['S1', 'S2']) {
    const sealed = (column: Column) => cipher.seal(`${TEXT[column]} (${sessionId})`, fieldPlace('sessions', column, [CLIENT, sessionId]));
    await db.pool.query(
      `INSERT INTO sessions (client_key, session_id, "timestamp", emotional_score, has_crisis_flags,
                             conversation_summary, progress_notes, therapist_observations, next_session_focus,
                             homework_assigned, therapeutic_goals, techniques_used, crisis_flags, metadata)
       VALUES ($1, $2, '2026-03-01T09:30:00.000Z', -1, true, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [CLIENT, sessionId, ...(Object.keys(TEXT) as Column[]).map(sealed)]);
  }
});
afterAll(async () => {
  await db?.pool.end();
});

const open = async (sessionId: string, column: Column): Promise<string> => {
  const row = (await db.pool.query(`SELECT ${column} AS value FROM sessions WHERE client_key = $1 AND session_id = $2`, [CLIENT, sessionId])).rows[0];
  return cipher.open(row.value as Buffer, fieldPlace('sessions', column, [CLIENT, sessionId]));
};

describe('sealed session rows in PostgreSQL', () => {
  it('read back as written', async () => {
    expect(await open('S1', 'conversation_summary')).toBe('Talked about the panic attacks on the tram (S1)');
    expect(await open('S2', 'crisis_flags')).toBe('["passive si"] (S2)');
  });

  it('show the administrator no word of the notes, in the tables or in a dump of every column as text', async () => {
    const dump = (await db.pool.query(`SELECT s::text AS line FROM sessions s`)).rows.map((row) => row.line as string).join('\n');
    expect(dump).toContain('S1'); // ids, times and moods stay in clear
    const words = Object.values(TEXT).flatMap((text) => text.match(/[a-z]{4,}/gi) ?? []);
    expect(words.length).toBeGreaterThan(20);
    for (const word of words) {
      expect(dump.toLowerCase()).not.toContain(word.toLowerCase());
      expect(dump.toLowerCase()).not.toContain(Buffer.from(word.toLowerCase()).toString('hex'));
    }
  });

  it('detect two ciphertexts swapped between rows, or between columns of one row, on read', async () => {
    await db.pool.query(
      `UPDATE sessions s SET conversation_summary = o.conversation_summary
         FROM sessions o WHERE s.client_key = o.client_key AND s.session_id = 'S1' AND o.session_id = 'S2'`);
    await expect(open('S1', 'conversation_summary')).rejects.toThrow(DamagedError);
    await db.pool.query(
      `UPDATE sessions SET progress_notes = homework_assigned WHERE client_key = $1 AND session_id = 'S2'`, [CLIENT]);
    await expect(open('S2', 'progress_notes')).rejects.toThrow(
      'the value of sessions.progress_notes in row ["44444444-4444-4444-8444-444444444444","S2"] fails its seal (altered, or moved from another row or column): restore it from a backup');
    // What was not moved still opens.
    expect(await open('S2', 'homework_assigned')).toBe('Ride two stops with the diary (S2)');
  });
});

describe('field places', () => {
  it('spell a row as its primary key in a JSON array, so that no two keys meet', () => {
    expect(fieldPlace('goal_history', 'note', [CLIENT, 'G1', 3])).toEqual({
      table: 'goal_history', column: 'note', row: '["44444444-4444-4444-8444-444444444444","G1",3]',
    });
    expect(fieldPlace('t', 'c', ['a/b', 'c']).row).not.toBe(fieldPlace('t', 'c', ['a', 'b/c']).row);
  });
});
