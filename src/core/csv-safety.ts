/**
 * CSV injection: a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or
 * carriage return before one) as a formula, so `=HYPERLINK("http://evil", "open")` in a summary
 * would become a live link. As OWASP recommends, such a text cell gets a leading single quote,
 * which spreadsheets show as text. Numbers are left alone: -2 is a score, not a formula.
 */
export function neutraliseCell<T>(value: T): T | string {
  return typeof value === 'string' && startsFormula(value) ? `'${value}` : value;
}

function startsFormula(text: string): boolean {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // carriage return
      return true;
    default:
      return false;
  }
}
