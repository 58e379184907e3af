import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { migrate } from '../../src/pg/migrate.js';
import { PgRecordStore } from '../../src/pg/record-store.js';
import { DamagedError } from '../../src/store/errors.js';
import { useTestDatabase } from '../support/postgres.js';

/**
 * What the PostgreSQL engine writes through the port, as the database's administrator sees it:
 * no word of the notes in any table, and a ciphertext moved to another row fails on read.
 */
const database = useTestDatabase();
let db: PgPool;
let store: PgRecordStore;

const WORDS = {
  conversation_summary: 'Nightmares about the flood returned',
  progress_notes: 'Grounding worked twice this week',
  therapist_observations: 'Flinched whenever thunder rumbled',
  next_session_focus: 'Imaginal rescripting',
  homework_assigned: 'Sleep diary nightly',
};

beforeAll(async () => {
  db = await openPool(database.url());
  await migrate(db);
  store = new PgRecordStore(db, [fieldKeyFrom({ kind: 'raw', hex: '3c'.repeat(32) })]);
  await store.write(async (tx) => {
    await tx.clients.ensure('mara', '2026-03-01T09:00:00.000Z');
    for (const sessionId of ['S1', 'S2']) {
      await tx.sessions.insert({
        session_id: sessionId, client_id: 'mara', timestamp: '2026-03-01T09:30:00.000Z', ...WORDS,
        emotional_state: 'negative', emotional_score: -1, therapeutic_goals: ['quieter nights'],
        session_duration_minutes: 50, techniques_used: ['rescripting'], crisis_flags: ['hopelessness'], metadata: { room: 'harbour' },
      });
      await tx.audit.append({
        at: '2026-03-01T09:31:00.000Z', actor: 'dr', action: 'session.create', client_id: 'mara', object_id: sessionId, outcome: 'ok',
      });
    }
    await tx.goals.insert({
      goal_id: 'G1', client_id: 'mara', description: 'Sleeping through stormy nights', target_date: null, completion_percentage: 0,
      status: 'active', milestones: [], notes: 'begin with earplugs', created_at: '2026-03-01T09:00:00.000Z', updated_at: '2026-03-01T09:00:00.000Z',
    });
    await tx.goals.appendHistory('G1', { at: '2026-03-01T09:00:00.000Z', completion_percentage: 0, status: 'active', note: 'thunderstorm plan agreed', actor: 'dr' });
    const { session: first } = (await tx.sessions.lock('S1'))!;
    await tx.sessions.amend({ ...first, conversation_summary: 'Lighthouse memories surfaced instead' }, {
      version: 2, amended_at: '2026-03-01T10:00:00.000Z', amended_by: 'dr', amend_reason: 'confused the harbour visit', addendum: false,
    });
    await tx.milestones.insert({
      milestone_id: 'M1', goal_id: 'G1', client_id: 'mara', description: 'Slept through a gale', achieved_date: '2026-03-01', significance: 'high',
    }, '2026-03-01T09:00:00.000Z');
    await tx.milestones.setVoided('M1', { at: '2026-03-02T09:00:00.000Z', by: 'dr', reason: 'recorded against the wrong fortnight' });
    await tx.measures.insert({
      measure_id: 'Q1', client_id: 'mara', measure: 'phq9', timestamp: '2026-03-01T09:30:00.000Z', session_id: 'S1',
      items: [1, 1, 2, 1, 0, 1, 1, 0, 0], total: 7, created_at: '2026-03-01T09:30:00.000Z',
    });
    await tx.measures.amend({
      measure_id: 'Q1', client_id: 'mara', measure: 'phq9', timestamp: '2026-03-01T09:30:00.000Z', session_id: 'S1',
      items: [1, 1, 2, 1, 0, 1, 1, 0, 1], total: 8, created_at: '2026-03-01T09:30:00.000Z',
    }, { version: 2, amended_at: '2026-03-01T11:00:00.000Z', amended_by: 'dr', amend_reason: 'ninth answer transcribed wrongly' });
    await tx.measures.amend({
      measure_id: 'Q1', client_id: 'mara', measure: 'phq9', timestamp: '2026-03-01T09:30:00.000Z', session_id: 'S1',
      items: [1, 1, 2, 1, 0, 1, 1, 0, 2], total: 9, created_at: '2026-03-01T09:30:00.000Z',
    }, { version: 3, amended_at: '2026-03-01T12:00:00.000Z', amended_by: 'dr', amend_reason: 'checked against paper again' });
    await tx.measures.setVoided('Q1', { at: '2026-03-02T09:00:00.000Z', by: 'dr', reason: 'questionnaire belonged elsewhere' });
    await tx.risks.insert({
      client_id: 'mara', kind: 'self_harm', status: 'resolved', opened_at: '2026-03-01T09:30:00.000Z', last_flagged_at: '2026-03-01T09:30:00.000Z',
      resolved_at: '2026-03-02T09:30:00.000Z', resolved_by: 'dr', resolution_note: 'safety plan rehearsed with sister',
    });
    await tx.risks.appendEvent('mara', 'self_harm', {
      event: 'opened', at: '2026-03-01T09:30:00.000Z', source_type: 'session', source_id: 'S1', flag: 'burning forearms',
      note: '', actor: 'dr', recorded_at: '2026-03-01T09:30:00.000Z',
    });
    await tx.risks.appendEvent('mara', 'self_harm', {
      event: 'resolved', at: '2026-03-02T09:30:00.000Z', source_type: null, source_id: null, flag: null,
      note: 'safety plan rehearsed with sister', actor: 'dr', recorded_at: '2026-03-02T09:30:00.000Z',
    });
    await tx.sessions.setVoided('S2', { at: '2026-03-02T09:00:00.000Z', by: 'dr', reason: 'duplicate, mistyped flood notes' });
  });
});
afterAll(async () => store?.close());

it('leaves no word of the notes in any table, in clear or as hex', async () => {
  const tables = ['sessions', 'session_versions', 'goals', 'milestones', 'measures', 'measure_versions', 'risks', 'risk_events', 'goal_history', 'audit_log', 'clients', 'record_ids'];
  const dump = (await Promise.all(tables.map(async (table) =>
    (await db.pool.query(`SELECT t::text AS line FROM ${table} t`)).rows.map((row) => row.line as string).join('\n')))).join('\n').toLowerCase();
  expect(dump).toContain('mara'); // ids stay in clear
  const words = [...Object.values(WORDS), 'quieter nights', 'rescripting', 'hopelessness', 'harbour', 'Sleeping through stormy nights',
    'begin with earplugs', 'thunderstorm plan agreed', 'duplicate, mistyped flood notes',
    'Lighthouse memories surfaced instead', 'confused the harbour visit', 'Slept through a gale', 'recorded against the wrong fortnight',
    'ninth answer transcribed wrongly', 'checked against paper again', 'questionnaire belonged elsewhere',
    'safety plan rehearsed with sister', 'burning forearms'].flatMap((text) => text.match(/[a-z]{5,}/gi) ?? []);
  expect(words.length).toBeGreaterThan(25);
  for (const word of words) {
    expect(dump, word).not.toContain(word.toLowerCase());
    expect(dump, word).not.toContain(Buffer.from(word.toLowerCase()).toString('hex'));
  }
});

it('reads back as written, and refuses a summary moved from another session', async () => {
  expect((await store.read((tx) => tx.sessions.get('S2')))!.state.void_reason).toBe('duplicate, mistyped flood notes');
  expect((await store.read((tx) => tx.milestones.get('M1')))).toMatchObject({
    description: 'Slept through a gale', void_reason: 'recorded against the wrong fortnight',
  });
  expect((await store.read((tx) => tx.risks.get('mara', 'self_harm')))!.resolution_note).toBe('safety plan rehearsed with sister');
  expect((await store.read((tx) => tx.risks.events('mara', 'self_harm'))).map((event) => event.flag ?? event.note))
    .toEqual(['burning forearms', 'safety plan rehearsed with sister']);
  expect((await store.read((tx) => tx.measures.get('Q1')))!.state).toMatchObject({
    amend_reason: 'checked against paper again', void_reason: 'questionnaire belonged elsewhere',
  });
  expect((await store.read((tx) => tx.measures.versions('Q1'))).map((version) => version.amend_reason))
    .toEqual([null, 'ninth answer transcribed wrongly']);
  expect((await store.read((tx) => tx.sessions.versions('S1')))[0]!.conversation_summary).toBe(WORDS.conversation_summary);
  await db.pool.query(`UPDATE sessions s SET conversation_summary = o.conversation_summary
                         FROM sessions o WHERE s.session_id = 'S1' AND o.session_id = 'S2'`);
  await expect(store.read((tx) => tx.sessions.get('S1'))).rejects.toThrow(DamagedError);
});

it('refuses a current summary moved into a kept version (its table and version are bound in)', async () => {
  expect(await store.read((tx) => tx.sessions.versions('S1'))).toHaveLength(1);
  await db.pool.query(`UPDATE session_versions v SET conversation_summary = s.conversation_summary
                         FROM sessions s WHERE v.session_id = 'S1' AND s.session_id = 'S2'`);
  await expect(store.read((tx) => tx.sessions.versions('S1'))).rejects.toThrow(DamagedError);
});
