import { allCommands, type ArgumentSpec, type CommandSpec, type OptionSpec, type Values } from './model.js';

/**
 * The completion scripts, written from the program's own commands and options
 * (`npm run completions` writes them to completions/; a test fails when the files there differ).
 * Each shell gets the same few lookup functions (subcommands, options, which options take a value,
 * what completes a value or an argument) and a walker that finds the command path being typed.
 * Record ids come from `tpt __complete <kind>`, which reads the database in use without a prompt.
 */

export const SCRIPT_FILES = { bash: 'tpt.bash', zsh: '_tpt', fish: 'tpt.fish' } as const;
export type Shell = keyof typeof SCRIPT_FILES;

const HEADER = 'generated from the program by `npm run completions`: do not edit';

export function completionScripts(root: CommandSpec): Record<Shell, string> {
  return { bash: bashScript(root), zsh: zshScript(root), fish: fishScript(root) };
}

/** A word in single quotes for bash and zsh. */
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** A word in single quotes for fish. */
const fq = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const optionNames = (option: OptionSpec) => (option.short ? [option.long, option.short] : [option.long]);

interface Case {
  pattern: string;
  body: string;
}

/** `case` arms for bash and zsh: `pattern) body ;;`. */
function caseBlock(subject: string, arms: Case[], indent = '  '): string {
  if (arms.length === 0) return `${indent}:`;
  return [`${indent}case ${subject} in`, ...arms.map((arm) => `${indent}  ${arm.pattern}) ${arm.body} ;;`), `${indent}esac`].join('\n');
}

/** The value patterns of a command's options: `'goal create|--client'`, globals as `*'|--db'`. */
function valueArms(root: CommandSpec, reply: (values: Values) => string | undefined): Case[] {
  const arms: Case[] = [];
  for (const command of allCommands(root)) {
    for (const option of command.options.filter((o) => o.takesValue)) {
      const body = reply(option.values);
      if (body === undefined) continue;
      const patterns = optionNames(option).map((name) => valuePattern(command.path, name));
      arms.push({ pattern: patterns.join('|'), body });
    }
  }
  // Globals last, so a command's own option of the same name wins.
  return [...arms.filter((arm) => !arm.pattern.startsWith('*')), ...arms.filter((arm) => arm.pattern.startsWith('*'))];
}

/** `'goal create|--client'`; a program option (`--db`) applies under every command: `*'|--db'`. */
const valuePattern = (path: string, name: string) => (path === '' ? `*${sq(`|${name}`)}` : sq(`${path}|${name}`));

function takesValuePatterns(root: CommandSpec): string {
  return allCommands(root)
    .flatMap((command) => command.options.filter((o) => o.takesValue).flatMap((option) => optionNames(option).map((name) => valuePattern(command.path, name))))
    .join('|');
}

/** Argument arms: `'report|0'`; a variadic last argument takes every later position too. */
function argumentArms(root: CommandSpec, reply: (values: Values) => string | undefined): Case[] {
  const arms: Case[] = [];
  for (const command of allCommands(root)) {
    command.args.forEach((argument: ArgumentSpec, index) => {
      const body = reply(argument.values);
      if (body === undefined) return;
      arms.push({ pattern: argument.variadic ? `${sq(`${command.path}|`)}*` : sq(`${command.path}|${index}`), body });
    });
  }
  return arms;
}

const withSubcommands = (root: CommandSpec) => allCommands(root).filter((command) => command.subcommands.length > 0);

/** The functions bash and zsh write alike: which options take a value, and the values to offer. */
function valueFunctions(root: CommandSpec, reply: (values: Values) => string | undefined): string {
  return `_tpt_takes_value() {
  case "$1|$2" in
    ${takesValuePatterns(root)}) return 0 ;;
  esac
  return 1
}

_tpt_option_values() {
${caseBlock('"$1|$2"', valueArms(root, reply))}
}

_tpt_argument_values() {
${caseBlock('"$1|$2"', argumentArms(root, reply))}
}`;
}

// ---------------------------------------------------------------------------------------------
// bash

function bashReply(values: Values): string | undefined {
  switch (values.kind) {
    case 'choices': return `_tpt_words ${sq(values.choices.join(' '))}`;
    case 'files': return '_tpt_files';
    case 'ids': return `_tpt_ids ${values.ids}`;
    case 'none': return undefined;
  }
}

function bashScript(root: CommandSpec): string {
  const options = allCommands(root).map((command) => ({
    pattern: sq(command.path),
    body: `echo ${sq(command.options.flatMap(optionNames).join(' '))}`,
  }));
  return `# bash completion for tpt (${HEADER})
# Install for your user (bash-completion loads it on first use of tpt):
#   mkdir -p ~/.local/share/bash-completion/completions
#   tpt completion bash > ~/.local/share/bash-completion/completions/tpt
# Without the bash-completion package: add \`source <(tpt completion bash)\` to ~/.bashrc.

_tpt_subcommands() {
${caseBlock('$1', withSubcommands(root).map((command) => ({ pattern: sq(command.path), body: `echo ${sq(command.subcommands.map((sub) => sub.name).join(' '))}` })))}
}

_tpt_options() {
${caseBlock('$1', options)}
}

${valueFunctions(root, bashReply)}

_tpt_words() {
  local IFS=$' \\t\\n'
  COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_tpt_files() {
  if declare -F _filedir >/dev/null 2>&1; then
    _filedir
  else
    compopt -o filenames 2>/dev/null
    local IFS=$'\\n'
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}

# Ids from the database in use (the --db and --key-file typed so far, else TPT_DB and the usual
# key); \`tpt __complete\` never prompts and prints nothing when the key is not at hand.
_tpt_ids() {
  local i args=()
  for ((i = 1; i < cword; i++)); do
    case \${words[i]} in
      --db|--database|--key-file) args+=("\${words[i]}" "\${words[i+1]/#\\~/$HOME}") ;;
      --db=*|--database=*|--key-file=*) args+=("\${words[i]/=\\~/=$HOME}") ;;
    esac
  done
  _tpt_words "$("\${words[0]}" __complete "$1" "\${args[@]}" -- "$cur" 2>/dev/null)"
}

_tpt() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion -n = || return
  else
    cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} words=("\${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  COMPREPLY=()

  # The command path typed so far ("goal show"), the arguments after it, and whether the word
  # being completed is the value of an option.
  local path='' npos=0 value_of='' i word
  for ((i = 1; i < cword; i++)); do
    word=\${words[i]}
    case $word in
      -*=*) ;;
      -*)
        if _tpt_takes_value "$path" "$word"; then
          ((i + 1 == cword)) && value_of=$word
          ((i++))
        fi ;;
      *)
        if ((npos == 0)) && [[ " $(_tpt_subcommands "$path") " == *" $word "* ]]; then
          path=\${path:+$path }$word
        else
          ((npos++))
        fi ;;
    esac
  done

  if [[ -n $value_of ]]; then
    _tpt_option_values "$path" "$value_of"
    return
  fi
  if [[ $cur == -* ]]; then
    _tpt_words "$(_tpt_options "$path") $(_tpt_options '')"
    return
  fi
  ((npos == 0)) && _tpt_words "$(_tpt_subcommands "$path")"
  _tpt_argument_values "$path" "$npos"
}

complete -F _tpt tpt
`;
}

// ---------------------------------------------------------------------------------------------
// zsh

function zshReply(values: Values): string | undefined {
  switch (values.kind) {
    case 'choices': return `compadd -- ${values.choices.map(sq).join(' ')}`;
    case 'files': return '_files';
    case 'ids': return `_tpt_ids ${values.ids}`;
    case 'none': return undefined;
  }
}

const described = (name: string, description: string) => sq(`${name.replace(/:/g, '\\:')}:${description}`);

function zshScript(root: CommandSpec): string {
  const subcommandArms = withSubcommands(root).map((command) => ({
    pattern: sq(command.path),
    body: `reply=(${command.subcommands.map((sub) => described(sub.name, sub.description)).join(' ')})`,
  }));
  const optionArms = allCommands(root).map((command) => ({
    pattern: sq(command.path),
    body: `reply=(${command.options.flatMap((option) => optionNames(option).map((name) => described(name, option.description))).join(' ')})`,
  }));
  return `#compdef tpt
# zsh completion for tpt (${HEADER})
# Install for your user:
#   mkdir -p ~/.zfunc && tpt completion zsh > ~/.zfunc/_tpt
# and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath); autoload -Uz compinit && compinit

_tpt_subcommands() {
  reply=()
${caseBlock('$1', subcommandArms)}
}

_tpt_options() {
  reply=()
${caseBlock('$1', optionArms)}
}

${valueFunctions(root, zshReply)}

# Ids from the database in use (the --db and --key-file typed so far, else TPT_DB and the usual
# key); \`tpt __complete\` never prompts and prints nothing when the key is not at hand.
_tpt_ids() {
  local i
  local -a args
  for ((i = 2; i < CURRENT; i++)); do
    case \${words[i]} in
      --db|--database|--key-file) args+=("\${words[i]}" "\${~words[i+1]}") ;;
      --db=*|--database=*|--key-file=*) args+=("\${words[i]}") ;;
    esac
  done
  local -a found
  found=(\${(f)"$(\${words[1]} __complete "$1" --describe "\${args[@]}" -- "\${PREFIX}" 2>/dev/null)"})
  # "id<TAB>client, date" → "id:client, date", which _describe shows beside the id.
  found=("\${found[@]//$'\\t'/:}")
  _describe -t "$1" "$1" found
}

_tpt() {
  local tpt_path='' npos=0 value_of='' i word
  local -a reply
  for ((i = 2; i < CURRENT; i++)); do
    word=\${words[i]}
    case $word in
      -*=*) ;;
      -*)
        if _tpt_takes_value "$tpt_path" "$word"; then
          ((i + 1 == CURRENT)) && value_of=$word
          ((i++))
        fi ;;
      *)
        _tpt_subcommands "$tpt_path"
        if ((npos == 0)) && (( \${reply[(I)\${word}:*]} )); then
          tpt_path=\${tpt_path:+$tpt_path }$word
        else
          ((npos++))
        fi ;;
    esac
  done

  if [[ -n $value_of ]]; then
    _tpt_option_values "$tpt_path" "$value_of"
    return
  fi
  if [[ \${words[CURRENT]} == -* ]]; then
    local -a own global
    _tpt_options "$tpt_path"; own=("\${reply[@]}")
    _tpt_options ''; global=("\${reply[@]}")
    _describe -t options 'option' own -- global
    return
  fi
  if ((npos == 0)); then
    _tpt_subcommands "$tpt_path"
    ((\${#reply})) && _describe -t commands 'command' reply
  fi
  _tpt_argument_values "$tpt_path" "$npos"
}

if [[ $zsh_eval_context[-1] == loadautoload ]]; then
  _tpt "$@"
else
  compdef _tpt tpt
fi
`;
}

// ---------------------------------------------------------------------------------------------
// fish

function fishReply(values: Values): string | undefined {
  switch (values.kind) {
    case 'choices': return `printf '%s\\n' ${values.choices.map(fq).join(' ')}`;
    case 'files': return '__fish_complete_path (commandline -ct)';
    case 'ids': return `__tpt_ids ${values.ids}`;
    case 'none': return undefined;
  }
}

/** A fish `switch` over "$argv[1]|$argv[2]". */
function fishSwitch(subject: string, arms: { patterns: string[]; body: string }[], fallback?: string): string {
  const lines = [`  switch ${subject}`];
  for (const arm of arms) lines.push(`    case ${arm.patterns.join(' ')}`, `      ${arm.body}`);
  if (fallback) lines.push(`    case '*'`, `      ${fallback}`);
  lines.push('  end');
  return lines.join('\n');
}

function fishOptionLine(command: CommandSpec, option: OptionSpec): string {
  const parts = ['complete -c tpt'];
  if (command.path !== '') parts.push(`-n ${fq(`__tpt_at '${command.path}'`)}`);
  if (option.long.startsWith('--')) parts.push(`-l ${option.long.slice(2)}`);
  const short = option.short ?? (option.long.startsWith('--') ? undefined : option.long);
  if (short) parts.push(`-s ${short.slice(1)}`);
  if (option.takesValue) {
    const reply = fishReply(option.values);
    if (option.values.kind === 'files') parts.push('-r -F');
    else parts.push('-x', ...(reply ? [`-a ${fq(`(${reply})`)}`] : []));
  }
  parts.push(`-d ${fq(option.description)}`);
  return parts.join(' ');
}

function fishScript(root: CommandSpec): string {
  const commands = allCommands(root);
  const subcommandArms = withSubcommands(root).map((command) => ({
    patterns: [fq(command.path)],
    body: `printf '%s\\t%s\\n' ${command.subcommands.map((sub) => `${fq(sub.name)} ${fq(sub.description)}`).join(' ')}`,
  }));
  const takesValue: string[] = [];
  for (const command of commands) {
    for (const option of command.options.filter((o) => o.takesValue)) {
      for (const name of optionNames(option)) takesValue.push(command.path === '' ? fq(`*|${name}`) : fq(`${command.path}|${name}`));
    }
  }
  const argumentCases: { patterns: string[]; body: string }[] = [];
  for (const command of commands) {
    command.args.forEach((argument, index) => {
      const body = fishReply(argument.values);
      if (body) argumentCases.push({ patterns: [argument.variadic ? fq(`${command.path}|*`) : fq(`${command.path}|${index}`)], body });
    });
  }
  return `# fish completion for tpt (${HEADER})
# Install for your user:  tpt completion fish > ~/.config/fish/completions/tpt.fish

function __tpt_subcommands
${fishSwitch('$argv[1]', subcommandArms)}
end

function __tpt_takes_value
${fishSwitch('"$argv[1]|$argv[2]"', takesValue.length ? [{ patterns: takesValue, body: 'return 0' }] : [])}
  return 1
end

# The command path typed so far ("goal show") and the number of arguments after it.
function __tpt_state
  set -l words (commandline -opc)
  set -e words[1]
  set -l path ''
  set -l npos 0
  set -l skip 0
  for word in $words
    if test $skip = 1
      set skip 0
      continue
    end
    switch $word
      case '-*=*'
      case '-*'
        __tpt_takes_value "$path" $word; and set skip 1
      case '*'
        if test $npos = 0; and contains -- $word (__tpt_subcommands "$path" | string replace -r '\\t.*' '')
          set path (string trim -- "$path $word")
        else
          set npos (math $npos + 1)
        end
    end
  end
  echo "path:$path"
  echo "npos:$npos"
end

function __tpt_at
  test (__tpt_state)[1] = "path:$argv[1]"
end

# Ids from the database in use (the --db and --key-file typed so far, else TPT_DB and the usual
# key); \`tpt __complete\` never prompts and prints nothing when the key is not at hand.
function __tpt_ids
  set -l words (commandline -opc)
  set -l args
  for i in (seq 2 (count $words))
    switch $words[$i]
      case --db --database --key-file
        set -a args $words[$i] $words[(math $i + 1)]
      case '--db=*' '--database=*' '--key-file=*'
        set -a args $words[$i]
    end
  end
  # "id<TAB>client, date": fish shows what follows the tab beside the id.
  $words[1] __complete $argv[1] --describe $args -- (commandline -ct) 2>/dev/null
end

function __tpt_arguments
  set -l state (__tpt_state)
  set -l path (string replace 'path:' '' -- $state[1])
  set -l npos (string replace 'npos:' '' -- $state[2])
  test $npos = 0; and __tpt_subcommands "$path"
${fishSwitch('"$path|$npos"', argumentCases)}
end

complete -c tpt -f
complete -c tpt -n 'not string match -q -- "-*" (commandline -ct)' -a '(__tpt_arguments)'
${commands.flatMap((command) => command.options.map((option) => fishOptionLine(command, option))).join('\n')}
`;
}
