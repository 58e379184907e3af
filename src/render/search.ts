import type { ChalkInstance } from 'chalk';
import type { SearchHit } from '../core/search.js';
import { isDateOnly } from '../core/time.js';
import { oneLine, truncate, when } from './format.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 'es'}`;

/**
 * The hits of `tpt search`, newest first: a line naming the record (time, client, kind, id,
 * field), then its snippet indented, fitted to `width` on a terminal. The text is made visible
 * by the caller (Context.out).
 */
export function renderSearchHits(hits: SearchHit[], style: ChalkInstance, _columns = 0, width = Infinity): string {
  if (hits.length === 0) return 'No match.';
  const lines: string[] = [];
  for (const hit of hits) {
    const time = isDateOnly(hit.time) ? hit.time : when(hit.time);
    const head = `${time}  ${hit.client_id}  ${hit.kind} ${hit.id}  (${hit.field})${hit.voided ? '  [voided]' : ''}`;
    lines.push(hit.voided ? style.dim(head) : style.bold(head));
    const snippet = oneLine(hit.snippet);
    lines.push(`    ${Number.isFinite(width) ? truncate(snippet, Math.max(10, width - 4)) : snippet}`);
  }
  const clients = new Set(hits.map((hit) => hit.client_id)).size;
  lines.push('', style.dim(`${plural(hits.length, 'match')} in ${clients} client${clients === 1 ? '' : 's'}.`));
  return lines.join('\n');
}
