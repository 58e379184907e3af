import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as Core from '../../src/core/model.js';
import { MEASURE_KINDS as CORE_MEASURE_KINDS } from '../../src/core/measure-scoring.js';
import { stateOf } from '../../src/core/scale.js';
import { GOAL_STATUSES as CORE_GOAL_STATUSES, SIGNIFICANCES as CORE_SIGNIFICANCES } from '../../src/core/schemas.js';
import type { TokenRow } from '../../src/db/token-queries.js';
import * as Domain from '../../src/domain/records.js';

/**
 * src/domain/records.ts holds the records of the store port below core; core/model.ts re-exports
 * them, so the type checks below hold by construction and guard the re-export. The constants
 * (goal statuses, significances, measure kinds, the mood scale) are still declared twice, in
 * core's schemas and on the floor: the values must not drift.
 */
describe('the domain floor and core agree', () => {
  it('on the records the port carries (core re-exports them)', () => {
    expectTypeOf<Domain.Session>().toEqualTypeOf<Core.Session>();
    expectTypeOf<Domain.SessionState>().toEqualTypeOf<Core.SessionState>();
    expectTypeOf<Domain.SessionVersion>().toEqualTypeOf<Core.SessionVersion>();
    expectTypeOf<Domain.Milestone>().toEqualTypeOf<Core.Milestone>();
    expectTypeOf<Domain.MilestoneWithState>().toEqualTypeOf<Core.MilestoneWithState>();
    expectTypeOf<Domain.Measure>().toEqualTypeOf<Core.Measure>();
    expectTypeOf<Domain.MeasureState>().toEqualTypeOf<Core.MeasureState>();
    expectTypeOf<Domain.MeasureVersion>().toEqualTypeOf<Core.MeasureVersion>();
    expectTypeOf<Domain.RiskRow>().toEqualTypeOf<Core.RiskRow>();
    expectTypeOf<Domain.RiskEvent>().toEqualTypeOf<Core.RiskEvent>();
    expectTypeOf<Domain.TokenRow>().toEqualTypeOf<TokenRow>();
    expectTypeOf<Domain.ListedSession>().toEqualTypeOf<Core.ListedSession>();
    expectTypeOf<Domain.Goal>().toEqualTypeOf<Core.Goal>();
    expectTypeOf<Domain.GoalHistoryEntry>().toEqualTypeOf<Core.GoalHistoryEntry>();
  });

  it('on the moods and goal statuses', () => {
    expect(Domain.GOAL_STATUSES).toEqual(CORE_GOAL_STATUSES);
    expect(Domain.SIGNIFICANCES).toEqual(CORE_SIGNIFICANCES);
    expect(Domain.MEASURE_KINDS).toEqual(CORE_MEASURE_KINDS);
    for (const score of [-2, -1, 0, 1, 2]) expect(Domain.moodOfScore(score)).toBe(stateOf(score));
    expect(() => Domain.moodOfScore(3)).toThrow(RangeError);
  });
});
