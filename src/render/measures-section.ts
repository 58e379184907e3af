import { plot } from 'asciichart';
import type { ChalkInstance } from 'chalk';
import type { MeasuresSection, MeasureTrend, MeasurePoint } from '../core/measure-summary.js';
import { day } from './format.js';
import { fitParts } from './fit-parts.js';

const signed = (n: number) => (n > 0 ? `+${n}` : n === 0 ? '±0' : String(n));
const ttDates = (tt: NonNullable<MeasuresSection['talking_therapies']>) =>
  `PHQ-9 ${tt.phq9_first.total} (${day(tt.phq9_first.timestamp)}) → ${tt.phq9_last.total} (${day(tt.phq9_last.timestamp)}), ` +
  `GAD-7 ${tt.gad7_first.total} (${day(tt.gad7_first.timestamp)}) → ${tt.gad7_last.total} (${day(tt.gad7_last.timestamp)})`;
const pointText = (point: MeasurePoint) => `${point.total} ${point.band} (${day(point.timestamp)})` +
  `${point.items_known ? '' : ' total only'}${point.missing_items.length > 0 ? ' pro-rated' : ''}`;

/**
 * Each measure's scores on its own fixed scale (0 to its maximum), one column step per score,
 * with its caseness line dotted across: the same measure always charts the same way.
 */
export function renderMeasureChart(trend: MeasureTrend, style: ChalkInstance, width: number): string {
  const totals = trend.scores.map((point) => point.total);
  const step = Math.max(1, Math.min(6, Math.floor((width - 10) / Math.max(1, totals.length - 1))));
  const series: number[] = [];
  totals.forEach((total, index) => {
    if (index === 0) return series.push(total);
    const from = totals[index - 1]!;
    for (let s = 1; s <= step; s++) series.push(from + ((total - from) * s) / step);
    return undefined;
  });
  const height = 8;
  const rows = plot(series, {
    min: 0, max: trend.max, height, format: (value: number) => String(Math.round(value)).padStart(4),
  }).split('\n');
  // asciichart's rows run from max (row 0) to 0 (row `height`): the caseness line is dotted where the scores are not.
  const casenessRow = Math.round(((trend.max - trend.caseness) / trend.max) * height);
  return [
    ...rows.map((row, index) => {
      const axis = row.slice(0, 6);
      let plotted = row.slice(6).padEnd(series.length);
      if (index === casenessRow) plotted = plotted.replace(/ /g, '┄');
      return axis + style.cyan(plotted.trimEnd());
    }),
    style.dim(`      ${trend.name} 0-${trend.max}, one step per score, oldest first; ┄ caseness (${trend.caseness})`),
  ].join('\n');
}

/** With two scores the previous one is the first: said once, not twice. */
const isOwnPrevious = (trend: MeasureTrend) => trend.previous !== null && trend.previous.measure_id !== trend.first.measure_id;

function trendLines(trend: MeasureTrend, style: ChalkInstance, width: number): string[] {
  const change = (trend.previous === null ? style.dim('one score') : `change ${signed(trend.change)} since the first`) +
    (trend.baseline.measure_id === trend.first.measure_id ? '' : `, ${signed(trend.change_from_baseline)} since the baseline`);
  // Each score and each flag whole: a line too long for the terminal breaks between them.
  const lines = [
    ...fitParts([`  ${style.bold(trend.name)}`, `${trend.count} score${trend.count === 1 ? '' : 's'};`,
      ...change.split(' ').map((word) => ({ text: word, gap: ' ' }))], width, '    '),
    ...fitParts([
      trend.baseline.measure_id === trend.first.measure_id ? `    baseline = first ${pointText(trend.first)}`
        : `    baseline ${pointText(trend.baseline)}  first ${pointText(trend.first)}`,
      isOwnPrevious(trend) ? `previous ${pointText(trend.previous!)}` : '', `latest ${pointText(trend.latest)}`,
    ], width, '    '),
  ];
  // The risk item's answers on a line of their own, in red: never lost at the end of a long line.
  const plain = trend.flags.filter((flag) => !flag.startsWith('item '));
  lines.push(...fitParts(plain.map((flag, index) => `${index === 0 ? '    ' : ''}${flag}${index < plain.length - 1 ? ';' : ''}`), width, '    ', ' '));
  for (const flag of trend.flags.filter((flag) => flag.startsWith('item '))) {
    lines.push(...fitParts(`⚠ ${flag}`.split(' ').map((word, index) => (index === 0 ? `    ${word}` : word)), width, '      ', ' ')
      .map((line) => style.red.bold(line)));
  }
  return lines;
}

export function renderMeasuresSection(section: MeasuresSection, style: ChalkInstance, width: number): string {
  if (section.measures.length === 0) return style.dim('  No outcome measures in this timeframe.');
  const out: string[] = [];
  for (const trend of section.measures) {
    out.push(...trendLines(trend, style, width));
    if (trend.count > 1) out.push(renderMeasureChart(trend, style, width));
  }
  const tt = section.talking_therapies;
  if (tt) {
    const words = `NHS Talking Therapies (${ttDates(tt)}): ${talkingTherapiesWords(tt)}`.split(' ');
    out.push(...fitParts(words.map((word, index) => (index === 0 ? `  ${word}` : word)), width, '    ', ' '));
  }
  return out.join('\n');
}

export function talkingTherapiesWords(tt: NonNullable<MeasuresSection['talking_therapies']>): string {
  if (!tt.at_caseness_at_start) {
    return 'not at caseness at the start (recovery does not apply)' +
      (tt.reliable_improvement ? '; reliable improvement' : tt.reliable_deterioration ? '; reliable deterioration' : '');
  }
  const words = [tt.reliable_recovery ? 'reliable recovery' : tt.recovery ? 'recovery' : 'not recovered'];
  if (tt.reliable_improvement) words.push('reliable improvement');
  if (tt.reliable_deterioration) words.push('reliable deterioration');
  if (!tt.reliable_improvement && !tt.reliable_deterioration) words.push('no reliable change');
  return words.join('; ');
}

/** The section as Markdown: a table of the measures, then the Talking Therapies outcome. */
export function renderMeasuresMarkdown(section: MeasuresSection, escape: (text: string) => string): string {
  if (section.measures.length === 0) return '_No outcome measures in this timeframe._';
  const cell = (point: MeasurePoint | null) => (point === null ? '–' : escape(pointText(point)));
  const rows = section.measures.map((trend) =>
    `| ${trend.name} | ${trend.count} | ${cell(trend.baseline)} | ${cell(trend.first)} | ${trend.previous !== null && !isOwnPrevious(trend) ? '= first' : cell(trend.previous)} | ${cell(trend.latest)} | ${signed(trend.change)} | ${signed(trend.change_from_baseline)} | ${escape(trend.flags.join('; '))} |`);
  const out = [
    '| measure | scores | baseline | first | previous | latest | change | since baseline | flags |',
    '|---|---|---|---|---|---|---|---|---|', ...rows,
  ];
  const tt = section.talking_therapies;
  if (tt) out.push('', `NHS Talking Therapies (${escape(ttDates(tt))}): ${talkingTherapiesWords(tt)}`);
  return out.join('\n');
}
