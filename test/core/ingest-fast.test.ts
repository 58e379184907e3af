import { describe, expect, it } from 'vitest';
import { generatePractice, type ClientBundle } from '../../bench/generate.js';
import { fastSession } from '../../src/core/ingest-fast.js';
import type { SessionInput } from '../../src/core/schemas.js';
import { validateSessionSync } from '../../src/core/sessions.js';
import type { Store } from '../../src/db/store.js';

// The fast path of an ingested session takes a line as it is only where validateSession would
// take it unchanged: whatever it accepts must be exactly what validateSession makes of the line,
// and whatever it passes over, validateSession decides (accepting or refusing it).

const bundles: ClientBundle[] = [];
generatePractice({ clients: 6, sessions: 300, goals: 12, milestones: 20, years: 1 }, 7, (bundle) => bundles.push(bundle));
const who = { actor: 'bot', now: new Date('2030-01-01T00:00:00Z') };
/** validateSession reads the store only for the goals a session names; these lines name none. */
const noGoals = { goalById: () => undefined } as unknown as Store;

/** A session of the generated practice as a sender writes it: no goals, no flags, some fields left out. */
const lines = bundles.flatMap((bundle) => bundle.sessions).map((session, index) => {
  const { session_id: _id, therapeutic_goals: _goals, crisis_flags: _flags, emotional_score: score, ...fields } = session as unknown as Record<string, unknown>;
  if (index % 3 === 0) delete fields.progress_notes;
  if (index % 4 === 0) delete fields.metadata;
  if (index % 5 === 0) fields.emotional_score = score;
  return fields;
});

function slow(fields: Record<string, unknown>, id: string): unknown {
  try {
    return validateSessionSync(noGoals, { ...fields, session_id: id } as SessionInput, who);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the fast path of ingested sessions', () => {
  it('gives exactly the session validateSession gives, on lines in stored form', () => {
    expect(lines.length).toBeGreaterThan(200);
    for (const [index, fields] of lines.entries()) {
      const fast = fastSession(structuredClone(fields), `s${index}`, who);
      expect(fast, JSON.stringify(fields)).toBeDefined();
      expect(fast).toEqual(slow(structuredClone(fields), `s${index}`));
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

  it('refuses a session more than a day ahead, as validateSession does', () => {
    const ahead = { ...lines[0]!, timestamp: '2030-01-03T00:00:00.000Z' };
    expect(() => fastSession(ahead, 'f1', who)).toThrow(slow(ahead, 'f1') as string);
  });
});
