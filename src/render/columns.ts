import type { ChalkInstance } from 'chalk';
import stringWidth from 'string-width';

export type Cell = string | number | null | undefined;

/**
 * A borderless table: a bold header row, then the rows, columns two spaces apart and as wide as
 * their widest cell (measured on screen: colours and wide characters counted right). A cell may
 * hold several lines (a session's crisis flags under its summary).
 *
 * Written here rather than with cli-table3 because that library's layout grows faster than the
 * rows: 4,000 rows took 2 s, where a practice's `tpt clients` lists 5,000.
 */
export function renderColumns(head: string[], rows: Cell[][], style: ChalkInstance): string {
  const table = [head.map((title) => [style.bold(title)]), ...rows.map((row) => row.map(cellLines))];
  const widths = head.map((_, column) =>
    Math.max(...table.map((row) => Math.max(0, ...(row[column] ?? []).map(stringWidth)))));
  const out: string[] = [];
  for (const row of table) {
    const height = Math.max(1, ...row.map((lines) => lines.length));
    for (let line = 0; line < height; line++) {
      const cells = widths.map((width, column) => {
        const text = row[column]?.[line] ?? '';
        return column === widths.length - 1 ? text : text + ' '.repeat(width - stringWidth(text) + 2);
      });
      out.push(cells.join('').trimEnd());
    }
  }
  return out.join('\n');
}

function cellLines(cell: Cell): string[] {
  return cell === null || cell === undefined ? [''] : String(cell).split('\n');
}
