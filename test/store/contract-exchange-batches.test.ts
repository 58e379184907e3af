import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { exportJson } from '../../src/core/export.js';
import { ImportConflictError, importDocument } from '../../src/core/import.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES, type EngineUnderTest } from './engines.js';

/**
 * An import writes sessions in batches (1,000 per call of the store; on PostgreSQL multi-row
 * inserts): a file of 2,100 sessions spans three batches, and what the checks decide is the same
 * as row by row: a duplicate id refused within a batch and across two, a session the database
 * holds settled in its place in the middle of a batch, nothing written when the import fails.
 */

const EVERY_KIND = readFileSync(new URL('./fixtures/every-kind.json', import.meta.url), 'utf8');
const who = { actor: 'batches', now: new Date('2026-12-08T09:00:00.000Z') };
const AT = new Date('2026-12-08T10:00:00.000Z');

interface SessionInFile { session_id: string; timestamp: string; conversation_summary: string; versions?: unknown[]; signed_at?: string | null }
interface Document { exported_at: string; clients: { client_id: string; sessions: SessionInFile[] }[] }

/** The fixture with client c1's sessions copied to `total` of them (the corrected and signed ones too), ids c1-0000 on. */
function manySessions(total: number): Document {
  const document = JSON.parse(EVERY_KIND) as Document;
  const c1 = document.clients.find((client) => client.client_id === 'c1')!;
  const originals = c1.sessions;
  const copies: SessionInFile[] = [];
  for (let index = 0; copies.length + originals.length < total; index++) {
    const original = originals[index % originals.length]!;
    copies.push({ ...original, session_id: `c1-${String(index).padStart(4, '0')}` });
  }
  c1.sessions = [...originals, ...copies];
  return document;
}

const SESSIONS = 2100;
const text = (document: Document) => JSON.stringify(document);

async function load(store: RecordStore, body: string, onConflict?: string) {
  const pieces = [body.slice(0, 70_000), body.slice(70_000)];
  return importDocument(store, () => pieces.shift() ?? null, { label: 'batches.json', onConflict }, who);
}

async function exported(store: RecordStore): Promise<string> {
  let out = '';
  await store.read(async (tx) => {
    for await (const piece of exportJson(tx, await tx.exchange.clients(), AT)) out += piece;
  });
  return out;
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

describe('an import of sessions in batches', () => {
  it('writes 2,100 sessions, corrected and signed ones with their versions, the same on every engine', async () => {
    const document = manySessions(SESSIONS);
    const exports: string[] = [];
    for (const engine of ENGINES) {
      const store = await fresh(engine);
      // c1's 2,100 and c2's one.
      expect(await load(store, text(document)), engine.name).toMatchObject({ sessions: { added: SESSIONS + 1, skipped: 0 }, conflicts: 0 });
      exports.push(await exported(store));
    }
    expect(exports[1]).toBe(exports[0]);
    // What came back is the file: every session, its versions and state included (an export
    // lists sessions by time, then id; the copies share their originals' times).
    const byTime = (a: SessionInFile, b: SessionInFile) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0;
    const expected = structuredClone(document);
    for (const client of expected.clients) client.sessions.sort(byTime);
    expect(JSON.parse(exports[0]!)).toEqual({ ...expected, exported_at: AT.toISOString() });
    const withVersions = document.clients[0]!.sessions.filter((session) => (session.versions?.length ?? 0) > 0).length;
    expect(withVersions).toBeGreaterThan(SESSIONS / 10);
  }, 120_000);

  for (const engine of ENGINES) {
    describe(`on ${engine.name}`, () => {
      it('refuses one id twice within a batch and across two, and writes nothing', async () => {
        for (const [first, second] of [[10, 20], [10, 1500], [5, 2050]] as const) {
          const store = await fresh(engine);
          const document = manySessions(SESSIONS);
          const sessions = document.clients[0]!.sessions;
          const id = sessions[first]!.session_id;
          sessions[second] = { ...sessions[second]!, session_id: id };
          await expect(load(store, text(document)), `${first}, ${second}`)
            .rejects.toThrow(`session "${id}" of client "c1" appears twice in the file: every session needs its own id`);
          expect(await store.read((tx) => tx.exchange.clients())).toEqual([]);
        }
      }, 120_000);

      it('settles a session the database holds in the middle of a batch: a conflict, replaced when asked', async () => {
        const store = await fresh(engine);
        const document = manySessions(SESSIONS);
        await load(store, text(document));
        const before = await exported(store);
        // A second file: 2,100 new ids around one held session (c1-1200, not signed) with new words.
        const next = manySessions(SESSIONS);
        const sessions = next.clients[0]!.sessions;
        sessions.forEach((session, index) => {
          session.session_id = `${session.session_id}-b${index}`;
        });
        const held = document.clients[0]!.sessions.find((session) => session.session_id >= 'c1-1200' && !session.signed_at)!;
        sessions[1300] = { ...held, conversation_summary: 'Rewritten in the second file' };
        const refused = load(store, text(next));
        await expect(refused).rejects.toBeInstanceOf(ImportConflictError);
        await expect(refused).rejects.toMatchObject({ total: 1, conflicts: [{ kind: 'session', id: held.session_id, fields: ['conversation_summary'] }] });
        expect(await exported(store)).toBe(before);
        const summary = await load(store, text(next), 'replace');
        // c2's one session is in the database as it is: skipped.
        expect(summary).toMatchObject({ conflicts: 1, sessions: { added: SESSIONS - 1, replaced: 1, skipped: 1 } });
        const after = JSON.parse(await exported(store)) as Document;
        const all = after.clients[0]!.sessions;
        expect(all).toHaveLength(2 * SESSIONS - 1);
        expect(all.find((session) => session.session_id === held.session_id)!.conversation_summary).toBe('Rewritten in the second file');
      }, 120_000);
    });
  }
});
