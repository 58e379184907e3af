import { textWidth } from './text-width.js';

/** A part of a line, or one with its own gap before it (a word of a sentence: one space). */
export type Part = string | { text: string; gap: string };

/**
 * Parts of one line (a date, an id, a mood, crisis flags), `gap` apart; a part that would run past
 * `width` starts the next line, after `indent`. A part is never cut or split: a terminal that
 * wraps a long line breaks it anywhere, even inside a crisis flag.
 */
export function fitParts(parts: readonly Part[], width: number, indent: string, gap = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const given of parts) {
    const part = typeof given === 'string' ? given : given.text;
    if (part === '') continue;
    const next = line === '' ? part : `${line}${typeof given === 'string' ? gap : given.gap}${part}`;
    if (line !== '' && line.trim() !== '' && textWidth(next) > width) {
      lines.push(line);
      line = `${indent}${part}`;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
