import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/pg/connect.js';
import { migrate } from '../../src/pg/migrate.js';
import { Sandbox } from '../helpers.js';
import { useTestDatabase } from '../support/postgres.js';

// `tpt migrate --to`: the database in use into PostgreSQL and into a new SQLite file, through the
// command line, and the JSON exports of source and target the same but for exported_at.

const database = useTestDatabase();
let box: Sandbox;
const NOW = { now: new Date('2026-03-10T12:00:00Z') };

async function ok(args: string[]): Promise<string> {
  const result = await box.run(args, NOW);
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const exportOf = async (db?: string) => (await ok([...(db ? ['--db', db] : []), 'export', '--all'])).split('\n').slice(1).join('\n');

beforeAll(async () => {
  const pool = await openPool(database.url());
  await migrate(pool);
  await pool.pool.end();
  box = new Sandbox();
  await ok(['init']);
  await ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep through', '--progress', '10']);
  await ok(['log-session', '--client', 'c1', '--id', 's1', '--at', '2026-03-02T09:30', '--summary', 'Intake, "quoted"\nline two',
    '--mood', 'negative', '--goal', 'g1', '--crisis-flag', 'self_harm', '--meta', 'room=a']);
  await ok(['log-session', '--client', 'c1', '--id', 's2', '--at', '2026-03-09T09:30', '--summary', 'Second', '--mood', '1']);
  await ok(['session', 'amend', 's2', '--reason', 'misheard', '--summary', 'Second, corrected']);
  await ok(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '1,1,1,1,1,1,1,1,0', '--session', 's1', '--id', 'q1']);
  await ok(['milestone', 'add', '--goal', 'g1', '--id', 'm1', '--description', 'A full night', '--date', '2026-03-10', '--significance', 'high']);
  await ok(['log-session', '--client', 'c2', '--id', 's9', '--at', '2026-03-03T10:00', '--summary', 'Other', '--mood', '0']);
}, 60_000);
afterAll(() => box?.cleanup());

describe('tpt migrate --to', () => {
  it('moves every record into PostgreSQL, says what it moved, and the target exports the same', async () => {
    const before = await exportOf();
    const out = JSON.parse(await ok(['--json', 'migrate', '--to', database.url()]));
    expect(out).toMatchObject({ engine: 'postgres', clients: 2, sessions: 3, goals: 1, milestones: 1, measures: 1, risks: 1, resumed_after: 0 });
    expect(await exportOf()).toBe(before);
    // The target's records, read back through its engine, then into a new SQLite file and out again.
    const { openPgStore } = await import('../../src/pg/record-store.js');
    const { readKeyFile } = await import('../../src/db/key-file.js');
    const { openSqliteStore } = await import('../../src/db/engine.js');
    const { migrateRecords } = await import('../../src/core/migrate.js');
    const key = readKeyFile(box.keyPath);
    const pgStore = await openPgStore(database.url(), [key]);
    const back = join(box.home, 'back.db');
    const sqlite = openSqliteStore(back, key, { create: true });
    await migrateRecords(pgStore, sqlite, { from: 'postgres' }, { actor: 'test', now: NOW.now });
    await Promise.all([pgStore.close(), sqlite.close()]);
    expect(await exportOf(back)).toBe(before);
  });

  it('refuses a second migration into the same target in one line, exit 1', async () => {
    const result = await box.run(['migrate', '--to', database.url()], NOW);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("tpt: the target database holds records already: migrate into an empty database with tpt's schema\n");
  });

  it('moves every record into a new SQLite file, and refuses the database in use as the target', async () => {
    const copy = join(box.home, 'copy.db');
    expect(await ok(['migrate', '--to', copy])).toMatch(/^Migrated 2 clients, 3 sessions, 1 goal, 1 milestone, 1 measure and 1 risk to .*copy\.db; its audit log verifies \(\d+ entries\)/);
    expect(existsSync(copy)).toBe(true);
    expect(await exportOf(copy)).toBe(await exportOf());
    const self = await box.run(['migrate', '--to', box.dbPath], NOW);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain('--to names the database in use');
  });
});
