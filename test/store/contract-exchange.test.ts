import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, exportCsvRows, exportJson } from '../../src/core/export.js';
import { exportFhir } from '../../src/core/fhir.js';
import { importDocument } from '../../src/core/import.js';
import { MIGRATION_MARK, migrateRecords } from '../../src/core/migrate.js';
import type { PgPool } from '../../src/pg/connect.js';
import type { RecordStore, WriteTx } from '../../src/store/port.js';
import { ENGINES, type EngineUnderTest } from './engines.js';

/**
 * The port's contract for export and import, over every engine: a document of every kind of
 * record (corrected, signed and voided sessions, goals with history and edits, edited and
 * voided milestones, amended and voided measures, a resolved risk with its history, an ended
 * course with its note and an open one, a live and a stopped schedule) imports and
 * exports again byte for byte, the same bytes on each engine; importing it twice adds nothing;
 * and a migration carries it SQLite → PostgreSQL → SQLite with nothing lost.
 */

const EVERY_KIND = readFileSync(new URL('./fixtures/every-kind.json', import.meta.url), 'utf8');
const AT = new Date('2026-12-07T22:00:00.000Z');
const who = { actor: 'contract', now: new Date('2026-12-08T09:00:00.000Z') };

/** The fixture, its ended course with a note (sealed on PostgreSQL): every engine holds all of it. */
const DOCUMENT = EVERY_KIND.replace('"end_reason":"completed","end_note":null', '"end_reason":"completed","end_note":"Goals met, discharged"');

async function load(store: RecordStore, text: string) {
  const pieces = [text.slice(0, 1000), text.slice(1000)];
  return importDocument(store, () => pieces.shift() ?? null, { label: 'every-kind.json' }, who);
}

async function exported(store: RecordStore, format: 'json' | 'fhir' | 'csv' = 'json'): Promise<string> {
  let text = '';
  await store.read(async (tx) => {
    const clients = await tx.exchange.clients();
    if (format === 'json') for await (const piece of exportJson(tx, clients, AT)) text += piece;
    else if (format === 'fhir') for await (const piece of exportFhir(tx, clients, AT)) text += piece;
    else {
      for (const table of Object.keys(CSV_COLUMNS) as (keyof typeof CSV_COLUMNS)[]) {
        for await (const batch of exportCsvRows(tx, clients, table)) text += `${table}: ${JSON.stringify(batch)}\n`;
      }
    }
  });
  return text;
}

/** The end note of course k1 as PostgreSQL's table holds it (as its administrator would see it). */
async function rawNote(store: RecordStore): Promise<Buffer | null | undefined> {
  const { db } = store as unknown as { db: PgPool };
  const { rows } = await db.pool.query<{ end_note: Buffer | null }>(`SELECT end_note FROM courses WHERE course_id = 'k1'`);
  return rows[0]?.end_note;
}

const opened: (() => Promise<void>)[] = [];
async function fresh(engine: EngineUnderTest): Promise<RecordStore> {
  const { stores, dispose } = await engine.open();
  opened.push(dispose);
  return stores[0];
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((dispose) => dispose()));
});

for (const engine of ENGINES) {
  describe(`export and import through the port on ${engine.name}`, () => {
    let store: RecordStore;
    beforeEach(async () => {
      store = await fresh(engine);
    });

    it('exports what it imported, byte for byte, every kind of record', async () => {
      const summary = await load(store, DOCUMENT);
      expect(DOCUMENT).toContain('"end_note":"Goals met, discharged"');
      expect(summary).toMatchObject({
        clients: 2, sessions: { added: 5 }, goals: { added: 2 }, milestones: { added: 2 }, measures: { added: 3 }, risks: { added: 1 },
        courses: { added: 2 }, schedules: { added: 2 },
      });
      expect(await exported(store)).toBe(DOCUMENT);
    });

    it('imports the same document again as all skipped, and writes nothing new', async () => {
      await load(store, DOCUMENT);
      const again = await load(store, DOCUMENT);
      expect(again).toMatchObject({
        clients: 2, conflicts: 0, sessions: { added: 0, skipped: 5 }, goals: { skipped: 2 }, milestones: { skipped: 2 },
        measures: { skipped: 3 }, risks: { skipped: 1 }, courses: { added: 0, skipped: 2 }, schedules: { added: 0, skipped: 2 },
      });
      expect(await exported(store)).toBe(DOCUMENT);
    });

    it('refuses a document that names one session twice, and writes nothing of it', async () => {
      const twice = DOCUMENT.replace('\n{"session_id":"s2"', `\n${DOCUMENT.split('\n')[2]}\n{"session_id":"s2"`);
      await expect(load(store, twice)).rejects.toThrow('session "s1" of client "c1" appears twice in the file: every session needs its own id');
      expect(await store.read((tx) => tx.exchange.clients())).toEqual([]);
    });

    it('replaces a changed record with --on-conflict replace, keeping the others', async () => {
      await load(store, DOCUMENT);
      const changed = DOCUMENT.replace('"conversation_summary":"Other client"', '"conversation_summary":"Another client"');
      const pieces = [changed];
      const summary = await importDocument(store, () => pieces.shift() ?? null, { label: 'changed', onConflict: 'replace' }, who);
      expect(summary).toMatchObject({ conflicts: 1, sessions: { replaced: 1, skipped: 4 } });
      expect(await exported(store)).toBe(changed);
    });

    it('replaces a changed course and schedule with --on-conflict replace, and lists them as conflicts without it', async () => {
      await load(store, DOCUMENT);
      const changed = DOCUMENT
        .replace('"end_note":"Goals met, discharged"', '"end_note":"Met, discharged to GP"')
        .replace('"every":"2w"', '"every":"4w"');
      const once = [changed];
      const refused = importDocument(store, () => once.shift() ?? null, { label: 'changed' }, who);
      await expect(refused).rejects.toMatchObject({
        total: 2,
        conflicts: [
          { kind: 'course', id: 'k1', client_id: 'c1', fields: ['end_note'] },
          { kind: 'schedule', id: 'phq9 2026-12-07T22:13:49.808Z', client_id: 'c1', fields: ['every'] },
        ],
      });
      expect(await exported(store)).toBe(DOCUMENT);
      const pieces = [changed];
      const summary = await importDocument(store, () => pieces.shift() ?? null, { label: 'changed', onConflict: 'replace' }, who);
      expect(summary).toMatchObject({ conflicts: 2, courses: { replaced: 1, skipped: 1 }, schedules: { replaced: 1, skipped: 1 } });
      expect(await exported(store)).toBe(changed);
    });

    it('refuses a second open course of a client in the file, and writes nothing of it', async () => {
      const twoOpen = DOCUMENT.replace(
        '"ended_at":"2026-11-30T23:59:59.999Z","ended_by":"dr-fixture","end_reason":"completed","end_note":"Goals met, discharged"',
        '"ended_at":null,"ended_by":null,"end_reason":null,"end_note":null');
      await expect(load(store, twoOpen)).rejects.toThrow(
        'course "k2" of client "c1": client "c1" has course "k1" open already: a client has one open course at a time');
      expect(await store.read((tx) => tx.exchange.clients())).toEqual([]);
    });
  });
}

describe('the same records export the same on every engine', () => {
  it('as JSON, as FHIR and as CSV', async () => {
    const [sqlite, postgres] = await Promise.all(ENGINES.map(fresh));
    await load(sqlite!, DOCUMENT);
    await load(postgres!, DOCUMENT);
    for (const format of ['json', 'fhir', 'csv'] as const) {
      expect(await exported(postgres!, format), format).toBe(await exported(sqlite!, format));
    }
  });
});

describe('migrateRecords', () => {
  const [SQLITE, POSTGRES] = ENGINES as [EngineUnderTest, EngineUnderTest];

  it('moves every kind of record SQLite → PostgreSQL → SQLite, and the exports agree', async () => {
    const source = await fresh(SQLITE);
    await load(source, DOCUMENT);
    const before = await exported(source);
    const middle = await fresh(POSTGRES);
    const there = await migrateRecords(source, middle, { from: 'source.db' }, who);
    const all = { clients: 2, sessions: 5, goals: 2, milestones: 2, measures: 3, risks: 1, courses: 2, schedules: 2, resumed_after: 0 };
    expect(there).toMatchObject(all);
    const back = await fresh(SQLITE);
    expect(await migrateRecords(middle, back, { from: 'postgres://middle' }, who)).toMatchObject(all);
    expect(before).toBe(DOCUMENT);
    expect(await exported(middle)).toBe(before);
    expect(await exported(back)).toBe(before);
    // The source is only read: not even an audit entry was added to it.
    expect(await exported(source)).toBe(before);
    expect((await source.read((tx) => tx.audit.entries(null))).filter((entry) => entry.action === 'migrate')).toEqual([]);
    for (const target of [middle, back]) {
      expect(await target.read((tx) => tx.audit.verify())).toMatchObject({ intact: true, problem: null });
      expect(await target.read((tx) => tx.settings.get(MIGRATION_MARK))).toBe('');
    }
  });

  it('carries courses and schedules SQLite → SQLite', async () => {
    const source = await fresh(SQLITE);
    await load(source, EVERY_KIND);
    const target = await fresh(SQLITE);
    expect(await migrateRecords(source, target, { from: 'a.db' }, who)).toMatchObject({ courses: 2, schedules: 2 });
    expect(await exported(target)).toBe(EVERY_KIND);
  });

  it('goes on after the last client in when a migration stopped half-way', async () => {
    const source = await fresh(SQLITE);
    await load(source, DOCUMENT);
    const target = await fresh(POSTGRES);
    // The second client's transaction fails, as a killed process's would never commit.
    let writes = 0;
    const failing: RecordStore = {
      engine: target.engine,
      maintenance: target.maintenance,
      read: (work) => target.read(work),
      close: () => target.close(),
      write: <T>(work: (tx: WriteTx) => Promise<T>) => target.write(async (tx) => {
        const value = await work(tx);
        if (++writes === 3) throw new Error('killed');
        return value;
      }),
    };
    await expect(migrateRecords(source, failing, { from: 'source.db' }, who)).rejects.toThrow('killed');
    expect((await target.read((tx) => tx.exchange.clients())).map((client) => client.client_id)).toEqual(['c1']);
    expect(JSON.parse((await target.read((tx) => tx.settings.get(MIGRATION_MARK)))!)).toMatchObject({ from: 'source.db', done_through: 'c1' });
    await expect(migrateRecords(source, target, { from: 'other.db' }, who))
      .rejects.toThrow('the target holds a stopped migration from source.db, not from other.db');
    const resumed = await migrateRecords(source, target, { from: 'source.db' }, who);
    expect(resumed).toMatchObject({ resumed_after: 1, clients: 1, sessions: 1 });
    expect(await exported(target)).toBe(await exported(source));
  });

  it('refuses a target that holds records and no stopped migration', async () => {
    const source = await fresh(SQLITE);
    await load(source, DOCUMENT);
    const target = await fresh(POSTGRES);
    await target.write(async (tx) => {
      await tx.clients.ensure('someone', who.now.toISOString());
    });
    await expect(migrateRecords(source, target, { from: 'source.db' }, who))
      .rejects.toThrow('the target database holds records already: migrate into an empty database with tpt\'s schema');
  });

  it('keeps a course\'s note sealed on PostgreSQL: its words are not in the table', async () => {
    const source = await fresh(SQLITE);
    await load(source, DOCUMENT);
    const target = await fresh(POSTGRES);
    await migrateRecords(source, target, { from: 'source.db' }, who);
    const raw = await rawNote(target);
    expect(raw).toBeInstanceOf(Buffer);
    expect(raw!.toString('latin1')).not.toContain('discharged');
    expect(await exported(target)).toBe(DOCUMENT);
  });
});
