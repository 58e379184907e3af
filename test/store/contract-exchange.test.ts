import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, exportCsvRows, exportJson } from '../../src/core/export.js';
import { exportFhir } from '../../src/core/fhir.js';
import { importDocument } from '../../src/core/import.js';
import { MIGRATION_MARK, migrateRecords } from '../../src/core/migrate.js';
import type { RecordStore, WriteTx } from '../../src/store/port.js';
import { ENGINES, type EngineUnderTest } from './engines.js';

/**
 * The port's contract for export and import, over every engine: a document of every kind of
 * record (corrected, signed and voided sessions, goals with history and edits, edited and
 * voided milestones, amended and voided measures, a resolved risk with its history) imports and
 * exports again byte for byte, the same bytes on each engine; importing it twice adds nothing;
 * and a migration carries it SQLite → PostgreSQL → SQLite with nothing lost.
 */

const EVERY_KIND = readFileSync(new URL('./fixtures/every-kind.json', import.meta.url), 'utf8');
const AT = new Date('2026-12-07T22:00:00.000Z');
const who = { actor: 'contract', now: new Date('2026-12-08T09:00:00.000Z') };

/** The fixture as an engine without courses and schedules (PostgreSQL, for now) holds it. */
const WITHOUT_CARE = EVERY_KIND.replace(/"courses":\[[^\]]*\],"schedules":\[[^\]]*\]/g, '"courses":[],"schedules":[]');

function documentFor(engine: EngineUnderTest['name']): string {
  return engine === 'postgres' ? WITHOUT_CARE : EVERY_KIND;
}

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
      const summary = await load(store, documentFor(engine.name));
      expect(summary).toMatchObject({ clients: 2, sessions: { added: 5 }, goals: { added: 2 }, milestones: { added: 2 }, measures: { added: 3 }, risks: { added: 1 } });
      expect(await exported(store)).toBe(documentFor(engine.name));
    });

    it('imports the same document again as all skipped, and writes nothing new', async () => {
      await load(store, documentFor(engine.name));
      const again = await load(store, documentFor(engine.name));
      expect(again).toMatchObject({
        clients: 2, conflicts: 0, sessions: { added: 0, skipped: 5 }, goals: { skipped: 2 }, milestones: { skipped: 2 },
        measures: { skipped: 3 }, risks: { skipped: 1 },
      });
      expect(await exported(store)).toBe(documentFor(engine.name));
    });

    it('refuses a document that names one session twice, and writes nothing of it', async () => {
      const twice = WITHOUT_CARE.replace('\n{"session_id":"s2"', `\n${WITHOUT_CARE.split('\n')[2]}\n{"session_id":"s2"`);
      await expect(load(store, twice)).rejects.toThrow('session "s1" of client "c1" appears twice in the file: every session needs its own id');
      expect(await store.read((tx) => tx.exchange.clients())).toEqual([]);
    });

    it('replaces a changed record with --on-conflict replace, keeping the others', async () => {
      await load(store, documentFor(engine.name));
      const changed = documentFor(engine.name).replace('"conversation_summary":"Other client"', '"conversation_summary":"Another client"');
      const pieces = [changed];
      const summary = await importDocument(store, () => pieces.shift() ?? null, { label: 'changed', onConflict: 'replace' }, who);
      expect(summary).toMatchObject({ conflicts: 1, sessions: { replaced: 1, skipped: 4 } });
      expect(await exported(store)).toBe(changed);
    });
  });
}

describe('the same records export the same on every engine', () => {
  it('as JSON, as FHIR and as CSV', async () => {
    const [sqlite, postgres] = await Promise.all(ENGINES.map(fresh));
    await load(sqlite!, WITHOUT_CARE);
    await load(postgres!, WITHOUT_CARE);
    for (const format of ['json', 'fhir', 'csv'] as const) {
      expect(await exported(postgres!, format), format).toBe(await exported(sqlite!, format));
    }
  });
});

describe('migrateRecords', () => {
  const [SQLITE, POSTGRES] = ENGINES as [EngineUnderTest, EngineUnderTest];

  it('moves every kind of record SQLite → PostgreSQL → SQLite, and the exports agree', async () => {
    const source = await fresh(SQLITE);
    await load(source, WITHOUT_CARE);
    const before = await exported(source);
    const middle = await fresh(POSTGRES);
    const there = await migrateRecords(source, middle, { from: 'source.db' }, who);
    expect(there).toMatchObject({ clients: 2, sessions: 5, goals: 2, milestones: 2, measures: 3, risks: 1, resumed_after: 0 });
    const back = await fresh(SQLITE);
    await migrateRecords(middle, back, { from: 'postgres://middle' }, who);
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
    await load(source, WITHOUT_CARE);
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
    await load(source, WITHOUT_CARE);
    const target = await fresh(POSTGRES);
    await target.write(async (tx) => {
      await tx.clients.ensure('someone', who.now.toISOString());
    });
    await expect(migrateRecords(source, target, { from: 'source.db' }, who))
      .rejects.toThrow('the target database holds records already: migrate into an empty database with tpt\'s schema');
  });

  it('refuses courses on PostgreSQL in one line, leaving the target resumable', async () => {
    const source = await fresh(SQLITE);
    await load(source, EVERY_KIND);
    const target = await fresh(POSTGRES);
    await expect(migrateRecords(source, target, { from: 'source.db' }, who))
      .rejects.toThrow('a course of treatment cannot be written to PostgreSQL yet');
    expect(await target.read((tx) => tx.exchange.clients())).toEqual([]);
  });
});
