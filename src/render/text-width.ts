import stringWidth from 'string-width';

/**
 * Characters of one column each, as string-width counts them: printable ASCII (most of a table's
 * cells), Latin-1's printable letters and signs, and the typographic marks and the warning sign
 * tpt prints (– — ‘ ’ “ ” • … → ⚠; test/render/text-width.test.ts checks each against string-width).
 */
const ONE_COLUMN_EACH = /^[\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2192\u26a0]*$/;

/**
 * The columns a text takes on a terminal. string-width builds its ANSI and emoji expressions anew
 * at every call (the first compiles a 10 KB emoji expression), which cost a 200-row table more
 * than reading its rows, and a crisis flag's ⚠ more than the rest of its table.
 */
export function textWidth(text: string): number {
  return ONE_COLUMN_EACH.test(text) ? text.length : stringWidth(text);
}
