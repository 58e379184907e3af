import { plot } from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { Granularity } from '../core/periods.js';
import type { TrendSummary } from '../core/trends.js';

const LABEL_WIDTH = 5;
/** Label, a space, then the axis: where the plot's first column sits. */
const AXIS = LABEL_WIDTH + 1;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const scoreLabel = (value: number) => `${value > 0 ? '+' : ''}${value.toFixed(1)}`.padStart(LABEL_WIDTH);

/**
 * A line chart of the mean score per period on the fixed −2..+2 scale, so charts of different
 * clients compare at a glance. Each period takes `step` columns; between periods with sessions
 * the line is drawn straight across empty ones, and a marker row under the chart shows which
 * periods had sessions (●) and which had none (·). Before the first and after the last period
 * with sessions nothing is drawn.
 */
export function renderTrendChart(
  periods: readonly TrendSummary[], by: Granularity, style: ChalkInstance, columns: number,
): string {
  const known = periods.flatMap((period, index) => (period.avg_emotional_score === null ? [] : [index]));
  if (known.length === 0) return style.dim('No sessions in this timeframe: nothing to chart.');
  const n = periods.length;
  const room = Math.max(10, columns - AXIS - 2);
  if (n > room) {
    return style.dim(`${n} periods do not fit a chart ${columns} columns wide: choose a larger --by or a shorter timeframe.`);
  }
  const step = n > 1 ? Math.max(1, Math.min(8, Math.floor((room - 1) / (n - 1)))) : 1;
  const first = known[0]! * step;
  const last = known[known.length - 1]! * step;
  const series = seriesOf(periods, known, step);

  const rows = plot(series, { min: -2, max: 2, height: 8, format: scoreLabel }).split('\n');
  // A lone period has no line: a dot marks its mean (rows run +2 to −2 in steps of 0.5).
  const loneRow = first === last ? 4 - Math.round(2 * series[first]!) : -1;
  const drawn = rows.map((row, rowIndex) => {
    const cells = [...row];
    // Segment x joins points x and x+1 and sits at column AXIS + x + 1; the first point is on the axis.
    for (let x = -1; x < series.length; x++) {
      if (x >= first && x < last) continue;
      const column = AXIS + x + 1;
      if (column >= cells.length) break;
      cells[column] = x === -1 ? (row.startsWith('  0.0') ? '┼' : '┤') : ' ';
    }
    if (rowIndex === loneRow) cells[AXIS + first] = '●';
    const text = cells.join('').trimEnd();
    return text.slice(0, AXIS + 1) + style.cyan(text.slice(AXIS + 1));
  });

  const markers = Array.from({ length: AXIS + series.length }, () => ' ');
  const labels = new LabelRow();
  const years = new LabelRow();
  periods.forEach((period, index) => {
    const column = AXIS + index * step;
    markers[column] = period.data_points > 0 ? '●' : '·';
    const start = new Date(period.period_start);
    labels.place(column, periodLabel(start, by));
    const previous = index === 0 ? undefined : new Date(periods[index - 1]!.period_start);
    if (by !== 'year' && (!previous || previous.getFullYear() !== start.getFullYear())) {
      years.place(column, String(start.getFullYear()));
    }
  });
  return [
    ...drawn,
    `${' '.repeat(AXIS)}${style.dim(markers.join('').slice(AXIS).trimEnd())}`,
    labels.toString(),
    ...(by === 'year' ? [] : [years.toString()]),
    ...legend(by, columns).map((line) => style.dim(`${' '.repeat(AXIS)}${line}`)),
  ].join('\n');
}

/** The key under the chart, on as many lines as the terminal's width needs. */
function legend(by: Granularity, columns: number): string[] {
  const parts = [`mean score per ${by}:`, '−2 very negative ·', '0 neutral ·', '+2 very positive;', '● sessions, · none'];
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && AXIS + last.length + 1 + part.length <= columns) lines[lines.length - 1] = `${last} ${part}`;
    else lines.push(part);
  }
  return lines;
}

/** A line of labels placed left to right; one that would touch the previous is left out. */
class LabelRow {
  private text = '';

  place(column: number, label: string): void {
    const free = this.text.length === 0 ? 0 : this.text.length + 1;
    if (column < free) return;
    this.text = this.text.padEnd(column) + label;
  }

  toString(): string {
    return this.text;
  }
}

/** One value per column: periods' means, straight lines across empty periods, held at the ends. */
function seriesOf(periods: readonly TrendSummary[], known: number[], step: number): number[] {
  const values: number[] = [];
  const length = (periods.length - 1) * step + 1;
  let next = 0;
  for (let column = 0; column < length; column++) {
    const position = column / step;
    while (next < known.length - 1 && known[next + 1]! <= position) next++;
    const left = known[next]!;
    const right = known[Math.min(next + 1, known.length - 1)]!;
    const leftValue = periods[left]!.avg_emotional_score!;
    const rightValue = periods[right]!.avg_emotional_score!;
    if (position <= left || right === left) values.push(leftValue);
    else if (position >= right) values.push(rightValue);
    else values.push(leftValue + ((rightValue - leftValue) * (position - left)) / (right - left));
  }
  return values;
}

/** A short label for a period's start (its year goes on the row below): 11-24, Nov, Q4, 2026. */
export function periodLabel(start: Date, by: Granularity): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  switch (by) {
    case 'day':
    case 'week':
      return `${pad(start.getMonth() + 1)}-${pad(start.getDate())}`;
    case 'month':
      return MONTHS[start.getMonth()]!;
    case 'quarter':
      return `Q${Math.floor(start.getMonth() / 3) + 1}`;
    case 'year':
      return String(start.getFullYear());
  }
}
