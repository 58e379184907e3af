import type { ChalkInstance } from 'chalk';
import { REASON_RANK, type CaseloadEntry } from '../core/caseload.js';
import { printable } from './format.js';

/** Reasons of these ranks are about safety or treatment going wrong: red, with a ⚠. */
const URGENT_RANK = REASON_RANK.no_reliable_improvement;

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** Every client, most pressing first, a numbered block each with its reasons. */
export function renderCaseload(entries: CaseloadEntry[], style: ChalkInstance, columns: number): string {
  if (entries.length === 0) return 'No clients yet: `tpt log-session` or `tpt goal create` adds the first.';
  const width = Math.max(40, Math.min(columns, 110) - 6);
  const out: string[] = [];
  entries.forEach((entry, index) => {
    out.push(style.bold(`${index + 1}. ${printable(entry.client_id)}`));
    if (entry.reasons.length === 0) out.push(style.dim('   nothing pressing'));
    for (const reason of entry.reasons) {
      const urgent = REASON_RANK[reason.reason] <= URGENT_RANK;
      const line = `${urgent ? '⚠' : '·'} ${wrap(printable(reason.text), width, '     ')}`;
      out.push(`   ${urgent ? style.red.bold(line) : line}`);
    }
  });
  return out.join('\n');
}
