/**
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
 * carriage return before one) as a formula, so `=HYPERLINK("http://evil", "open")` in a summary
 * would become a live link. As OWASP recommends, such a text cell gets a leading single quote,
 * which spreadsheets show as text. Numbers are left alone: -2 is a score, not a formula.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell<T>(value: T): T | string {
  return typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : value;
}
