/**
 * Record text (a summary, a goal, an "other:" flag, an id or value from an import file) reaches the
 * terminal only through here: its control characters could otherwise retitle the window, move the
 * cursor, rewrite what is on the screen or, on some terminals, answer with keystrokes. Each C0 control
 * but newline and tab, DEL and each C1 control is shown as `\x1B`-style text instead. tpt's own
 * colours are added by the renderers after this, so they stay. Not a renderer: context.ts and
 * cli.ts use it on every run, so it sits beside plain-style.ts, outside the start-up's no-render rule.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const shown = (char: string) => `\\x${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

export function visible(text: string): string {
  return text.replace(CONTROL, shown);
}

/**
 * The last line of defence for text a renderer made: tpt's own colours (SGR sequences, `ESC [ … m`)
 * pass, every other control character is made visible. Data is passed through visibleDeep before
 * rendering, so a colour planted in a record is shown as text, too; this catches what a renderer
 * took from elsewhere.
 */
export function visibleRendered(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (match) => (match.length > 1 ? match : shown(match)));
}

/**
 * The same for every string in data about to be rendered (plain objects and arrays, keys
 * included); anything else (a Date, a number) is left as it is.
 */
export function visibleDeep<T>(data: T): T {
  if (typeof data === 'string') return visible(data) as T;
  if (Array.isArray(data)) return data.map((item) => visibleDeep(item)) as T;
  if (data !== null && typeof data === 'object' && Object.getPrototypeOf(data) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) copy[visible(key)] = visibleDeep(value);
    return copy as T;
  }
  return data;
}

/**
 * JSON for stdout: JSON.stringify escapes C0 controls already; DEL and the C1 controls it leaves
 * raw are escaped too (`\u009b`), the same value to every JSON reader, and inert on a terminal.
 */
export function jsonText(data: unknown): string {
  return JSON.stringify(data, null, 2).replace(/[\u007f-\u009f]/g, (char) => `\\u00${char.charCodeAt(0).toString(16)}`);
}
