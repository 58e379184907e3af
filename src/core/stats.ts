/**
 * The numbers of SPEC §3 over emotional scores in time. One pass, constant memory: the
 * accumulator takes the scores as the database streams them and never holds the rows.
 */

export type TrendDirection = 'improving' | 'stable' | 'declining' | 'insufficient_data';

/** The slope per 30 days at or beyond which a trend counts as improving (or, negated, declining). */
export const DIRECTION_THRESHOLD = 0.25;

/** Fewer points than this and no direction is claimed. */
export const MIN_POINTS_FOR_DIRECTION = 3;

const DAY_MS = 86_400_000;

export interface ScoreStatistics {
  avg_emotional_score: number | null;
  trend_direction: TrendDirection;
  volatility: number;
  slope_per_30_days: number;
  data_points: number;
}

/**
 * Running mean, variance and least-squares co-moments (Welford's updates, which stay exact for
 * sessions at one instant and do not lose precision to large epoch values).
 */
export class ScoreAccumulator {
  private n = 0;
  private meanX = 0;
  private meanY = 0;
  /** Σ(x − x̄)², Σ(x − x̄)(y − ȳ), Σ(y − ȳ)², kept up to date as points arrive. */
  private sxx = 0;
  private sxy = 0;
  private syy = 0;

  /** `at` in epoch milliseconds; x is measured in days from `origin` (also epoch ms). */
  constructor(private readonly origin = 0) {}

  add(at: number, score: number): void {
    const x = (at - this.origin) / DAY_MS;
    this.n += 1;
    const dx = x - this.meanX;
    const dy = score - this.meanY;
    this.meanX += dx / this.n;
    this.meanY += dy / this.n;
    this.sxx += dx * (x - this.meanX);
    this.sxy += dx * (score - this.meanY);
    this.syy += dy * (score - this.meanY);
  }

  get count(): number {
    return this.n;
  }

  result(): ScoreStatistics {
    const n = this.n;
    // Sample standard deviation (n − 1); 0 when there is no spread to speak of (SPEC §3).
    const volatility = n < 2 ? 0 : Math.sqrt(Math.max(0, this.syy) / (n - 1));
    // With every session at one instant, time explains nothing: the slope is 0, not infinite.
    const slopePerDay = n < 2 || this.sxx <= 0 ? 0 : this.sxy / this.sxx;
    const slope = round4(slopePerDay * 30);
    return {
      avg_emotional_score: n === 0 ? null : round4(this.meanY),
      trend_direction: directionOf(slope, n),
      volatility: round4(volatility),
      slope_per_30_days: slope,
      data_points: n,
    };
  }
}

/** The direction of SPEC §3, decided on the slope as shown (rounded to 4 decimals). */
export function directionOf(slopePer30Days: number, dataPoints: number): TrendDirection {
  if (dataPoints < MIN_POINTS_FOR_DIRECTION) return 'insufficient_data';
  if (slopePer30Days >= DIRECTION_THRESHOLD) return 'improving';
  if (slopePer30Days <= -DIRECTION_THRESHOLD) return 'declining';
  return 'stable';
}

/** The statistics of a list of (epoch ms, score) points. */
export function scoreStatistics(points: readonly { at: number; score: number }[]): ScoreStatistics {
  const accumulator = new ScoreAccumulator(points[0]?.at ?? 0);
  for (const point of points) accumulator.add(point.at, point.score);
  return accumulator.result();
}

/** Rounds to 4 decimals for output; never yields -0. */
export function round4(value: number): number {
  const rounded = Math.round(value * 10_000) / 10_000;
  return rounded === 0 ? 0 : rounded;
}
