import type { Command } from 'commander';

/**
 * The `tpt …` examples of a markdown text, and which of their commands and options the program
 * lacks. Only code is read (fenced blocks and `inline spans`): prose says "tpt is …" freely.
 */

export interface Example {
  line: number;
  text: string;
}

/** `tpt` as a program name: not inside a path (`bin/tpt.js`, `~/.cache/tpt`) nor a message (`tpt:`). */
const INVOCATION = /(?<![\w./$~-])tpt((?: +[^\s`]+)*)/g;

export function examplesIn(markdown: string): Example[] {
  const examples: Example[] = [];
  const lines = markdown.split('\n');
  let block: boolean | undefined; // inside a fenced block: whether it shows `$ ` prompts
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) {
      block = block === undefined ? hasPrompts(lines, index + 1) : undefined;
      return;
    }
    if (block !== undefined) {
      // A terminal session shows commands after `$ ` and output (which may say "tpt …") else.
      if (block && !line.startsWith('$ ')) return;
      const code = line.replace(/(^|\s)#.*$/, ''); // a shell comment is prose
      for (const match of code.matchAll(INVOCATION)) examples.push({ line: index + 1, text: match[0] });
      return;
    }
    // Inline, only a span that is a command line: `tpt init`, not `… this tpt reads version 2`.
    for (const [, span] of line.matchAll(/`([^`]+)`/g)) {
      const command = /^(?:npx )?(tpt(?: .*)?)$/.exec(span!.trim());
      if (command) examples.push({ line: index + 1, text: command[1]! });
    }
  });
  return examples;
}

function hasPrompts(lines: string[], from: number): boolean {
  for (let i = from; i < lines.length && !/^\s*```/.test(lines[i]!); i++) if (lines[i]!.startsWith('$ ')) return true;
  return false;
}

/** Words that stand for something (`<id>`, `[timeframe]`, `…`, `$TOKEN`), not a command or option. */
const placeholder = (word: string): boolean => /^[<[{(…$"']|^\.\.\.|^[A-Z_]+$/.test(word);

/**
 * Words the commander program does not list but `tpt` runs: `help` (commander's, before a command's
 * name) and `__complete` (shell completion's fast path in bin/tpt.js).
 */
const NOT_LISTED = new Set(['help', '__complete']);

function subcommand(command: Command, word: string): Command | undefined {
  return command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
}

function knows(command: Command, flag: string): boolean {
  for (let c: Command | null = command; c; c = c.parent) {
    if (c.options.some((option) => option.long === flag || option.short === flag)) return true;
  }
  return flag === '--help' || flag === '-h';
}

/**
 * What the program lacks of one example: its command words must name commands (alternatives
 * written `a|b` each one), its options must be options of that command or of `tpt` itself.
 */
export function problemsOf(program: Command, example: string): string[] {
  const words = example.replace(/\\\|/g, '|').split(/\s+/).slice(1);
  const problems: string[] = [];
  let command = program;
  let naming = true;
  for (let i = 0; i < words.length && problems.length === 0; i++) {
    const raw = words[i]!;
    // A pipe, a redirection or the end of a shell command: what follows is another program.
    if (/^(\||>|<|&&|;|2>)/.test(raw) && !/^<\w/.test(raw)) break;
    const word = raw.replace(/^[[(]+|[\])}.,;:]+$/g, '');
    if (word === '' || word === '|' || word === '…') continue;
    if (word.startsWith('-')) {
      const flag = word.replace(/=.*$/, '');
      const global = program.options.find((option) => option.long === flag || option.short === flag);
      if (naming && global && command === program) {
        // `tpt --db F import …`: a global option before the command's name, maybe with its value.
        if ((global.required || global.optional) && !word.includes('=')) i++;
        continue;
      }
      naming = false;
      if (/^--?[a-zA-Z][\w-]*$/.test(flag) && !knows(command, flag)) problems.push(`\`${flag}\` is no option of ${named(command)}`);
      continue;
    }
    if (!naming || placeholder(raw) || placeholder(word)) {
      naming = false;
      continue;
    }
    if (command === program && NOT_LISTED.has(word)) continue;
    const alternatives = word.split('|').filter(Boolean);
    const found = alternatives.map((alternative) => subcommand(command, alternative));
    if (found.every((sub) => sub !== undefined) && found.length > 0) {
      command = found[0]!;
      continue;
    }
    // A word after a command is its argument; under a group without arguments it must be a command.
    if (command.commands.length > 0 && command.registeredArguments.length === 0) problems.push(`\`${word}\` is no command of ${named(command)}`);
    naming = false;
  }
  return problems;
}

/** `tpt goal`, as a message names it. */
function named(command: Command): string {
  const words = ['tpt'];
  for (let c: Command | null = command; c?.parent; c = c.parent) words.splice(1, 0, c.name());
  return `\`${words.join(' ')}\``;
}
