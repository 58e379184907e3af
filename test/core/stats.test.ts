import { describe, expect, it } from 'vitest';
import { ScoreAccumulator, directionOf, round4, scoreStatistics } from '../../src/core/stats.js';

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

  it('has no mean, no spread and no direction with no session', () => {
    expect(scoreStatistics([])).toEqual({
      avg_emotional_score: null, trend_direction: 'insufficient_data', volatility: 0, slope_per_30_days: 0, data_points: 0,
    });
  });

  it('has a mean but volatility 0 and no direction with one session', () => {
    expect(scoreStatistics(points([3, -1]))).toEqual({
      avg_emotional_score: -1, trend_direction: 'insufficient_data', volatility: 0, slope_per_30_days: 0, data_points: 1,
    });
  });

  it('computes spread and slope but claims no direction with two sessions', () => {
    // −1 then +1 ten days apart: mean 0; sample SD √((1+1)/1) = 1.4142; slope 2/10 per day → 6 per 30 days
    expect(scoreStatistics(points([0, -1], [10, 1]))).toEqual({
      avg_emotional_score: 0, trend_direction: 'insufficient_data', volatility: 1.4142, slope_per_30_days: 6, data_points: 2,
    });
  });

  it('gives slope 0 (stable) for sessions at the same instant', () => {
    // scores 1, 2, 0 at one instant: mean 1; Σ(y−ȳ)² = 0+1+1 = 2 → SD √(2/2) = 1; no time spread → slope 0
    expect(scoreStatistics(points([5, 1], [5, 2], [5, 0]))).toEqual({
      avg_emotional_score: 1, trend_direction: 'stable', volatility: 1, slope_per_30_days: 0, data_points: 3,
    });
  });

  it('handles two sessions at one instant among others', () => {
    // x = 0, 0, 30; y = 0, 2, 2: x̄ = 10, ȳ = 4/3; Sxx = 100+100+400 = 600;
    // Sxy = (−10)(−4/3) + (−10)(2/3) + 20(2/3) = 40/3 − 20/3 + 40/3 = 20 → 1/30 per day → 1 per 30 days
    expect(scoreStatistics(points([0, 0], [0, 2], [30, 2])).slope_per_30_days).toBe(1);
  });

  it('puts the direction thresholds at exactly ±0.25 per 30 days', () => {
    expect(directionOf(0.25, 3)).toBe('improving');
    expect(directionOf(0.2499, 3)).toBe('stable');
    expect(directionOf(-0.2499, 3)).toBe('stable');
    expect(directionOf(-0.25, 3)).toBe('declining');
    expect(directionOf(9, 2)).toBe('insufficient_data');
    // 0, 0.25, 0.5 thirty days apart: Sxy/Sxx = 15/1800 per day → 0.25 per 30 days, improving
    expect(scoreStatistics(points([0, 0], [30, 0.25], [60, 0.5])).trend_direction).toBe('improving');
  });

  it('rounds to 4 decimals and never prints -0', () => {
    expect(round4(1 / 3)).toBe(0.3333);
    expect(Object.is(round4(-0.00001), 0)).toBe(true);
  });
});
