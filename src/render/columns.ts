import type { ChalkInstance } from 'chalk';
import { textWidth } from './text-width.js';

/** A line that is shown whole, never cut: a crisis flag list. It wraps between its items instead. */
export interface WholeLine {
  whole: string[];
  /** Colours the line once laid out (the items are measured uncoloured). */
  paint: (text: string) => string;
}

export type Cell = string | number | null | undefined | (string | WholeLine)[];

export interface Fit {
  /** The width to fit (Infinity: a pipe or --wide, every cell in full). */
  width: number;
  /** The free-text column: it gets what the others leave, cut with an ellipsis. */
  flex?: number;
  /**
   * Below this width (default 16) the free text moves to lines of its own under each row: a
   * session's summary cut to 25 characters says less than one on a line of its own.
   */
  narrowest?: number;
}

const GAP = 2;
/** Below this, the free text moves to a line of its own under its row. */
const NARROWEST_FLEX = 16;
/** Where a row's continuation lines start. */
const INDENT = '  ';

/**
 * A borderless table: a bold header row, then the rows, columns two spaces apart and as wide as
 * their widest cell (measured on screen: colours and wide characters counted right). A cell may
 * hold several lines (a session's crisis flags under its summary).
 *
 * Fitted to a terminal (`fit.width`): the free-text column gets what the other columns leave and
 * is cut with an ellipsis; when even that leaves too little, it moves to lines of its own under
 * each row, and columns that still do not fit follow as `Header: value` lines. Ids, dates and
 * flags are never cut or wrapped mid-word; a crisis flag list wraps between flags.
 *
 * Written here rather than with cli-table3 because that library's layout grows faster than the
 * rows: 4,000 rows took 2 s, where a practice's `tpt clients` lists 5,000.
 */
export function renderColumns(head: string[], rows: Cell[][], style: ChalkInstance, fit: Fit = { width: Infinity }): string {
  const table = rows.map((row) => head.map((_, column) => cellLines(row[column])));
  const natural = head.map((title, column) =>
    Math.max(textWidth(title), ...table.map((row) => Math.max(0, ...row[column]!.map(lineWidth)))));
  const total = natural.reduce((sum, width) => sum + width, 0) + GAP * (head.length - 1);
  if (total <= fit.width) return layOut(head, table, natural, style);

  const flex = fit.flex;
  if (flex !== undefined) {
    const others = natural.reduce((sum, width, column) => (column === flex ? sum : sum + width + GAP), 0);
    const room = fit.width - others;
    if (room >= (fit.narrowest ?? NARROWEST_FLEX)) {
      const widths = natural.map((width, column) => (column === flex ? room : width));
      return layOut(head, table, widths, style);
    }
  }
  return stacked(head, table, natural, style, fit);
}

/** Columns side by side, each cut to its width (only the free text ever is). */
function layOut(head: string[], table: Line[][][], widths: number[], style: ChalkInstance): string {
  const out = [joinCells(head.map((title) => [style.bold(title)]), widths, 0)];
  for (const row of table) {
    const cells = row.map((lines, column) => lines.flatMap((line) => fitLine(line, widths[column]!)));
    const height = Math.max(1, ...cells.map((lines) => lines.length));
    for (let line = 0; line < height; line++) out.push(joinCells(cells, widths, line));
  }
  return out.join('\n');
}

/**
 * Too narrow for the columns side by side: as many leading columns as fit stay on the row's line;
 * the free text follows on its own lines, then every other column as `Header: value`.
 */
function stacked(head: string[], table: Line[][][], natural: number[], style: ChalkInstance, fit: Fit): string {
  const kept: number[] = [];
  let used = 0;
  for (let column = 0; column < head.length; column++) {
    if (column === fit.flex) continue;
    const need = natural[column]! + (kept.length > 0 ? GAP : 0);
    if (kept.length > 0 && used + need > fit.width) break;
    kept.push(column);
    used += need;
  }
  const widths = kept.map((column) => natural[column]!);
  const rest = head.map((_, column) => column).filter((column) => !kept.includes(column) && column !== fit.flex);
  const out = [joinCells(kept.map((column) => [style.bold(head[column]!)]), widths, 0)];
  const inner = fit.width - INDENT.length;
  for (const row of table) {
    const cells = kept.map((column) => row[column]!.map((line) => (typeof line === 'string' ? line : line.paint(line.whole.join(', ')))));
    const height = Math.max(1, ...cells.map((lines) => lines.length));
    for (let line = 0; line < height; line++) out.push(joinCells(cells, widths, line));
    if (fit.flex !== undefined) {
      for (const line of row[fit.flex]!) out.push(...fitLine(line, inner).filter(Boolean).map((text) => INDENT + text));
    }
    for (const column of rest) {
      const label = `${head[column]}: `;
      for (const line of row[column]!) {
        const text = typeof line === 'string' ? line : line.paint(line.whole.join(', '));
        if (text) out.push(`${INDENT}${style.dim(label)}${text}`);
      }
    }
  }
  return out.join('\n');
}

type Line = string | WholeLine;

function joinCells(cells: string[][], widths: number[], line: number): string {
  return widths
    .map((width, column) => {
      const text = cells[column]?.[line] ?? '';
      return column === widths.length - 1 ? text : text + ' '.repeat(Math.max(0, width - textWidth(text)) + GAP);
    })
    .join('')
    .trimEnd();
}

/** A line cut to `width` with an ellipsis; a whole line wrapped between its items instead. */
function fitLine(line: Line, width: number): string[] {
  if (typeof line === 'string') return [truncateToWidth(line, width)];
  const out: string[] = [];
  let current = '';
  for (const [index, item] of line.whole.entries()) {
    const piece = index < line.whole.length - 1 ? `${item},` : item;
    const next = current ? `${current} ${piece}` : piece;
    if (current && textWidth(next) > width) {
      out.push(current);
      current = `  ${piece}`;
    } else {
      current = next;
    }
  }
  out.push(current);
  return out.map(line.paint);
}

/** Cuts text to `width` columns on screen, ending in `…`; colour codes are kept out of the count. */
export function truncateToWidth(text: string, width: number): string {
  if (width === Infinity || textWidth(text) <= width) return text;
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  let out = '';
  for (const char of plain) {
    if (textWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

function lineWidth(line: Line): number {
  return typeof line === 'string' ? textWidth(line) : textWidth(line.whole.join(', '));
}

function cellLines(cell: Cell): Line[] {
  if (cell === null || cell === undefined) return [''];
  if (Array.isArray(cell)) return cell.length === 0 ? [''] : cell;
  return String(cell).split('\n');
}
