import type { ChalkInstance } from 'chalk';
import type { TrendDirection } from '../core/stats.js';
import { noTrendReason } from '../core/stats.js';
import type { TrendSummary } from '../core/trends.js';
import { day } from './format.js';

/** The words and numbers of a trend, shared by `tpt trends` and `tpt report` (no table code). */

export const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;

/**
 * A mean score with its sign, as precise as in JSON (4 decimals at most: one precision in text,
 * tables and JSON, each figure rounded once), or – when there was no session.
 */
export function meanLabel(value: number | null, aligned = false): string {
  if (value === null) return '–';
  // In a column, a space stands for the sign of 0 so the means line up.
  return `${value > 0 ? '+' : value === 0 && aligned ? ' ' : ''}${value}`;
}

export function directionLabel(direction: TrendDirection, style: ChalkInstance): string {
  if (direction === 'improving') return style.green(direction);
  if (direction === 'declining') return style.yellow(direction);
  if (direction === 'insufficient_data') return style.dim('insufficient data');
  return direction;
}

/** `mean +0.35 · improving (+0.52 / 30 days) · volatility 0.81 · 12 sessions` */
export function trendLine(trend: TrendSummary, style: ChalkInstance): string {
  if (trend.data_points === 0) return 'no sessions in this timeframe';
  const direction = trend.slope_per_30_days === null
    ? style.dim(noTrendReason(trend))
    : `${directionLabel(trend.trend_direction, style)} (${signed(trend.slope_per_30_days)} / 30 days)`;
  const count = `${trend.data_points} session${trend.data_points === 1 ? '' : 's'}`;
  return [`mean ${meanLabel(trend.avg_emotional_score)}`, direction, `volatility ${trend.volatility}`, count].join(' · ');
}

/** A period as local dates: `2026-11-02 – 2026-11-08`, or one date for a day. */
export function periodRange(period: TrendSummary): string {
  const [from, to] = [day(period.period_start), day(period.period_end)];
  return from === to ? from : `${from} – ${to}`;
}
