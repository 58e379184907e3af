import type { ChalkInstance } from 'chalk';
import type { OpenRisk, Risk } from '../core/risks.js';
import { renderColumns, type Cell } from './columns.js';
import { day, when } from './format.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function flaggedBy(risk: OpenRisk): string {
  const parts = [];
  if (risk.session_ids.length > 0) parts.push(plural(risk.session_ids.length, 'session'));
  if (risk.measure_ids.length > 0) parts.push(plural(risk.measure_ids.length, 'measure'));
  return parts.join(', ');
}

/** Words wrapped to `width` columns (never cut), lines after the first indented by four. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `    ${word}`;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * The open risks of a client, in red, for the top of a report, a trend or a listing: shown
 * whatever the timeframe, until a person resolves them; wrapped to `width`, never cut. Nothing
 * when there is none.
 */
export function openRiskLines(clientId: string, risks: readonly OpenRisk[], style: ChalkInstance, width = Infinity): string[] {
  if (risks.length === 0) return [];
  const heading = `⚠ OPEN ${risks.length === 1 ? 'RISK' : `RISKS (${risks.length})`}: ${risks.map((risk) => risk.kind).join(', ')}`;
  const lines = wrapWords(heading, width).map((line) => style.red.bold(line));
  for (const risk of risks) {
    // The words of flags that say more than their kind (`other: …`, or older free text).
    const other = risk.flags.filter((flag) => flag !== risk.kind).map((flag) => flag.replace(/^other:\s*/, ''));
    const text = `  ${risk.kind}: open since ${day(risk.opened_at)}, last flagged ${day(risk.last_flagged_at)} ` +
      `(${flaggedBy(risk)})${other.length > 0 ? `: ${other.join('; ')}` : ''}`;
    lines.push(...wrapWords(text, width).map((line) => style.red(line)));
  }
  lines.push(...wrapWords(`  Open until resolved: tpt risk resolve ${clientId} <kind> --note "<why>"`, width).map((line) => style.dim(line)));
  return lines;
}

/** The lines above, as a block followed by a blank line (or nothing). */
export function openRiskBlock(clientId: string, risks: readonly OpenRisk[], style: ChalkInstance, width = Infinity): string {
  const lines = openRiskLines(clientId, risks, style, width);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n\n`;
}

export function renderRiskList(risks: Risk[], style: ChalkInstance, _columns = 0, tableWidth = Infinity): string {
  if (risks.length === 0) return 'No risks on record.';
  const head = ['Client', 'Risk', 'Status', 'Open since', 'Last flagged', 'Flagged by', 'Resolved'];
  const rows: Cell[][] = risks.map((risk) => {
    const open = risk.status === 'open';
    const cells: Cell[] = [
      risk.client_id,
      open ? style.red.bold(risk.kind) : risk.kind,
      open ? style.red.bold('OPEN') : 'resolved',
      day(risk.opened_at),
      day(risk.last_flagged_at),
      flaggedBy(risk),
      open ? '' : `${when(risk.resolved_at!)} by ${risk.resolved_by}: ${risk.resolution_note}`,
    ];
    return cells;
  });
  const open = risks.filter((risk) => risk.status === 'open').length;
  // The resolution's note is the free text: it gets what the other columns leave, or a line of its own.
  const table = renderColumns(head, rows, style, { width: tableWidth, flex: 6, narrowest: 40 });
  return `${table}\n${style.dim(`${plural(risks.length, 'risk')}, ${open} open`)}`;
}

export function renderResolvedRisk(risk: Risk): string {
  return `Resolved the ${risk.kind} risk of ${risk.client_id} (open since ${day(risk.opened_at)}, last flagged ` +
    `${day(risk.last_flagged_at)}). A later ${risk.kind} flag reopens it.`;
}

/** What `risk resolve` asks about on a terminal: the risk by its full name, as it stands. */
export function riskToResolveLines(risk: Risk): string[] {
  const other = risk.flags.filter((flag) => flag !== risk.kind);
  return [
    `The ${risk.kind} risk of ${risk.client_id}: open since ${day(risk.opened_at)}, last flagged ${day(risk.last_flagged_at)}` +
      ` (${flaggedBy(risk) || 'no flag on record'})${other.length > 0 ? `: ${other.join('; ')}` : ''}`,
  ];
}

export function renderReopenedRisk(risk: Risk): string {
  return `Reopened the ${risk.kind} risk of ${risk.client_id}: open since ${day(risk.opened_at)}, the resolution taken back (kept in its history).`;
}

export function renderAmendedRisk(risk: Risk): string {
  return `Corrected the resolution of the ${risk.kind} risk of ${risk.client_id}; the note before is kept in its history.`;
}
