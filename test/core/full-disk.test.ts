import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, readLogged, takeUnloggedPortReads } from '../../src/core/audit.js';
import { listSessions, logSession } from '../../src/core/sessions.js';
import { openDatabase } from '../../src/db/connection.js';
import { SqliteRecordStore } from '../../src/db/engine.js';
import { readKeyFile } from '../../src/db/key-file.js';
import { Store } from '../../src/db/store.js';
import { FullError } from '../../src/store/errors.js';
import { Sandbox } from '../helpers.js';

/**
 * Defect 8: on a full disk every read failed, because each read appends an audit entry. SQLite's
 * max_page_count makes the database "full" at its present size, as a full disk would.
 */
let box: Sandbox;
let store: Store;
let records: SqliteRecordStore;
const who = { actor: 'tester', now: new Date('2026-03-01T10:00:00Z') };
const entries = () => records.read((tx) => tx.audit.entries(null));

beforeEach(async () => {
  box = new Sandbox();
  expect((await box.run(['init'])).code).toBe(0);
  store = new Store(openDatabase(box.dbPath, readKeyFile(box.keyPath)));
  records = new SqliteRecordStore(store);
  await logSession(records, { client_id: 'c1', conversation_summary: 'kept', emotional_state: 'neutral', timestamp: '2026-02-01T10:00:00Z' }, who);
  // Fill the last page of the log, then forbid any new page.
  store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true }) as number}`);
  for (let i = 0; ; i++) {
    try {
      await records.write((tx) => appendAudit(tx, { action: 'filler' }, who));
    } catch (error) {
      expect(error).toBeInstanceOf(FullError);
      break;
    }
    expect(i).toBeLessThan(10_000);
  }
});

afterEach(async () => {
  await records.close();
  box.cleanup();
});

describe('a read on a full disk', () => {
  it('goes ahead and hands back the audit entry it could not write', async () => {
    const before = (await entries()).length;
    expect(before).toBeGreaterThan(2); // init's, the session's and the fillers that fitted
    const sessions = await listSessions(records, 'c1', { start: null, end: new Date('2026-12-31T00:00:00Z') }, who);
    expect(sessions.map((session) => session.conversation_summary)).toEqual(['kept']);
    expect(await entries()).toHaveLength(before);
    expect(takeUnloggedPortReads(records)).toEqual([
      { action: 'session.list', client_id: 'c1', actor: 'tester', at: '2026-03-01T10:00:00.000Z' },
    ]);
    expect(takeUnloggedPortReads(records)).toEqual([]);
  });

  it('a write is still refused (a full store), and other failures of a read are not hidden', async () => {
    await expect(logSession(records, { client_id: 'c1', conversation_summary: 'new', emotional_state: 'neutral' }, who))
      .rejects.toMatchObject({ kind: 'full' });
    await expect(readLogged(records, { action: 'x' }, who, async () => {
      throw new Error('the read itself failed');
    })).rejects.toThrow('the read itself failed');
    expect(takeUnloggedPortReads(records)).toEqual([]);
  });
});
