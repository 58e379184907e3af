import type { ChalkInstance } from 'chalk';
import type { Session } from '../core/model.js';
import { localDateString, localDateTimeString } from '../core/time.js';
import type { WholeLine } from './columns.js';

/** A stored UTC timestamp as a short local date and time. */
export function when(timestamp: string): string {
  return localDateTimeString(new Date(timestamp));
}

export function day(timestamp: string): string {
  return localDateString(new Date(timestamp));
}

/** `positive (+1)`, coloured by sign on a colour terminal. */
export function moodLabel(session: Pick<Session, 'emotional_state' | 'emotional_score'>, style: ChalkInstance): string {
  const score = session.emotional_score;
  const text = `${session.emotional_state} (${score > 0 ? '+' : ''}${score})`;
  if (score > 0) return style.green(text);
  if (score < 0) return style.yellow(text);
  return text;
}

/** Crisis flags are always shown, in red on a colour terminal (SPEC §2). */
export function crisisLabel(flags: string[], style: ChalkInstance): string {
  return flags.length === 0 ? '' : style.red.bold(`⚠ ${printable(flags.join(', '))}`);
}

/** Crisis flags as a line of a table cell: shown whole, wrapped between flags, never cut. */
export function crisisLines(flags: string[], style: ChalkInstance): WholeLine[] {
  if (flags.length === 0) return [];
  return [{ whole: flags.map((flag, index) => (index === 0 ? `⚠ ${printable(flag)}` : printable(flag))), paint: (text) => style.red.bold(text) }];
}

/**
 * `lead` then the flags, comma-separated, wrapped between flags to fit `width` (continuation lines
 * indented by four): a flag is never cut.
 */
export function wrapWhole(lead: string, flags: string[], width: number): string[] {
  const lines: string[] = [];
  let current = lead;
  for (const [index, flag] of flags.entries()) {
    const piece = index < flags.length - 1 ? `${flag},` : flag;
    if (current.trim() !== '' && current.length + 2 + piece.length > width) {
      lines.push(current);
      current = `    ${piece}`;
    } else {
      current = `${current}${current === lead ? '  ' : ' '}${piece}`;
    }
  }
  lines.push(current);
  return lines;
}

/** Free text on one line (a table row holds one). */
export function oneLine(text: string): string {
  return printable(text.replace(/\s+/g, ' ').trim());
}

/**
 * Text typed by someone, safe to print to a terminal: control characters (ESC of an escape
 * sequence that could retitle the window or rewrite the screen, NUL, DEL, C1) become U+FFFD; line
 * breaks and tabs stay.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
}

export function percent(value: number | null): string {
  if (value === null) return '–';
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** A bar of `width` cells for a percentage: ██████░░░░ 60%. */
export function progressBar(value: number, width = 20): string {
  const filled = Math.round((Math.max(0, Math.min(100, value)) / 100) * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

/** Shortens one-line text to `width` characters with an ellipsis. */
export function truncate(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}
