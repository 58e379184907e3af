import type { ChalkInstance } from 'chalk';
import { textWidth } from './text-width.js';
import { renderColumns, type Cell } from './columns.js';
import type { TrendSummary, TrendsReport } from '../core/trends.js';
import { renderTrendChart } from './chart.js';
import { renderMeasuresSection } from './measures-section.js';
import { day, when, wrapWhole } from './format.js';
import { openRiskLines } from './risks.js';
import { moodRatingsLine } from './labels.js';
import { directionLabel, meanLabel, periodRange, signed, trendLine } from './trend-text.js';

export function renderPeriodTable(periods: readonly TrendSummary[], style: ChalkInstance, tableWidth = Infinity): string {
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
      period.slope_per_30_days === null ? '' : signed(period.slope_per_30_days),
    ];
    rows.push(empty ? cells.map((cell) => style.dim(cell)) : cells);
  }
  return renderColumns(rowsHead, rows, style, { width: tableWidth });
}

export function renderTrends(trends: TrendsReport, style: ChalkInstance, columns: number, tableWidth = Infinity): string {
  const title = `Emotional trend of ${trends.client_id}`;
  const span = `${day(trends.timeframe_start)} – ${day(trends.timeframe_end)}, by ${trends.by}`;
  return [
    ...openRiskLines(trends.client_id, trends.open_risks, style, tableWidth),
    ...(trends.open_risks.length > 0 ? [''] : []),
    title.length + 2 + span.length <= tableWidth ? `${style.bold(title)}  ${span}` : `${style.bold(title)}\n${span}`,
    '',
    renderTrendChart(trends.periods, trends.by, style, columns),
    '',
    ...fitParts(`${style.bold('Overall')}  `, trendLine(trends.overall, style).split(' · '), ' · ', tableWidth),
    ...ratingsLines(trends, style),
    ...crisisLines(trends, style, tableWidth),
    '',
    renderPeriodTable(trends.periods, style, tableWidth),
    ...(trends.measures.measures.length === 0
      ? []
      : ['', style.bold('Outcome measures'), renderMeasuresSection(trends.measures, style, Math.min(columns, tableWidth))]),
  ].join('\n');
}

/** Parts joined by `separator`, broken between parts onto indented lines to fit `width`. */
function fitParts(lead: string, parts: string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  let current = lead;
  for (const part of parts) {
    const joined = current === lead ? current + part : current + separator + part;
    if (current !== lead && textWidth(joined) > width) {
      lines.push(current.trimEnd());
      current = `         ${part}`;
    } else {
      current = joined;
    }
  }
  lines.push(current);
  return lines;
}

/** Crisis flags are never out of sight: one red line per flagged session in the timeframe. */
function crisisLines(trends: TrendsReport, style: ChalkInstance, width: number): string[] {
  if (trends.crisis_events.length === 0) return [];
  return [
    '',
    style.red.bold(`⚠ CRISIS FLAGS in ${trends.crisis_events.length} session${trends.crisis_events.length === 1 ? '' : 's'}`),
    ...trends.crisis_events.flatMap((event) =>
      wrapWhole(`  ${when(event.timestamp)}  ${event.session_id}`, event.crisis_flags, width).map((line) => style.red(line))),
  ];
}

/** How many moods a machine estimated, and whether the figures count them (issue 25). */
function ratingsLines(trends: TrendsReport, style: ChalkInstance): string[] {
  // A document from before the label (the library's callers) has none.
  const line = trends.mood_ratings ? moodRatingsLine(trends.mood_ratings) : null;
  return line === null ? [] : [style.yellow(line)];
}
