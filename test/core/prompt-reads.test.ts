import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activeGoals, createGoal } from '../../src/core/goals.js';
import { logSession, techniquesOfClient } from '../../src/core/sessions.js';
import { openDatabase } from '../../src/db/connection.js';
import { SqliteRecordStore } from '../../src/db/engine.js';
import { readKeyFile } from '../../src/db/key-file.js';
import { Store } from '../../src/db/store.js';
import { Sandbox } from '../helpers.js';

/** Defect 7: the prompts of `log-session -i` and `goal update` showed a client's goals and techniques unlogged. */
let box: Sandbox;
let store: Store;
const who = { actor: 'clinician', now: new Date('2026-03-01T10:00:00Z') };

beforeEach(async () => {
  box = new Sandbox();
  expect((await box.run(['init'])).code).toBe(0);
  store = new Store(openDatabase(box.dbPath, readKeyFile(box.keyPath)));
  await createGoal(new SqliteRecordStore(store), { client_id: 'c1', goal_id: 'g1', description: 'Sleep' }, who);
  await logSession(new SqliteRecordStore(store), { client_id: 'c1', conversation_summary: 'x', emotional_state: 'neutral', techniques_used: ['CBT'] }, who);
});

afterEach(() => {
  store.close();
  box.cleanup();
});

const lastEntry = () => store.lastAuditEntry()!;

describe('the choices of an interactive prompt are reads, and logged', () => {
  it("a client's active goals: goal.list", async () => {
    expect((await activeGoals(new SqliteRecordStore(store), 'c1', who)).map((goal) => goal.goal_id)).toEqual(['g1']);
    expect(lastEntry()).toMatchObject({ action: 'goal.list', client_id: 'c1', actor: 'clinician', outcome: 'ok' });
  });

  it("a client's techniques: technique.list", async () => {
    expect(await techniquesOfClient(new SqliteRecordStore(store), 'c1', who)).toEqual(['CBT']);
    expect(lastEntry()).toMatchObject({ action: 'technique.list', client_id: 'c1', actor: 'clinician', outcome: 'ok' });
  });
});
