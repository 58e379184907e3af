import { describe, expect, it } from 'vitest';
import type { ReportSessionRow } from '../../src/db/analytics-queries.js';
import type { Measure } from '../../src/core/model.js';
import type { MeasureKind } from '../../src/core/measure-scoring.js';
import { buildReport, type ReportInput } from '../../src/core/report.js';

// How the outcome measures of a timeframe enter the trajectory, the concerns and the
// recommendations (README, "The trajectory rule"), on hand-computed cases. TZ=Europe/Berlin.
const start = new Date(2026, 9, 1);
const end = new Date(new Date(2026, 11, 1).getTime() - 1);
const now = new Date(2026, 11, 1, 9);
const on = (month: number, day: number) => new Date(2026, month - 1, day, 10).toISOString();

// Weekly sessions from Monday 2026-10-05: mood rising −1, −1, 0, 0, 1, 1, 2, 2 (slope > 0.25: improving).
const rising: ReportSessionRow[] = [-1, -1, 0, 0, 1, 1, 2, 2].map((score, week) => ({
  session_id: `s${week}`, timestamp: new Date(2026, 9, 5 + 7 * week, 10).toISOString(), emotional_score: score,
  session_duration_minutes: 50, crisis_flags: '[]', conversation_summary: `summary of s${week}`, signed_at: null,
}));
const steady = rising.map((row) => ({ ...row, emotional_score: 0 }));

let next = 0;
/** A measure of the given total; for PHQ-9 its item 9 answer can be set (the rest make up the total). */
function measure(kind: MeasureKind, timestamp: string, total: number, item9 = 0): Measure {
  let items: number[] | null = null;
  if (kind === 'phq9') {
    items = Array.from({ length: 9 }, () => 0);
    items[8] = item9;
    let rest = total - item9;
    for (let index = 0; index < 8 && rest > 0; index++) {
      items[index] = Math.min(3, rest);
      rest -= items[index]!;
    }
  }
  return { measure_id: `m${next++}`, client_id: 'c1', measure: kind, timestamp, session_id: null, items, total, created_at: timestamp };
}

function report(overrides: Partial<ReportInput>) {
  return buildReport({
    clientId: 'c1', now, range: { start, end }, sessions: rising, goals: [], history: [], milestones: [],
    lastSession: rising[rising.length - 1]!.timestamp, openRisks: [], ...overrides,
  }).report;
}

describe('measures in the trajectory rule', () => {
  it('never says improving when mood rises but the PHQ-9 reliably deteriorated (9 → 15, +6)', () => {
    const result = report({ measures: [measure('phq9', on(10, 5), 9), measure('phq9', on(11, 23), 15)] });
    expect(result.overall_emotional_trend.trend_direction).toBe('improving');
    expect(result.measures.measures[0]).toMatchObject({ change: 6, reliable_change: 'reliable_deterioration' });
    expect(result).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(result.concerns).toEqual([
      'PHQ-9 reliably deteriorated (9 → 15)',
      'PHQ-9 at caseness (latest 15, moderately severe, on 2026-11-23; caseness ≥ 10)',
    ]);
    expect(result.headline).toMatch(/^declining — PHQ-9 reliably deteriorated \(9 → 15\); PHQ-9 at caseness/);
    expect(result.recommendations).toContain(
      'PHQ-9 reliably deteriorated (9 on 2026-10-05 → 15, moderately severe): review the treatment plan and the risk assessment with the client.',
    );
    expect(result.summary).toContain('Overall trajectory: declining — PHQ-9 reliably deteriorated');
  });

  it('lets rising mood decide when the PHQ-9 rose less than 6 (9 → 14), and names its caseness', () => {
    const result = report({ measures: [measure('phq9', on(10, 5), 9), measure('phq9', on(11, 23), 14)] });
    expect(result.measures.measures[0]!.reliable_change).toBe('no_reliable_change');
    // mood +1, measures 0: the votes sum to +1.
    expect(result).toMatchObject({ overall_trajectory: 'improving', trajectory_rule: 6 });
    expect(result.concerns).toEqual(['PHQ-9 at caseness (latest 14, moderate, on 2026-11-23; caseness ≥ 10)']);
    expect(result.recommendations).toContain(
      'PHQ-9 is at caseness (latest 14, moderate, on 2026-11-23) and not reliably improved since its baseline ' +
      '(9 on 2026-10-05): review whether the treatment plan is working.',
    );
  });

  it('says declining when one measure reliably improved and another deteriorated (PHQ-9 15 → 9, GAD-7 5 → 9)', () => {
    const result = report({
      measures: [measure('phq9', on(10, 5), 15), measure('gad7', on(10, 5), 5), measure('phq9', on(11, 23), 9), measure('gad7', on(11, 23), 9)],
    });
    expect(result.measures.measures.map((m) => [m.measure, m.change, m.reliable_change])).toEqual([
      ['phq9', -6, 'reliable_improvement'], ['gad7', 4, 'reliable_deterioration'],
    ]);
    expect(result).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(result.concerns).toEqual([
      'GAD-7 reliably deteriorated (5 → 9)', 'GAD-7 at caseness (latest 9, mild, on 2026-11-23; caseness ≥ 8)',
    ]);
  });

  it('says declining on a deterioration even without a session in the timeframe', () => {
    const result = report({ sessions: [], lastSession: undefined, measures: [measure('gad7', on(10, 5), 3), measure('gad7', on(11, 2), 7)] });
    expect(result).toMatchObject({ sessions_count: 0, overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(result.concerns).toEqual(['GAD-7 reliably deteriorated (3 → 7)', 'no sessions in this timeframe']);
  });

  it('claims nothing from an improvement without a session (row 2)', () => {
    const result = report({ sessions: [], lastSession: undefined, measures: [measure('phq9', on(10, 5), 16), measure('phq9', on(11, 2), 4)] });
    expect(result).toMatchObject({ overall_trajectory: 'insufficient_data', trajectory_rule: 2 });
  });

  it('carries a steady timeframe to improving on a reliable improvement (CORE-10 20 → 13, −7), but not on −6', () => {
    const improved = report({ sessions: steady, measures: [measure('core10', on(10, 5), 20), measure('core10', on(11, 23), 13)] });
    expect(improved.overall_emotional_trend.trend_direction).toBe('stable');
    expect(improved.measures.measures[0]!.reliable_change).toBe('reliable_improvement');
    expect(improved).toMatchObject({ overall_trajectory: 'improving', trajectory_rule: 6 });
    // 13 is still at caseness (≥ 11): no recommendation (it improved), but a concern; a total
    // without its items leaves item 6 unknown (13 < 37 proves nothing): ask about it.
    expect(improved.concerns).toEqual([
      "CORE-10 item 6 (plans to end one's life) unknown: total only on 2026-11-23; ask about it",
      'CORE-10 at caseness (latest 13, mild, on 2026-11-23; caseness ≥ 11)',
    ]);
    expect(improved.recommendations.some((sentence) => sentence.startsWith('CORE-10'))).toBe(false);

    const notReliably = report({ sessions: steady, measures: [measure('core10', on(10, 5), 20), measure('core10', on(11, 23), 14)] });
    expect(notReliably).toMatchObject({ overall_trajectory: 'stable', trajectory_rule: 8 });
  });

  it('is mixed when measures improve and mood falls', () => {
    const falling = rising.map((row) => ({ ...row, emotional_score: -row.emotional_score }));
    const result = report({ sessions: falling, measures: [measure('phq9', on(10, 5), 16), measure('phq9', on(11, 23), 8)] });
    expect(result).toMatchObject({ overall_trajectory: 'mixed', trajectory_rule: 4 });
  });

  it('takes a PHQ-9 item 9 above 0 as a crisis: rising mood and improving measures are mixed (row 5)', () => {
    // Totals 12 → 3: −9, a reliable improvement; the latest answers item 9 with 1 on a total of 3.
    const result = report({ measures: [measure('phq9', on(10, 5), 12), measure('phq9', on(11, 23), 3, 1)] });
    expect(result.measures.measures[0]!.reliable_change).toBe('reliable_improvement');
    expect(result).toMatchObject({ overall_trajectory: 'mixed', trajectory_rule: 5 });
    expect(result.concerns).toEqual(['PHQ-9 item 9 answered 1 on 2026-11-23']);
  });

  it('gives no measure vote to a measure taken once, and keeps its caseness as a concern', () => {
    const result = report({ sessions: steady, measures: [measure('gad7', on(11, 2), 10)] });
    expect(result).toMatchObject({ overall_trajectory: 'stable', trajectory_rule: 8 });
    expect(result.concerns).toEqual(['GAD-7 at caseness (latest 10, moderate, on 2026-11-02; caseness ≥ 8)']);
    expect(result.recommendations).not.toContain('No rule raised a concern: continue the current plan and review progress again next month.');
  });
});
