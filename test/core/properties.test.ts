import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeCrisisFlag } from '../../src/core/crisis-flags.js';
import { exportJson } from '../../src/core/export.js';
import { importDocument } from '../../src/core/import.js';
import { META_KEY } from '../../src/core/schemas.js';
import { EMOTIONAL_STATES } from '../../src/core/scale.js';
import { logSession } from '../../src/core/sessions.js';
import { clientById } from '../../src/db/export-queries.js';
import { openDatabase } from '../../src/db/connection.js';
import { SqliteRecordStore } from '../../src/db/engine.js';
import { readKeyFile } from '../../src/db/key-file.js';
import { Store } from '../../src/db/store.js';
import { csvChunks } from '../../src/render/csv-export.js';
import { escapeMarkdown } from '../../src/render/report.js';
import { renderSessionList } from '../../src/render/tables.js';
import { Sandbox } from '../helpers.js';

/**
 * Properties of the core, checked with fast-check over generated values (PROPERTY_RUNS each, 40
 * by default in `npm test`): what is stored comes back unchanged, every string survives every
 * output, every invalid value is refused and nothing is stored.
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const who = { actor: 'prop', now: new Date('2026-06-01T10:00:00Z') };
const plain = new Chalk({ level: 0 });

let source: Sandbox;
let target: Sandbox;
let from: Store;
let into: Store;

async function store(box: Sandbox): Promise<Store> {
  expect((await box.run(['init'])).code).toBe(0);
  return new Store(openDatabase(box.dbPath, readKeyFile(box.keyPath)));
}

beforeAll(async () => {
  source = new Sandbox();
  target = new Sandbox();
  from = await store(source);
  into = await store(target);
});
afterAll(() => {
  from.close();
  into.close();
  source.cleanup();
  target.cleanup();
});

let serial = 0;
const text = fc.string({ unit: 'binary', maxLength: 60 });
const label = text.map((value) => value.trim()).filter((value) => value.length >= 1 && value.length <= 200);
const metaKey = fc.stringMatching(META_KEY);
function isAcceptedFlag(flag: string): boolean {
  try {
    normalizeCrisisFlag(flag);
    return true;
  } catch {
    return false;
  }
}

const validSession = fc.record({
  conversation_summary: label,
  emotional_state: fc.constantFrom(...EMOTIONAL_STATES),
  progress_notes: text,
  therapist_observations: text,
  next_session_focus: text,
  homework_assigned: text,
  session_duration_minutes: fc.option(fc.integer({ min: 1, max: 1440 }), { nil: null }),
  techniques_used: fc.array(label, { maxLength: 3 }),
  // Only what a person may write as a flag: words that say "no crisis" (none, n/a, "_") are refused
  // at input since issue 21, and a valid session never carries them.
  crisis_flags: fc.uniqueArray(label.filter(isAcceptedFlag), { maxLength: 3 }),
  metadata: fc.dictionary(metaKey, text, { maxKeys: 3 }),
  timestamp: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2026-05-01T00:00:00Z'), noInvalidDate: true })
    .map((date) => date.toISOString()),
});

describe('properties of the core', () => {
  it('a valid session round-trips: store → export → import, unchanged', async () => {
    const records = new SqliteRecordStore(from);
    await fc.assert(fc.asyncProperty(validSession, async (fields) => {
      const clientId = `p${++serial}`;
      const stored = await logSession(records, { ...fields, client_id: clientId, session_id: `s-${clientId}` }, who);
      let document = '';
      await records.read(async (tx) => {
        for await (const piece of exportJson(tx, [clientById(from, clientId)!], who.now)) document += piece;
      });
      const chunks = [document];
      await importDocument(new SqliteRecordStore(into), () => chunks.shift() ?? null, { label: 'property' }, who);
      expect(into.sessionById(stored.session_id)).toEqual(stored);
      expect(from.sessionById(stored.session_id)).toEqual(stored);
    }), { numRuns: RUNS });
  });

  it('any string survives CSV (as the cell, a would-be formula quoted), JSON, a table row and markdown', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), async (value) => {
      let csv = '';
      for await (const piece of csvChunks(['a', 'b'], (async function* () { yield [[value, 1]]; })())) csv += piece;
      const [, row] = parse(csv, { relax_column_count: false }) as string[][];
      expect(row![0]).toBe(/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
      expect(JSON.parse(JSON.stringify({ value })).value).toBe(value);

      const summary = value.trim() || 'x';
      const session = { ...baseSession, conversation_summary: summary };
      const table = renderSessionList([session], plain, 100);
      // A header, one row, the count: nothing in the text adds a line or a control character.
      expect(table.split('\n')).toHaveLength(3);
      expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);

      const markdown = escapeMarkdown(value);
      expect(markdown).not.toMatch(/\n/);
      expect(markdown.replace(/\\(.)/g, '$1')).toBe(value.replace(/\s+/g, ' ').trim());
    }), { numRuns: RUNS * 5 });
  });

  it('an invalid value is refused with an InputError and nothing is stored', async () => {
    const records = new SqliteRecordStore(from);
    const invalid = fc.oneof(
      fc.record({ emotional_state: fc.string().filter((s) => !EMOTIONAL_STATES.includes(s.trim().toLowerCase() as never) && !/^\s*[+-]?[0-2]\s*$/.test(s)) }),
      fc.record({ session_duration_minutes: fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1441 }), fc.double({ noInteger: true })) }),
      fc.record({ conversation_summary: fc.stringMatching(/^\s*$/) }),
      fc.record({ timestamp: fc.constantFrom('2026-02-30T10:00:00Z', '2026-13-01', 'yesterday', '2026-01-01T25:00', '') }),
      fc.record({ metadata: fc.dictionary(fc.string().filter((key) => !META_KEY.test(key)), fc.string(), { minKeys: 1, maxKeys: 2 }) }),
      fc.record({ client_id: fc.string().filter((id) => !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id.trim())) }),
    );
    await fc.assert(fc.asyncProperty(invalid, async (bad) => {
      const before = from.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number };
      const input = { client_id: `bad${++serial}`, conversation_summary: 'x', emotional_state: 'neutral', ...bad };
      await expect(logSession(records, input as never, who)).rejects.toThrow(expect.objectContaining({ name: expect.stringMatching(/InputError|NotFoundError/) }));
      expect(from.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual(before);
    }), { numRuns: RUNS * 2 });
  });
});

const baseSession = {
  session_id: 's1', client_id: 'c1', timestamp: '2026-01-01T10:00:00.000Z', conversation_summary: 'x',
  emotional_state: 'neutral' as const, emotional_score: 0, therapeutic_goals: [], progress_notes: '',
  therapist_observations: '', next_session_focus: '', session_duration_minutes: null, techniques_used: [],
  homework_assigned: '', crisis_flags: [], metadata: {},
};
