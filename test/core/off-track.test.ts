import { describe, expect, it } from 'vitest';
import type { Measure } from '../../src/core/model.js';
import type { MeasureKind } from '../../src/core/measure-scoring.js';
import { judgeOffTrack, NO_IMPROVEMENT_SESSIONS, SOURCES } from '../../src/core/off-track.js';

// Off-track alerts (README, "Off-track alerts"), one rule at a time, on hand-computed scores.
// TZ=Europe/Berlin (vitest.config.ts).
const on = (month: number, day: number) => new Date(2026, month - 1, day, 10).toISOString();
let next = 0;
/** A score; a PHQ-9 gets items with item 9 answered `item9` (the rest make up the total), others the total only. */
function score(kind: MeasureKind, timestamp: string, total: number, item9: number | null = 0): Measure {
  let items: number[] | null = null;
  if (kind === 'phq9' && item9 !== null) {
    items = Array.from({ length: 9 }, () => 0);
    items[8] = item9;
    let rest = total - item9;
    for (let index = 0; index < 8 && rest > 0; index++) {
      items[index] = Math.min(3, rest);
      rest -= items[index]!;
    }
  }
  return { measure_id: `m${String(next++).padStart(3, '0')}`, client_id: 'c1', measure: kind, timestamp, session_id: null, items, total, created_at: timestamp };
}
const fewSessions = { count: 3, nth_at: null };
const eightSessions = { count: 8, nth_at: on(11, 23) };
const judge = (scores: Measure[], sessions: { count: number; nth_at: string | null } = fewSessions) =>
  judgeOffTrack({ scores, baselines: [], sessions });

describe('off-track rule 1: a risk item endorsed', () => {
  it('alerts on the latest PHQ-9 with item 9 above 0, dated by that score, with its source', () => {
    expect(judge([score('phq9', on(10, 5), 8), score('phq9', on(11, 2), 9, 1)])).toEqual([{
      rule: 'risk_item_endorsed', measure: 'phq9', date: on(11, 2), source: SOURCES.risk_item_endorsed,
      detail: 'PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered 1 on 2026-11-02',
    }]);
  });

  it('does not alert when only an earlier score endorsed it (the open risk carries that)', () => {
    expect(judge([score('phq9', on(10, 5), 9, 2), score('phq9', on(11, 2), 8, 0)])).toEqual([]);
  });

  it('alerts on a total alone that proves item 9 (26 > 8 × 3 = 24: item 9 at least 2)', () => {
    expect(judge([score('phq9', on(11, 2), 26, null)])[0]).toMatchObject({
      rule: 'risk_item_endorsed', detail: 'PHQ-9 item 9 (thoughts of being better off dead or of self-harm) at least 2, implied by the total on 2026-11-02',
    });
  });
});

describe('off-track rule 2: a reliable deterioration from the course baseline', () => {
  it('alerts on PHQ-9 9 → 15 (+6), GAD-7 5 → 9 (+4) and CORE-10 12 → 19 (+7), each dated by its latest score', () => {
    const alerts = judge([
      score('phq9', on(10, 5), 9), score('gad7', on(10, 5), 5), score('core10', on(10, 5), 12),
      score('phq9', on(11, 2), 15), score('gad7', on(11, 2), 9), score('core10', on(11, 9), 19),
    ]);
    expect(alerts.map((alert) => [alert.rule, alert.measure, alert.date])).toEqual([
      ['reliable_deterioration', 'phq9', on(11, 2)], ['reliable_deterioration', 'gad7', on(11, 2)], ['reliable_deterioration', 'core10', on(11, 9)],
    ]);
    expect(alerts[0]!.detail).toBe('PHQ-9 reliably worse than its baseline: 9 on 2026-10-05 → 15 on 2026-11-02 (reliable change 6)');
    expect(alerts[0]!.source).toBe(SOURCES.reliable_deterioration);
  });

  it('does not alert below the reliable change (PHQ-9 +5, CORE-10 +6) nor between scores closer than the recall period', () => {
    expect(judge([score('phq9', on(10, 5), 9), score('phq9', on(11, 2), 14)])).toEqual([]);
    expect(judge([score('core10', on(10, 5), 12), score('core10', on(11, 2), 18)])).toEqual([]);
    // 9 → 15 ten days apart: the PHQ-9 asks about 2 weeks, so no change is claimed.
    expect(judge([score('phq9', on(10, 5), 9), score('phq9', on(10, 15), 15)])).toEqual([]);
  });

  it('compares with the baseline given (the course\'s first score), not the first score passed', () => {
    const baseline = score('phq9', on(9, 7), 14);
    const scores = [score('phq9', on(10, 5), 9), score('phq9', on(11, 2), 15)];
    // From 14 (the course baseline) to 15: +1, no alert; from 9 it would be +6.
    expect(judgeOffTrack({ scores, baselines: [baseline], sessions: fewSessions })).toEqual([]);
  });
});

describe(`off-track rule 3: still at caseness without a reliable improvement after ${NO_IMPROVEMENT_SESSIONS} sessions`, () => {
  it('alerts on PHQ-9 16 → 12 (−4 < 6, 12 ≥ 10) after 8 sessions, dated by the later of the 8th session and the score', () => {
    const alerts = judge([score('phq9', on(10, 5), 16), score('phq9', on(11, 2), 12)], eightSessions);
    expect(alerts).toEqual([{
      rule: 'no_reliable_improvement', measure: 'phq9', date: on(11, 23), source: SOURCES.no_reliable_improvement,
      detail: 'PHQ-9 at caseness (≥ 10) and not reliably improved after 8 sessions: 16 on 2026-10-05 → 12 on 2026-11-02',
    }]);
    const laterScore = judge([score('phq9', on(10, 5), 16), score('phq9', on(11, 30), 12)], eightSessions);
    expect(laterScore[0]!.date).toBe(on(11, 30));
  });

  it('does not alert before the 8th session, below caseness, or after a reliable improvement', () => {
    expect(judge([score('phq9', on(10, 5), 16), score('phq9', on(11, 2), 12)], { count: 7, nth_at: null })).toEqual([]);
    expect(judge([score('phq9', on(10, 5), 16), score('phq9', on(11, 2), 9)], eightSessions)).toEqual([]);
    expect(judge([score('phq9', on(10, 5), 16), score('phq9', on(11, 2), 10)], eightSessions)).toEqual([]);
    // GAD-7 caseness is 8: 10 → 8 is at caseness, −2 < 4.
    expect(judge([score('gad7', on(10, 5), 10), score('gad7', on(11, 2), 8)], eightSessions).map((alert) => alert.measure)).toEqual(['gad7']);
  });
});
