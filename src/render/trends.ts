import type { ChalkInstance } from 'chalk';
import { renderColumns, type Cell } from './columns.js';
import type { TrendSummary, TrendsReport } from '../core/trends.js';
import { renderTrendChart } from './chart.js';
import { day, when } from './format.js';
import { openRiskLines } from './risks.js';
import { directionLabel, meanLabel, periodRange, signed, trendLine } from './trend-text.js';

export function renderPeriodTable(periods: readonly TrendSummary[], style: ChalkInstance): string {
  const rowsHead = ['Period', 'Sessions', 'Mean', 'Trend', 'Volatility', 'Slope/30d'];
  const rows: Cell[][] = [];
  for (const period of periods) {
    const empty = period.data_points === 0;
    const cells = [
      periodRange(period),
      String(period.data_points),
      meanLabel(period.avg_emotional_score, true),
      empty ? '' : directionLabel(period.trend_direction, style),
      empty ? '' : String(period.volatility),
      empty || period.data_points < 2 ? '' : signed(period.slope_per_30_days),
    ];
    rows.push(empty ? cells.map((cell) => style.dim(cell)) : cells);
  }
  return renderColumns(rowsHead, rows, style);
}

export function renderTrends(trends: TrendsReport, style: ChalkInstance, columns: number): string {
  return [
    ...openRiskLines(trends.client_id, trends.open_risks, style),
    ...(trends.open_risks.length > 0 ? [''] : []),
    `${style.bold(`Emotional trend of ${trends.client_id}`)}  ${day(trends.timeframe_start)} – ${day(trends.timeframe_end)}, by ${trends.by}`,
    '',
    renderTrendChart(trends.periods, trends.by, style, columns),
    '',
    `${style.bold('Overall')}  ${trendLine(trends.overall, style)}`,
    ...crisisLines(trends, style),
    '',
    renderPeriodTable(trends.periods, style),
  ].join('\n');
}

/** Crisis flags are never out of sight: one red line per flagged session in the timeframe. */
function crisisLines(trends: TrendsReport, style: ChalkInstance): string[] {
  if (trends.crisis_events.length === 0) return [];
  return [
    '',
    style.red.bold(`⚠ CRISIS FLAGS in ${trends.crisis_events.length} session${trends.crisis_events.length === 1 ? '' : 's'}`),
    ...trends.crisis_events.map((event) =>
      style.red(`  ${when(event.timestamp)}  ${event.session_id}  ${event.crisis_flags.join(', ')}`)),
  ];
}
