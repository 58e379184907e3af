import type { ChalkInstance } from 'chalk';
import type { AccessEntry } from '../core/access-log.js';
import { renderColumns, type Cell } from './columns.js';
import { when } from './format.js';

/** `tpt access-log`: who read or wrote which client's records, and when; never the text. */
export function renderAccessLog(entries: AccessEntry[], style: ChalkInstance): string {
  if (entries.length === 0) return 'No reads or writes of clinical text in this timeframe.';
  const rows: Cell[][] = entries.map((entry) => [
    when(entry.at), entry.actor, entry.access, entry.action, entry.client_id ?? '(all)', entry.object_id ?? '',
    entry.outcome === 'ok' ? entry.outcome : style.yellow(entry.outcome),
  ]);
  const head = ['When', 'Who', 'Access', 'Action', 'Client', 'Object', 'Outcome'];
  return `${renderColumns(head, rows, style)}\n${style.dim(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`)}`;
}
