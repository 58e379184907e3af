import Table from 'cli-table3';
import type { ChalkInstance } from 'chalk';
import type { TrendDirection } from '../core/stats.js';
import type { TrendSummary, TrendsReport } from '../core/trends.js';
import { renderTrendChart } from './chart.js';
import { day } from './format.js';

/** A borderless, compact table, as the other listings draw them. */
export function plainTable(head: string[], style: ChalkInstance): Table.Table {
  return new Table({
    head: head.map((title) => style.bold(title)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '',
      'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      right: '', 'right-mid': '', middle: '',
    },
  });
}

export const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;

/** A mean score with two decimals and its sign, or – when there was no session. */
export function meanLabel(value: number | null): string {
  if (value === null) return '–';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}`;
}

export function directionLabel(direction: TrendDirection, style: ChalkInstance): string {
  if (direction === 'improving') return style.green(direction);
  if (direction === 'declining') return style.yellow(direction);
  if (direction === 'insufficient_data') return style.dim('too few');
  return direction;
}

/** `mean +0.35 · improving (+0.52 / 30 days) · volatility 0.81 · 12 sessions` */
export function trendLine(trend: TrendSummary, style: ChalkInstance): string {
  if (trend.data_points === 0) return 'no sessions in this timeframe';
  const direction = trend.trend_direction === 'insufficient_data'
    ? style.dim('too few sessions for a trend (3 needed)')
    : `${directionLabel(trend.trend_direction, style)} (${signed(trend.slope_per_30_days)} / 30 days)`;
  const count = `${trend.data_points} session${trend.data_points === 1 ? '' : 's'}`;
  return [`mean ${meanLabel(trend.avg_emotional_score)}`, direction, `volatility ${trend.volatility}`, count].join(' · ');
}

/** A period as local dates: `2026-11-02 – 2026-11-08`, or one date for a day. */
export function periodRange(period: TrendSummary): string {
  const [from, to] = [day(period.period_start), day(period.period_end)];
  return from === to ? from : `${from} – ${to}`;
}

export function renderPeriodTable(periods: readonly TrendSummary[], style: ChalkInstance): string {
  const rows = plainTable(['Period', 'Sessions', 'Mean', 'Trend', 'Volatility', 'Slope/30d'], style);
  for (const period of periods) {
    const empty = period.data_points === 0;
    const cells = [
      periodRange(period),
      String(period.data_points),
      meanLabel(period.avg_emotional_score),
      empty ? '' : directionLabel(period.trend_direction, style),
      empty ? '' : String(period.volatility),
      empty || period.data_points < 2 ? '' : signed(period.slope_per_30_days),
    ];
    rows.push(empty ? cells.map((cell) => style.dim(cell)) : cells);
  }
  return rows.toString();
}

export function renderTrends(trends: TrendsReport, style: ChalkInstance, columns: number): string {
  return [
    `${style.bold(`Emotional trend of ${trends.client_id}`)}  ${day(trends.timeframe_start)} – ${day(trends.timeframe_end)}, by ${trends.by}`,
    '',
    renderTrendChart(trends.periods, trends.by, style, columns),
    '',
    `${style.bold('Overall')}  ${trendLine(trends.overall, style)}`,
    '',
    renderPeriodTable(trends.periods, style),
  ].join('\n');
}
