import { Command, InvalidArgumentError } from 'commander';

/** The timeframe options of SPEC §2, shared by every command that takes `[timeframe]`. */
export function withTimeframe(command: Command): Command {
  return command
    .option('--last <span>', 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y')
    .option('--days <n>', 'the last N days (the same as --last Nd)')
    .option('--since <date>', 'from this date or time (inclusive)')
    .option('--until <date>', 'up to this date or time (inclusive; a date covers the whole day)');
}

/** A commander parser for a positive whole number. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`use a positive whole number up to ${Number.MAX_SAFE_INTEGER}.`);
  }
  return Number(value);
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The "Examples:" block of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
