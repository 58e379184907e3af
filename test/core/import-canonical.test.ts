import { describe, expect, it } from 'vitest';
import { generatePractice, type ClientBundle } from '../../bench/generate.js';
import { canonicalClient, canonicalGoal, canonicalMilestone, canonicalSession } from '../../src/core/import-canonical.js';
import { checkedClient, checkedGoal, checkedMilestone, checkedSession } from '../../src/core/import.js';

// The fast paths of import take a record as it is only where the schema would take it unchanged:
// whatever they accept must be exactly what the schema makes of the same record.

const bundles: ClientBundle[] = [];
generatePractice({ clients: 12, sessions: 600, goals: 48, milestones: 120, years: 2 }, 11, (bundle) => bundles.push(bundle));
const goals = bundles.flatMap((bundle) => bundle.goals) as unknown as Record<string, unknown>[];
const milestones = bundles.flatMap((bundle) => bundle.milestones) as unknown as Record<string, unknown>[];
const sessions = bundles.flatMap((bundle) => bundle.sessions) as unknown as Record<string, unknown>[];
const name = () => 'record';
const clone = <T>(value: T): T => structuredClone(value);

/** The schema's result, or its message. */
function schema<T>(check: (raw: unknown, name: () => string) => T, raw: unknown): T | string {
  try {
    return check(raw, name);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the fast paths agree with the schema on records as tpt export writes them', () => {
  it('goals: the row without its derived milestone list, the whole history, no edits', () => {
    expect(goals.length).toBeGreaterThan(40);
    for (const raw of goals) {
      const fast = canonicalGoal(clone(raw));
      expect(fast, JSON.stringify(raw)).toBeDefined();
      expect(fast).toEqual(checkedGoal(clone(raw), name));
    }
    const { milestones: _derived, history, ...row } = goals.find((goal) => goal.target_date === null)!;
    expect(canonicalGoal(clone(goals.find((goal) => goal.target_date === null)))).toEqual({ goal: row, history, edits: [] });
  });

  it('milestones: the record, never voided', () => {
    for (const raw of milestones) {
      const fast = canonicalMilestone(clone(raw));
      expect(fast, JSON.stringify(raw)).toEqual(raw);
      expect({ milestone: fast, state: { voided_at: null, voided_by: null, void_reason: null }, edits: [] })
        .toEqual(checkedMilestone(clone(raw), name));
    }
  });

  it('sessions', () => {
    for (const raw of sessions) expect(canonicalSession(clone(raw))).toEqual(checkedSession(clone(raw), name));
  });
});

/** Values a field could hold in a file, right and wrong. */
const VALUES: unknown[] = [
  undefined, null, '', ' ', 'x', ' padded ', 'Active', 'active', 'paused', 'ACHIEVED', 'high', 'High', 'medium ', 'low',
  0, -0, 1, 50, 62.5, 100, 100.5, -1, '50', 1e3, true, false, [], ['g1'], ['g1', 'g1'], [' g1'], {}, { a: 'b' },
  '2026-02-28', '2026-02-29', '2024-02-29', '0999-01-01', '2026-13-01', ' 2026-01-01', '2026-01-01T00:00',
  '2026-01-05T09:30:00.000Z', '2026-01-05T09:30:00Z', '2026-01-05T09:30:00.000+01:00', '2026-02-30T10:00:00.000Z',
  '2026-01-05T24:00:00.000Z', '0999-01-05T09:30:00.000Z', 'goal-01', 'bad id!', 'x'.repeat(65),
];

/** Every record with one field set to each value (and removed): the fast path takes a form only where the schema gives it back the same. */
function eachVariant(record: Record<string, unknown>, visit: (variant: Record<string, unknown>, what: string) => void): void {
  for (const key of [...Object.keys(record), 'extra', '__proto__']) {
    for (const value of VALUES) {
      const variant = clone(record);
      if (value === undefined) delete variant[key];
      else if (key === '__proto__') Object.defineProperty(variant, key, { value, enumerable: true });
      else variant[key] = value;
      visit(variant, `${key} = ${JSON.stringify(value)}`);
    }
  }
}

describe('anything the fast path takes, the schema takes the same; the rest goes to the schema', () => {
  it('goals, and the entries of their history', () => {
    const goal = goals.find((each) => (each.history as unknown[]).length > 1)!;
    let taken = 0;
    const check = (variant: Record<string, unknown>, what: string) => {
      const fast = canonicalGoal(variant);
      if (fast === undefined) return;
      taken++;
      expect(fast, what).toEqual(schema(checkedGoal, clone(variant)));
    };
    eachVariant(goal, check);
    eachVariant((goal.history as Record<string, unknown>[])[1]!, (entry, what) => {
      const variant = clone(goal);
      (variant.history as unknown[])[1] = entry;
      check(variant, `history: ${what}`);
    });
    expect(taken).toBeGreaterThan(10);
  });

  it('milestones', () => {
    let taken = 0;
    eachVariant(milestones[0]!, (variant, what) => {
      const fast = canonicalMilestone(variant);
      if (fast === undefined) return;
      taken++;
      expect({ milestone: fast, state: { voided_at: null, voided_by: null, void_reason: null }, edits: [] }, what)
        .toEqual(schema(checkedMilestone, clone(variant)));
    });
    expect(taken).toBeGreaterThan(5);
  });

  it('sessions', () => {
    let taken = 0;
    eachVariant(sessions[0]!, (variant, what) => {
      const fast = canonicalSession(variant);
      if (fast === undefined) return;
      taken++;
      expect(fast, what).toEqual(schema(checkedSession, clone(variant)));
    });
    expect(taken).toBeGreaterThan(5);
  });

  it("clients' entries", () => {
    let taken = 0;
    for (const entry of [{ client_id: 'c1' }, { client_id: 'c1', created_at: '2026-01-05T09:30:00.000Z' }]) {
      eachVariant(entry, (variant, what) => {
        const fast = canonicalClient(variant);
        if (fast === undefined) return;
        taken++;
        expect(fast, what).toEqual(schema(checkedClient, clone(variant)));
      });
    }
    expect(taken).toBeGreaterThan(3);
    expect(canonicalClient({ client_id: 'c1', created_at: null })).toBeUndefined();
    expect(canonicalClient({ client_id: ' c1' })).toBeUndefined();
  });

  it('leaves the forms the schema normalises or refuses to it', () => {
    const goal = goals[0]!;
    for (const change of [
      { status: 'Active' }, { completion_percentage: '50' }, { target_date: '2026-02-30' }, { target_date: '0999-01-01' },
      { description: ' padded ' }, { created_at: '2026-01-05T09:30:00+01:00' }, { history: [] }, { edits: [] }, { extra: 1 },
    ]) {
      expect(canonicalGoal({ ...clone(goal), ...change }), JSON.stringify(change)).toBeUndefined();
    }
    const { target_date: _missing, ...withoutTarget } = clone(goal);
    expect(canonicalGoal(withoutTarget)).toBeUndefined();
    const milestone = milestones[0]!;
    for (const change of [
      { significance: 'High' }, { achieved_date: '2026-02-29' }, { voided_at: null }, { edits: [] }, { description: '' },
    ]) {
      expect(canonicalMilestone({ ...clone(milestone), ...change }), JSON.stringify(change)).toBeUndefined();
    }
    const { created_at: _created, ...withoutCreated } = clone(milestone);
    expect(canonicalMilestone(withoutCreated)).toBeUndefined();
  });
});
