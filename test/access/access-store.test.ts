import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessRefusedError, asCaller } from '../../src/core/access-store.js';
import { listAccessLog } from '../../src/core/access-log.js';
import { listClients } from '../../src/core/clients.js';
import { NotFoundError } from '../../src/core/errors.js';
import { listSessions, logSession } from '../../src/core/sessions.js';
import { showSessionDetail } from '../../src/core/session-corrections.js';
import { openSqliteStore, type SqliteRecordStore } from '../../src/db/engine.js';
import type { AccountRole } from '../../src/store/port-practice.js';

/**
 * Core's checks (src/core/access-store.ts) on the SQLite engine, which has no second layer: what
 * a caller of each role may list, read and write, that refusals read as a record that never
 * was, that every audit entry names the account, and that a method no rule names is closed.
 * The PostgreSQL property test (test/pg/access-property.test.ts) covers the random cases.
 */

const T0 = '2026-03-01T09:00:00.000Z';
const who = { actor: 'terminal-user', now: new Date('2026-03-02T10:00:00Z') };
const ALWAYS = { start: null, end: new Date('2027-01-01T00:00:00Z') };
let dir: string;
let records: SqliteRecordStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpt-access-'));
  records = openSqliteStore(join(dir, 'tpt.db'), { kind: 'raw', hex: 'cd'.repeat(32) }, { create: true });
  for (const client of ['c1', 'c2']) {
    await logSession(records, { client_id: client, session_id: `s-${client}`, timestamp: T0, emotional_state: 0, conversation_summary: `text of ${client}` }, who);
  }
  const accounts: [string, AccountRole][] = [['dana', 'clinician'], ['lee', 'practice_manager'], ['aud', 'auditor']];
  await records.write(async (tx) => {
    for (const [id, role] of accounts) await tx.practice.insertAccount({ account_id: id, role, password_hash: null, created_at: T0, disabled_at: null });
    await tx.practice.assign({ account_id: 'dana', client_id: 'c1', assigned_at: T0 });
  });
});

afterAll(async () => {
  await records.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('core\'s access checks (asCaller)', () => {
  it('a clinician lists, reads and writes their caseload only', async () => {
    const dana = asCaller(records, 'dana');
    expect((await listClients(dana, who)).map((row) => row.client_id)).toEqual(['c1']);
    expect((await listSessions(dana, 'c1', ALWAYS, who)).map((row) => row.session_id)).toEqual(['s-c1']);
    await logSession(dana, { client_id: 'c1', session_id: 's-new', timestamp: T0, emotional_state: 1, conversation_summary: 'more' }, who);
  });

  it('refuses another caseload\'s records in the words it gives a record that never was', async () => {
    const dana = asCaller(records, 'dana');
    const hidden = await showSessionDetail(dana, 's-c2', false, who).catch((error: Error) => error);
    const never = await showSessionDetail(dana, 's-zz', false, who).catch((error: Error) => error);
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect((hidden as Error).message.replace('s-c2', 's-zz')).toBe((never as Error).message);
    const list = await listSessions(dana, 'c2', ALWAYS, who).catch((error: Error) => error);
    const none = await listSessions(dana, 'c9', ALWAYS, who).catch((error: Error) => error);
    expect((list as Error).message.replace('c2', 'c9')).toBe((none as Error).message);
    const write = await logSession(dana, { client_id: 'c2', session_id: 's-bad', timestamp: T0, emotional_state: 1, conversation_summary: 'no' }, who)
      .catch((error: Error) => error);
    expect(write).toBeInstanceOf(AccessRefusedError);
    expect(await records.read((tx) => tx.sessions.get('s-bad'))).toBeUndefined();
  });

  it('the practice manager sees the clients, without their figures, and reads no clinical text', async () => {
    const lee = asCaller(records, 'lee');
    const listed = await listClients(lee, who);
    expect(listed.map((row) => [row.client_id, row.sessions, row.last_session])).toEqual([['c1', 0, null], ['c2', 0, null]]);
    await expect(listSessions(lee, 'c1', ALWAYS, who)).rejects.toBeInstanceOf(AccessRefusedError);
  });

  it('names the account in every audit entry, whatever actor the terminal gave', async () => {
    const entries = await records.read((tx) => tx.audit.entries('c1'));
    expect(entries.filter((entry) => entry.action === 'session.create').map((entry) => entry.actor)).toEqual(['terminal-user', 'dana']);
    expect(entries.filter((entry) => entry.action === 'session.list').map((entry) => entry.actor)).toContain('dana');
  });

  it('opens the access log to the practice manager and the auditor alone', async () => {
    for (const reader of ['lee', 'aud']) {
      const log = await listAccessLog(asCaller(records, reader), 'c1', ALWAYS, who);
      expect(log.map((entry) => [entry.actor, entry.access, entry.action])).toContainEqual(['dana', 'write', 'session.create']);
      expect(JSON.stringify(log)).not.toMatch(/text of|more/);
    }
    await expect(listAccessLog(asCaller(records, 'dana'), 'c1', ALWAYS, who)).rejects.toBeInstanceOf(AccessRefusedError);
  });

  it('closes a method no rule names, and refuses an unknown account everything', async () => {
    await expect(asCaller(records, 'lee').write((tx) => tx.exchange.beginBulk())).rejects.toBeInstanceOf(AccessRefusedError);
    expect(await listClients(asCaller(records, 'ghost'), who)).toEqual([]);
    await expect(showSessionDetail(asCaller(records, 'ghost'), 's-c1', false, who)).rejects.toBeInstanceOf(NotFoundError);
  });
});
