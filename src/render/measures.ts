import type { ChalkInstance } from 'chalk';
import { bandOf, isCase, measureDefinition } from '../core/measure-scoring.js';
import type { MeasureDetail } from '../core/measure-corrections.js';
import type { ListedMeasure, ScoredMeasure } from '../core/measures.js';
import { renderColumns, type Cell } from './columns.js';
import { when } from './format.js';

/** `12/27 moderate`, in yellow at caseness. */
export function scoreLabel(measure: Pick<ScoredMeasure, 'total' | 'max' | 'band' | 'at_caseness'>, style: ChalkInstance): string {
  const text = `${measure.total}/${measure.max} ${measure.band}`;
  return measure.at_caseness ? style.yellow(text) : text;
}

/** The flags of one measure: caseness, a positive risk item (in red), a total without its items. */
export function measureFlags(measure: ScoredMeasure, style: ChalkInstance): string[] {
  const definition = measureDefinition(measure.measure);
  const flags: string[] = [];
  if (measure.risk_item_answer !== null && measure.risk_item_answer > 0) {
    flags.push(style.red.bold(`⚠ item ${definition.riskItem} (${definition.riskTopic}) answered ${measure.risk_item_answer}`));
  }
  if ((measure.risk_item_implied ?? 0) > 0) {
    flags.push(style.red.bold(`⚠ item ${definition.riskItem} (${definition.riskTopic}) at least ${measure.risk_item_implied}, implied by the total ${measure.total}`));
  } else if (measure.risk_item_implied === 0) {
    flags.push(style.red.bold(`⚠ item ${definition.riskItem} (${definition.riskTopic}) unknown (${measure.items === null ? 'total only' : 'not answered'}): ask about it`));
  }
  if (measure.at_caseness) flags.push(`at caseness (≥ ${definition.caseness})`);
  if (measure.items === null) flags.push(style.dim('total only, items unknown'));
  if (measure.missing_items.length > 0) flags.push(`pro-rated: item ${measure.missing_items.join(', ')} not answered`);
  return flags;
}

export function measureAddedLine(measure: ScoredMeasure, style: ChalkInstance): string {
  const flags = measureFlags(measure, style);
  return `Recorded ${measure.name} ${measure.measure_id} for ${measure.client_id}: ${scoreLabel(measure, style)}` +
    (flags.length > 0 ? `\n${flags.map((flag) => `  ${flag}`).join('\n')}` : '');
}

export function renderMeasureList(measures: ListedMeasure[], style: ChalkInstance): string {
  if (measures.length === 0) return 'No measures in this timeframe.';
  const rows: Cell[][] = measures.map((measure) => [
    when(measure.timestamp),
    measure.measure_id,
    measure.name,
    scoreLabel(measure, style),
    measure.session_id ?? '',
    [recordMarks(measure), ...measureFlags(measure, style)].filter(Boolean).join('\n'),
  ]);
  const voided = measures.filter((measure) => measure.voided_at !== null).length;
  const count = `${measures.length} measure${measures.length === 1 ? '' : 's'}${voided > 0 ? `, ${voided} of them voided` : ''}`;
  return `${renderColumns(['When', 'Measure', 'Name', 'Score', 'Session', 'Flags'], rows, style)}\n${style.dim(count)}`;
}

/** `[voided]`, `[v2]`: how a listed measure stands in the record. */
function recordMarks(measure: Pick<ListedMeasure, 'version' | 'voided_at'>): string {
  return [measure.voided_at !== null && '[voided]', measure.version > 1 && `[v${measure.version}]`].filter(Boolean).join(' ');
}

/** `tpt measure show`: the measure, its state, and with --history every version. */
export function renderMeasureDetail(measure: MeasureDetail, style: ChalkInstance): string {
  const label = (name: string) => style.bold(name.padEnd(13));
  const out = [renderMeasure(measure, style), ''];
  out.push(`${label('Version')}${measure.version === 1 ? '1 (as recorded)'
    : `${measure.version} (${measure.amendments} amendment${measure.amendments === 1 ? '' : 's'}; see --history)`}`);
  if (measure.voided_at !== null) {
    out.push(`${label('Voided')}${style.yellow(`${when(measure.voided_at)} by ${measure.voided_by}: ${measure.void_reason}`)}`);
  }
  if (measure.history) {
    out.push('', style.bold('History (oldest first)'));
    for (const version of measure.history) {
      const made = version.amended_at === null ? 'as recorded' : `amended ${when(version.amended_at)} by ${version.amended_by}: ${version.amend_reason}`;
      const definition = measureDefinition(measure.measure);
      const scored = { total: version.total, max: definition.max, band: bandOf(definition, version.total), at_caseness: isCase(definition, version.total) };
      const answers = version.items === null ? 'items unknown' : `items ${version.items.map((answer) => answer ?? 'x').join(',')}`;
      out.push(
        style.bold(`── version ${version.version}, ${made}`),
        `   ${when(version.timestamp)}${version.session_id ? `  session ${version.session_id}` : ''}  ${scoreLabel(scored, style)}  ${answers}`,
      );
    }
  }
  return out.join('\n');
}

export function renderMeasure(measure: ScoredMeasure, style: ChalkInstance): string {
  const definition = measureDefinition(measure.measure);
  const label = (name: string) => style.bold(name.padEnd(13));
  const out = [
    `${label('Measure')}${measure.measure_id}`,
    `${label('Client')}${measure.client_id}`,
    `${label('Name')}${measure.name}`,
    `${label('When')}${when(measure.timestamp)}`,
  ];
  if (measure.session_id) out.push(`${label('Session')}${measure.session_id}`);
  out.push(`${label('Total')}${scoreLabel(measure, style)}`);
  for (const flag of measureFlags(measure, style)) out.push(`${' '.repeat(13)}${flag}`);
  if (measure.items !== null && measure.item_scores !== null) {
    out.push('', style.bold('Items') + style.dim(`  (${definition.period})`));
    const rows: Cell[][] = measure.items.map((answer, index) => {
      const reversed = definition.reversed.includes(index + 1);
      return [
        index + 1,
        answer === null ? 'not answered (total pro-rated)' : `${answer} ${definition.responses[answer]}`,
        reversed && answer !== null ? `${measure.item_scores![index]} (reversed)` : measure.item_scores![index] ?? '–',
        definition.wording[index],
      ];
    });
    out.push(renderColumns(['#', 'Answer', 'Score', definition.wordingIsVerbatim ? 'Item' : 'Topic'], rows, style));
  }
  if (measure.measure === 'core10') out.push('', style.dim('CORE-10 © CORE System Trust (CC BY-NC-ND 4.0); tpt shows each item\'s topic, not its wording.'));
  return out.join('\n');
}
