import { Command, InvalidArgumentError } from 'commander';

/** The timeframe options of SPEC §2, shared by every command that takes `[timeframe]`. */
export function withTimeframe(command: Command): Command {
  return command
    .option('--last <span>', 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y')
    .option('--days <n>', 'the last N days (the same as --last Nd)')
    .option('--since <date>', 'from this date or time (inclusive)')
    .option('--until <date>', 'up to this date or time (inclusive; a date covers the whole day)');
}

/**
 * The options of a session's fields, one list for `log-session` and `session amend` so that the
 * two never drift apart. Logging makes a new session (`--id` names it); an amendment gives only
 * the fields that change, and a list it gives replaces the list.
 */
export function withSessionFields(command: Command, use: 'log' | 'amend'): Command {
  const log = use === 'log';
  const repeatable = (replaced: string) => (log ? '(repeatable)' : `(repeatable; replaces ${replaced})`);
  command
    .option('--summary <text>', `what the session was about${log ? ' (required; asked for on a terminal)' : ''}`)
    .option('--mood <state>', `very_negative | negative | neutral | positive | very_positive, or -2..2${log ? ' (required)' : ''}`);
  if (log) command.option('--id <session-id>', 'the session id (default: a new one)');
  return command
    .option('--at <datetime>', `when it took place, local time${log ? ' (default: now)' : ''}`)
    .option('--goal <goal-id>', `a goal the session worked on ${repeatable('the list')}`, collect)
    .option('--notes <text>', 'progress notes')
    .option('--observations <text>', 'therapist observations')
    .option('--next-focus <text>', 'focus of the next session')
    .option('--duration <minutes>', 'length in minutes, 1-1440')
    .option('--technique <name>', `a technique used ${repeatable('the list')}`, collect)
    .option('--homework <text>', 'homework assigned')
    .option('--crisis-flag <flag>', `a crisis flag${log ? ', e.g. suicidal_ideation' : ''} ${repeatable('the list')}`, collect)
    .option('--meta <key=value>', `extra metadata ${repeatable('it')}`, collect);
}

/** A commander parser for a positive whole number. */
export function positiveInt(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) {
    // A limit of 0 is a way of asking for no limit: say how that is asked for.
    throw new InvalidArgumentError('give a whole number from 1 up (leave the option out for no limit).');
  }
  if (!Number.isSafeInteger(Number(value))) {
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
