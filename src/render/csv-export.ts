import { stringify } from 'csv-stringify/sync';
import type { Cell } from '../core/export.js';
import { neutraliseCell } from '../core/csv-safety.js';

/**
 * RFC 4180 text for CSV exports: one header row, CRLF line ends, every text cell quoted (as
 * OWASP advises alongside the leading quote of a would-be formula), numbers bare, null empty.
 */
export async function* csvChunks(columns: readonly string[], batches: AsyncIterable<Cell[][]>): AsyncGenerator<string> {
  yield stringify([columns as string[]], { record_delimiter: 'windows' });
  for await (const batch of batches) {
    for (const row of batch) {
      for (let i = 0; i < row.length; i++) row[i] = neutraliseCell(row[i]!);
    }
    yield stringify(batch, {
      record_delimiter: 'windows',
      quoted_string: true,
    });
  }
}
