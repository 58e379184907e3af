import { describe, expect, it } from 'vitest';
import { ScoreAccumulator, directionOf, round4, roundRatio, roundSqrtRatio, scoreStatistics } from '../../src/core/stats.js';

// TZ=Europe/Berlin; day 0 is 1970-01-01 00:00 UTC, 01:00 local, so days stay whole local days.
const DAY = 86_400_000;
const points = (...pairs: [number, number][]) => pairs.map(([days, score]) => ({ at: days * DAY, score }));

describe('score statistics (SPEC §3)', () => {
  it('gives mean 0, sample volatility 1.5811 and slope 4.2857 for scores -2..2 a week apart', () => {
    // mean (−2−1+0+1+2)/5 = 0; Σ(y−ȳ)² = 10 → sample SD √(10/4) = 1.5811 (population would be √2 = 1.4142)
    // x = 0,7,14,21,28 days: Sxx = 196+49+0+49+196 = 490, Sxy = 28+7+0+7+28 = 70 → 1/7 per day → 4.2857 per 30 days
    const stats = scoreStatistics(points([0, -2], [7, -1], [14, 0], [21, 1], [28, 2]));
    expect(stats).toEqual({
      avg_emotional_score: 0,
      trend_direction: 'improving',
      volatility: 1.5811,
      slope_per_30_days: 4.2857,
      data_points: 5,
    });
  });

  it('gives the same numbers for real 2026 timestamps, in any time origin', () => {
    const monday = Date.UTC(2026, 2, 2, 9, 0);
    const accumulator = new ScoreAccumulator(Date.UTC(2026, 0, 1));
    [-2, -1, 0, 1, 2].forEach((score, week) => accumulator.add(monday + week * 7 * DAY, score));
    expect(accumulator.result()).toMatchObject({ volatility: 1.5811, slope_per_30_days: 4.2857 });
  });

  it('reports a falling series as declining with the negated slope', () => {
    const stats = scoreStatistics(points([0, 2], [7, 1], [14, 0], [21, -1], [28, -2]));
    expect(stats.slope_per_30_days).toBe(-4.2857);
    expect(stats.trend_direction).toBe('declining');
  });

  it('has no mean, no spread, no slope and no direction with no session', () => {
    expect(scoreStatistics([])).toEqual({
      avg_emotional_score: null, trend_direction: 'insufficient_data', volatility: 0, slope_per_30_days: null, data_points: 0,
    });
  });

  it('has a mean but volatility 0 and no slope with one session', () => {
    expect(scoreStatistics(points([3, -1]))).toEqual({
      avg_emotional_score: -1, trend_direction: 'insufficient_data', volatility: 0, slope_per_30_days: null, data_points: 1,
    });
  });

  it('gives spread but no slope with two sessions', () => {
    // −1 then +1 ten days apart: mean 0; sample SD √((1+1)/1) = 1.4142
    expect(scoreStatistics(points([0, -1], [10, 1]))).toEqual({
      avg_emotional_score: 0, trend_direction: 'insufficient_data', volatility: 1.4142, slope_per_30_days: null, data_points: 2,
    });
  });

  it('needs 14 days between the first and last session, and 3 distinct local days, for a slope', () => {
    // Three sessions one afternoon (−2, 0, −1): the old slope was +51.4286 per 30 days.
    const afternoon = [14, 15, 16].map((hour, i) => ({ at: Date.UTC(2026, 6, 1, hour), score: [-2, 0, -1][i]! }));
    expect(scoreStatistics(afternoon)).toMatchObject({ avg_emotional_score: -1, trend_direction: 'insufficient_data', slope_per_30_days: null });
    // 13.99 days is not enough; 14 days exactly is.
    expect(scoreStatistics(points([0, 0], [7, 1], [13.99, 2])).slope_per_30_days).toBeNull();
    expect(scoreStatistics(points([0, 0], [7, 1], [14, 2])).slope_per_30_days).toBe(4.2857);
    // Over 20 days but on two days only.
    expect(scoreStatistics(points([0, 0], [0.1, 1], [20, 2])).slope_per_30_days).toBeNull();
  });

  it('gives no slope for sessions at the same instant, but their spread', () => {
    // scores 1, 2, 0 at one instant: mean 1; Σ(y−ȳ)² = 0+1+1 = 2 → SD √(2/2) = 1
    expect(scoreStatistics(points([5, 1], [5, 2], [5, 0]))).toEqual({
      avg_emotional_score: 1, trend_direction: 'insufficient_data', volatility: 1, slope_per_30_days: null, data_points: 3,
    });
  });

  it('handles two sessions at one instant among others', () => {
    // x = 0, 0, 15, 30 days; y = 0, 2, 1, 2: n = 4, Σx = 45, Σx² = 1125, Σy = 5, Σxy = 75
    // slope = (4·75 − 45·5) / (4·1125 − 45²) = 75/2475 per day → 0.90909 → 0.9091 per 30 days
    expect(scoreStatistics(points([0, 0], [0, 2], [15, 1], [30, 2])).slope_per_30_days).toBe(0.9091);
  });

  it('puts the direction thresholds at exactly ±0.25 per 30 days', () => {
    expect(directionOf(0.25)).toBe('improving');
    expect(directionOf(0.2499)).toBe('stable');
    expect(directionOf(-0.2499)).toBe('stable');
    expect(directionOf(-0.25)).toBe('declining');
    // 0, 0, 1 at days 0, 60, 120: slope (3·120 − 180·1)/(3·18000 − 180²) = 180/21600 per day → 0.25 per 30 days
    expect(scoreStatistics(points([0, 0], [60, 0], [120, 1]))).toMatchObject({ slope_per_30_days: 0.25, trend_direction: 'improving' });
  });

  it('rounds from exact values, half away from zero', () => {
    // 39/32 = 1.21875 exactly: a running mean in floating point gave 1.2187.
    expect(roundRatio(39n, 32n)).toBe(1.2188);
    expect(roundRatio(-39n, 32n)).toBe(-1.2188);
    expect(roundRatio(1n, 3n)).toBe(0.3333);
    expect(roundRatio(2n, 3n)).toBe(0.6667);
    const scores = [...Array(7).fill(2), ...Array(25).fill(1)] as number[];
    expect(scoreStatistics(scores.map((score, i) => ({ at: i * 2 * DAY, score }))).avg_emotional_score).toBe(1.2188);
    // √(p/q) rounded at the 4th decimal: √2 = 1.41421… → 1.4142; √(2.25) = 1.5 exactly; √(1.00005²) ties upward.
    expect(roundSqrtRatio(2n, 1n)).toBe(1.4142);
    expect(roundSqrtRatio(9n, 4n)).toBe(1.5);
    expect(roundSqrtRatio(100010000250000n, 100000000000000n)).toBe(1.0001);
    expect(roundSqrtRatio(0n, 5n)).toBe(0);
  });

  it('rounds measured values to 4 decimals, half away from zero, and never prints -0', () => {
    expect(round4(1 / 3)).toBe(0.3333);
    expect(round4(-2.5)).toBe(-2.5);
    expect(round4(-1.23456)).toBe(-1.2346);
    expect(Object.is(round4(-0.00001), 0)).toBe(true);
  });
});
