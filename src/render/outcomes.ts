import { stringify } from 'csv-stringify/sync';
import type { ChalkInstance } from 'chalk';
import type { OutcomeRates, PracticeOutcomes, Rate } from '../core/outcomes.js';
import { renderColumns } from './columns.js';
import { day, printable } from './format.js';

const RATES = ['recovery', 'reliable_improvement', 'reliable_recovery', 'reliable_deterioration'] as const;
const LABEL: Record<(typeof RATES)[number], string> = {
  recovery: 'Recovery', reliable_improvement: 'Reliable improvement', reliable_recovery: 'Reliable recovery',
  reliable_deterioration: 'Reliable deterioration',
};

const percentText = (rate: Rate) => (rate.percent === null ? '–' : `${rate.percent.toFixed(1)}% (${rate.count}/${rate.of})`);
const national = (outcomes: PracticeOutcomes, key: (typeof RATES)[number]) => {
  const value = outcomes.national[key];
  return value === null ? '–' : `${value.toFixed(1)}%`;
};

function ratesTable(outcomes: PracticeOutcomes, rates: OutcomeRates, style: ChalkInstance, width: number): string {
  return renderColumns(
    ['Rate', 'Practice', `England ${outcomes.national.year}`],
    RATES.map((key) => [LABEL[key], percentText(rates[key]), national(outcomes, key)]),
    style, { width },
  );
}

export function renderOutcomes(outcomes: PracticeOutcomes, style: ChalkInstance, _columns = 0, tableWidth = Infinity): string {
  const out: string[] = [
    style.bold(`Practice outcomes ${outcomes.timeframe_start ? day(outcomes.timeframe_start) : 'from the first course'} – ${day(outcomes.timeframe_end)}`),
    style.dim('NHS Talking Therapies definitions, PHQ-9 and GAD-7, first to last score of each course.'),
  ];
  for (const group of outcomes.groups) {
    const who = group.clinician === null ? 'All clinicians' : `Clinician ${printable(group.clinician)}`;
    for (const status of ['ended', 'ongoing'] as const) {
      const rates = group[status];
      out.push('', style.bold(`${who}: courses ${status === 'ended' ? 'ended in the timeframe' : 'ongoing at its end'}`) +
        ` — ${rates.courses} courses, ${rates.included} counted (${rates.at_caseness_at_start} at caseness at the start), ${rates.left_out} left out`);
      if (rates.included > 0) out.push(ratesTable(outcomes, rates, style, tableWidth));
    }
  }
  const leftOut = outcomes.courses.filter((course) => course.left_out !== null);
  if (leftOut.length > 0) {
    out.push('', style.bold(`Left out (${leftOut.length})`));
    for (const course of leftOut) out.push(`  ${printable(course.course_id)} (${printable(course.client_id)}, ${course.status}): ${course.left_out_why}`);
  }
  out.push('', style.dim(`England: ${outcomes.national.source}; a rate the source did not give is shown as –.`));
  return out.join('\n');
}

/** One row per group, status and rate, with the national figure beside it. */
export function outcomesCsv(outcomes: PracticeOutcomes): string {
  const rows: (string | number | null)[][] = [['clinician', 'courses', 'rate', 'count', 'of', 'percent', 'national_percent', 'national_year']];
  for (const group of outcomes.groups) {
    for (const status of ['ended', 'ongoing'] as const) {
      for (const key of RATES) {
        const rate = group[status][key];
        rows.push([group.clinician ?? 'all', status, key, rate.count, rate.of, rate.percent, outcomes.national[key], outcomes.national.year]);
      }
    }
  }
  return stringify(rows, { record_delimiter: 'windows', cast: { number: (value) => String(value) } });
}
