import type { ChalkInstance } from 'chalk';
import { renderColumns, type Cell } from './columns.js';
import type { AuditVerification } from '../core/audit.js';
import type { CheckResult } from '../core/check.js';
import type { AuditEntry } from '../core/model.js';
import { when } from './format.js';
import { counted } from './counted.js';

export function renderAuditList(entries: AuditEntry[], style: ChalkInstance): string {
  if (entries.length === 0) return 'No audit entries in this timeframe.';
  const rowsHead = ['#', 'When', 'Actor', 'Action', 'Client', 'Object', 'Outcome'];
  const rows: Cell[][] = [];
  for (const entry of entries) {
    const outcome = entry.outcome === 'ok' ? entry.outcome : style.yellow(entry.outcome);
    rows.push([entry.seq, when(entry.at), entry.actor, entry.action, entry.client_id ?? '', entry.object_id ?? '', outcome]);
  }
  return `${renderColumns(rowsHead, rows, style)}\n${style.dim(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`)}`;
}

/** One line for the person: the proof, or where the chain breaks. */
export function verificationLine(verification: AuditVerification): string {
  if (!verification.intact) {
    if (verification.broken_seq === null) return verification.problem ?? 'the audit log cannot be verified';
    // Past the end (a head kept elsewhere that no entry has): there is no entry to name.
    return verification.broken_seq > verification.head_seq
      ? `audit log not intact: ${verification.problem}`
      : `audit log broken at entry ${verification.broken_seq}: ${verification.problem}`;
  }
  const given = verification.given_head_seq ? ` (the head you gave is entry ${verification.given_head_seq})` : '';
  return `audit log intact: ${verification.entries} entr${verification.entries === 1 ? 'y' : 'ies'}, head ${verification.head}${given}`;
}

export function renderVerification(verification: AuditVerification, style: ChalkInstance): string {
  const line = verificationLine(verification);
  if (!verification.intact) return style.red(line);
  return `${style.green(line)}\nWrite the head down elsewhere: \`tpt audit verify --head <hash>\` then also catches a log cut short at its end.`;
}

export function renderCheck(result: CheckResult, style: ChalkInstance): string {
  const integrity = result.integrity_problems.length === 0
    ? style.green('database integrity: ok')
    : style.red(`database integrity: ${counted(result.integrity_problems.length, 'problem')}\n  ${result.integrity_problems.join('\n  ')}`);
  return `${integrity}\n${renderVerification(result.audit, style).split('\n')[0]}`;
}
