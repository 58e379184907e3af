import { describe, expect, it } from 'vitest';
import { generatePractice, type ClientBundle } from '../../bench/generate.js';
import { PassThrough } from 'node:stream';
import { createHash } from 'node:crypto';
import { BATCH_LINES, canonicalJson, FIRST_BATCH_LINES, lineBatches, lineDigest, MAX_LINE_BYTES, type RawLine } from '../../src/core/ingest.js';
import { fastMeasure, fastSession } from '../../src/core/ingest-fast.js';
import { planMeasure, type MeasureInput } from '../../src/core/measures.js';
import type { SessionInput } from '../../src/core/schemas.js';
import { validateSessionIn } from '../../src/core/sessions.js';
import type { ReadTx } from '../../src/store/port.js';

// The fast path of an ingested session takes a line as it is only where validateSession would
// take it unchanged: whatever it accepts must be exactly what validateSession makes of the line,
// and whatever it passes over, validateSession decides (accepting or refusing it).

const bundles: ClientBundle[] = [];
generatePractice({ clients: 6, sessions: 300, goals: 12, milestones: 20, years: 1 }, 7, (bundle) => bundles.push(bundle));
const who = { actor: 'bot', now: new Date('2030-01-01T00:00:00Z') };
/** validateSession reads the store only for the goals a session names; these lines name none. */
const noGoals = { goals: { get: async () => undefined } } as unknown as ReadTx;

/** A session of the generated practice as a sender writes it: no goals, no flags, some fields left out. */
const lines = bundles.flatMap((bundle) => bundle.sessions).map((session, index) => {
  const { session_id: _id, therapeutic_goals: _goals, crisis_flags: _flags, emotional_score: score, ...fields } = session as unknown as Record<string, unknown>;
  if (index % 3 === 0) delete fields.progress_notes;
  if (index % 4 === 0) delete fields.metadata;
  if (index % 5 === 0) fields.emotional_score = score;
  return fields;
});

async function slow(fields: Record<string, unknown>, id: string): Promise<unknown> {
  try {
    return await validateSessionIn(noGoals, { ...fields, session_id: id } as SessionInput, who);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the fast path of ingested sessions', () => {
  it('gives exactly the session validateSession gives, on lines in stored form', async () => {
    expect(lines.length).toBeGreaterThan(200);
    for (const [index, fields] of lines.entries()) {
      const fast = fastSession(structuredClone(fields), `s${index}`, who);
      expect(fast, JSON.stringify(fields)).toBeDefined();
      expect(fast).toEqual(await slow(structuredClone(fields), `s${index}`));
    }
  });

  it('passes over what it does not take as it is, which validateSession then decides', () => {
    const base = lines[0]!;
    const variants: Record<string, unknown>[] = [
      { ...base, timestamp: '2026-03-01T10:00:00Z' },          // not in stored form: normalised by the schema
      { ...base, emotional_state: 'Positive' },                // a word to normalise
      { ...base, emotional_state: 2 },                         // a number
      { ...base, emotional_state: 'happy' },                   // refused
      { ...base, emotional_score: -2, emotional_state: 'positive' }, // disagreeing: refused
      { ...base, conversation_summary: '  padded  ' },         // trimmed by the schema
      { ...base, conversation_summary: '' },                   // refused
      { ...base, crisis_flags: ['Self-harm'] },                // flags are normalised
      { ...base, therapeutic_goals: ['g1'] },                  // goals are looked up
      { ...base, session_duration_minutes: 0 },                // refused
      { ...base, unknown_field: 1 },                           // refused
      { ...base, metadata: { 'bad key!': 'x' } },              // refused
    ];
    for (const fields of variants) expect(fastSession(structuredClone(fields), 'v1', who), JSON.stringify(fields)).toBeUndefined();
  });

  it('refuses a session more than a day ahead, as validateSession does', async () => {
    const ahead = { ...lines[0]!, timestamp: '2030-01-03T00:00:00.000Z' };
    const refusal = await slow(ahead, 'f1');
    expect(typeof refusal).toBe('string');
    expect(() => fastSession(ahead, 'f1', who)).toThrow(refusal as string);
  });
});

/** planMeasure's measure, or its refusal's message. */
function slowMeasure(fields: Record<string, unknown>, id: string): unknown {
  try {
    return planMeasure({ ...fields, measure_id: id } as MeasureInput, who).measure;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the fast path of ingested measures', () => {
  const base = { client_id: 'c1', measure: 'gad7', items: [3, 1, 1, 0, 0, 1, 2], timestamp: '2029-12-31T09:30:00.000Z' };

  it('gives exactly the measure planMeasure gives, on lines in stored form', () => {
    const cases = [
      base,
      { ...base, measure: 'phq9', items: [3, 3, 3, 3, 3, 3, 3, 3, 3] },
      { ...base, measure: 'core10', items: [4, 0, 4, 0, 4, 0, 4, 0, 4, 0] },
      { ...base, items: [0, 0, 0, 0, 0, 0, 0], timestamp: '2024-02-29T23:59:59.999Z' },
    ];
    for (const fields of cases) {
      const fast = fastMeasure(structuredClone(fields), 'm1', who);
      expect(fast, JSON.stringify(fields)).toBeDefined();
      expect(fast).toEqual(slowMeasure(structuredClone(fields), 'm1'));
    }
    // CORE-10 turns its reversed items (2 and 3): 4 + (4-0) + (4-4) + 0 + 4 + 0 + 4 + 0 + 4 + 0 = 20, by hand.
    expect(fastMeasure({ ...base, measure: 'core10', items: [4, 0, 4, 0, 4, 0, 4, 0, 4, 0] }, 'm2', who)?.total).toBe(20);
  });

  it('passes over what it does not take as it is, which planMeasure then decides', () => {
    const variants: Record<string, unknown>[] = [
      { ...base, measure: 'GAD-7' },                      // a name to normalise
      { ...base, measure: 'bdi' },                        // refused
      { ...base, items: [3, 1, 1, 0, 0, 1] },             // too few: refused
      { ...base, items: [3, 1, 1, 0, 0, 1, 4] },          // out of range: refused
      { ...base, items: [3, 1, 1, 0, 0, 1, 1.5] },        // not whole: refused
      { ...base, items: [3, 1, 1, 0, 0, 1, null] },       // one left out: the schema's rule
      { ...base, items: '3,1,1,0,0,1,2' },                // text
      { ...base, timestamp: '2029-12-31T09:30:00Z' },     // not in stored form
      { ...base, timestamp: '2029-02-29T09:30:00.000Z' }, // no such day: refused
      { ...base, total: 8 },                              // a total besides the items
      { ...base, session_id: 's1' },                      // a session to find
      { ...base, extra: 1 },                              // refused
      { client_id: 'c1', measure: 'gad7', items: base.items }, // no time: now
      { ...base, client_id: 'bad id' },                   // refused
    ];
    for (const fields of variants) expect(fastMeasure(structuredClone(fields), 'm1', who), JSON.stringify(fields)).toBeUndefined();
  });

  it('refuses a measure more than a day ahead, as planMeasure does', () => {
    const ahead = { ...base, timestamp: '2030-01-03T00:00:00.000Z' };
    const refusal = slowMeasure(ahead, 'm3');
    expect(typeof refusal).toBe('string');
    expect(() => fastMeasure(ahead, 'm3', who)).toThrow(refusal as string);
  });
});

/** The canonical JSON as first written (map and join): the digests kept in `ingested` are of its text. */
function firstCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(firstCanonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${firstCanonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('the digest of a line', () => {
  it('is the SHA-256 of the same canonical JSON as before, so a resend after an upgrade is still unchanged', () => {
    const texts = [
      '{"type":"session","id":"s1","b":[3,{"z":1,"a":[]},"x"],"a":{"é":"\\u2028","\\"q":null,"":-0.5e-7}}',
      '{"id":"x","type":"measure","items":[0,1,2,3],"nested":{"c":{"b":{"a":true}}},"big":12345678901234567890}',
      '{}', '{"a":"\\ud83d\\ude00 emoji","b":"\\u0000\\u001f\\u007f"}',
      ...lines.slice(0, 50).map((fields, index) => JSON.stringify({ type: 'session', id: `s${index}`, ...fields })),
    ];
    for (const text of texts) {
      const value: unknown = JSON.parse(text);
      expect(canonicalJson(value)).toBe(firstCanonicalJson(value));
      expect(lineDigest(value)).toBe(createHash('sha256').update(firstCanonicalJson(value), 'utf8').digest('hex'));
    }
    // Keys sorted at every depth, by hand.
    expect(canonicalJson(JSON.parse('{"b":1,"a":{"d":[{"y":2,"x":1}],"c":"t"}}'))).toBe('{"a":{"c":"t","d":[{"x":1,"y":2}]},"b":1}');
  });
});

/** The batches lineBatches makes of what `feed` writes, as lists of their lines' texts. */
async function batchesOf(feed: (input: PassThrough) => Promise<void>): Promise<string[][]> {
  const input = new PassThrough();
  const feeding = feed(input);
  const batches: string[][] = [];
  for await (const batch of lineBatches(input)) batches.push(batch.map((line: RawLine) => (line.tooLong ? '<too long>' : line.text)));
  await feeding;
  return batches;
}

describe('lineBatches', () => {
  it('gathers the reads that are there into one batch, lines split across reads made whole', async () => {
    const batches = await batchesOf(async (input) => {
      input.write('{"a":1}\n{"b"');
      input.write(':2}\n{"c":3}\n');
      input.end('{"d":4}');
    });
    expect(batches).toEqual([['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']]);
  });

  it('answers a sender that waits at once: what has come is a batch when no more comes', async () => {
    const batches = await batchesOf(async (input) => {
      input.write('one\ntwo\n');
      await new Promise((resolve) => setTimeout(resolve, 200));
      input.end('three\n');
    });
    expect(batches).toEqual([['one', 'two'], ['three']]);
  });

  it('holds FIRST_BATCH_LINES lines at first, twice as many each batch after, up to BATCH_LINES; refuses a line over MAX_LINE_BYTES unkept', async () => {
    // 5,000 + 10,000 + 20,000 + 20,000, and 5 more lines.
    const count = FIRST_BATCH_LINES * 3 + BATCH_LINES * 2 + 5;
    const batches = await batchesOf(async (input) => {
      input.write(Array.from({ length: count }, (_, index) => `${index}\n`).join(''));
      input.write('x'.repeat(MAX_LINE_BYTES));
      input.end('y\nlast\n');
    });
    expect([FIRST_BATCH_LINES, BATCH_LINES]).toEqual([5000, 20_000]);
    expect(batches.map((batch) => batch.length)).toEqual([5000, 10_000, 20_000, 20_000, 7]);
    expect(batches.flat().slice(0, count)).toEqual(Array.from({ length: count }, (_, index) => `${index}`));
    expect(batches.at(-1)!.slice(-2)).toEqual(['<too long>', 'last']);
  });
});
