import type { Argument, Command, Option } from 'commander';
import { RISK_KINDS } from '../core/crisis-flags.js';
import { EMOTIONAL_STATES } from '../core/scale.js';
import { GOAL_STATUSES, SIGNIFICANCES } from '../core/schemas.js';
import type { IdKind } from './id-kinds.js';

/**
 * What the completion scripts know, read from the commander program itself (src/completion/
 * generate.ts writes the scripts from it), so a new command or option is never missing.
 */


/** How a value is completed: a fixed list, a file name, ids from the database, or not at all. */
export type Values =
  | { kind: 'choices'; choices: string[] }
  | { kind: 'files' }
  | { kind: 'ids'; ids: IdKind }
  | { kind: 'none' };

export interface OptionSpec {
  /** `--mood`, or `-i` when an option has only a short name. */
  long: string;
  short?: string;
  description: string;
  takesValue: boolean;
  values: Values;
}

export interface ArgumentSpec {
  name: string;
  variadic: boolean;
  values: Values;
}

export interface CommandSpec {
  /** Space-separated words after `tpt` ('' for the program itself). */
  path: string;
  name: string;
  description: string;
  options: OptionSpec[];
  args: ArgumentSpec[];
  subcommands: CommandSpec[];
}

const NONE: Values = { kind: 'none' };
const FILES: Values = { kind: 'files' };
const choices = (...values: readonly string[]): Values => ({ kind: 'choices', choices: [...values] });
const ids = (kind: IdKind): Values => ({ kind: 'ids', ids: kind });

/**
 * Option values with a fixed list, by option, or by "command path|option" where one name means
 * different things in different commands. A new option with such a list: add it here, or give it
 * commander's `.choices([...])`, which is read as well.
 */
const OPTION_VALUES: Record<string, Values> = {
  '--mood': choices(...EMOTIONAL_STATES),
  '--status': choices(...GOAL_STATUSES),
  '--significance': choices(...SIGNIFICANCES),
  '--by': choices('day', 'week', 'month', 'quarter', 'year'),
  '--on-conflict': choices('skip', 'replace'),
  '--table': choices('sessions', 'goals', 'milestones', 'goal-history', 'measures'),
  '--scope': choices('read', 'write', 'admin'),
  '--measure': choices('phq9', 'gad7', 'core10'),
  'report|--format': choices('table', 'json', 'markdown'),
  'export|--format': choices('json', 'csv', 'fhir'),
  '--client': ids('clients'),
  '--into': ids('clients'),
  '--goal': ids('goals'),
  '--session': ids('sessions'),
  '--crisis-flag': choices(...RISK_KINDS.filter((kind) => kind !== 'other')),
};

/** Argument names that name a record, a file or a shell. */
const ARGUMENT_VALUES: Record<string, Values> = {
  client: ids('clients'),
  'client-id': ids('clients'),
  from: ids('clients'),
  old: ids('clients'),
  'goal-id': ids('goals'),
  'session-id': ids('sessions'),
  'milestone-id': ids('milestones'),
  'measure-id': ids('measures'),
  'token-id': ids('tokens'),
  file: FILES,
  path: FILES,
  shell: choices('bash', 'zsh', 'fish'),
  kind: choices(...RISK_KINDS),
};

/** A bare `<id>` argument names a record of the command group it sits in (`session amend <id>`). */
const ID_OF_GROUP: Record<string, IdKind> = {
  session: 'sessions',
  goal: 'goals',
  milestone: 'milestones',
  measure: 'measures',
  client: 'clients',
  token: 'tokens',
};

/** Value names of options that take a file (`--out <file>`, `--db <path>`). */
const FILE_VALUE_NAMES = /^<(file|path|dir|directory)>$|^\[(file|path)\]$/;

export function completionModel(program: Command): CommandSpec {
  return describeCommand(program, []);
}

function describeCommand(command: Command, path: string[]): CommandSpec {
  const subcommands = command.commands
    .filter((sub) => !(sub as unknown as { _hidden?: boolean })._hidden)
    .map((sub) => describeCommand(sub, [...path, sub.name()]));
  const options = command.options
    .filter((option) => !option.hidden)
    .map((option) => describeOption(option, path));
  // Commander's help option is on every command; the program's own options are offered everywhere.
  if (path.length === 0) options.push({ long: '--help', short: '-h', description: 'display help for a command', takesValue: false, values: NONE });
  return {
    path: path.join(' '),
    name: path.at(-1) ?? command.name(),
    description: firstLine(command.description()),
    options,
    args: command.registeredArguments.map((argument) => describeArgument(argument, path)),
    subcommands,
  };
}

function describeOption(option: Option, path: string[]): OptionSpec {
  const long = option.long ?? option.short ?? option.flags;
  const takesValue = option.required || option.optional;
  return {
    long,
    ...(option.long && option.short ? { short: option.short } : {}),
    description: firstLine(option.description),
    takesValue,
    values: takesValue ? optionValues(option, long, path) : NONE,
  };
}

function optionValues(option: Option, long: string, path: string[]): Values {
  if (option.argChoices && option.argChoices.length > 0) return choices(...option.argChoices);
  for (let depth = path.length; depth > 0; depth--) {
    const byCommand = OPTION_VALUES[`${path.slice(0, depth).join(' ')}|${long}`];
    if (byCommand) return byCommand;
  }
  const byName = OPTION_VALUES[long];
  if (byName) return byName;
  const valueName = option.flags.split(/[ ,]+/).find((part) => /^[<[]/.test(part)) ?? '';
  return FILE_VALUE_NAMES.test(valueName) ? FILES : NONE;
}

function describeArgument(argument: Argument, path: string[]): ArgumentSpec {
  const name = argument.name();
  let values = argument.argChoices && argument.argChoices.length > 0 ? choices(...argument.argChoices) : ARGUMENT_VALUES[name];
  if (!values && name === 'id') {
    const group = path.find((word) => ID_OF_GROUP[word]);
    values = group ? ids(ID_OF_GROUP[group]!) : NONE;
  }
  return { name, variadic: argument.variadic, values: values ?? NONE };
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}

/** Every command of the tree, the program first. */
export function allCommands(spec: CommandSpec): CommandSpec[] {
  return [spec, ...spec.subcommands.flatMap(allCommands)];
}
