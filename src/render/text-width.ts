import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * The columns a text takes on a terminal. Printable ASCII, most of a table's cells, takes one
 * column a character; string-width builds its ANSI and emoji expressions anew at every call,
 * which cost a 200-row table more than reading its rows.
 */
export function textWidth(text: string): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text);
}
