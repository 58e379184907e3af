# bash completion for tpt (generated from the program by `npm run completions`: do not edit)
# Install for your user (bash-completion loads it on first use of tpt):
#   mkdir -p ~/.local/share/bash-completion/completions
#   tpt completion bash > ~/.local/share/bash-completion/completions/tpt
# Without the bash-completion package: add `source <(tpt completion bash)` to ~/.bashrc.

_tpt_subcommands() {
  case $1 in
    '') echo 'init demo log-session sessions session clients caseload goal milestone measure measures trends report search outcomes risk course export import migrate ingest completion serve token account supervision audit access-log retention client rekey backup check' ;;
    'session') echo 'show amend void restore sign' ;;
    'caseload') echo 'assign unassign transfer' ;;
    'goal') echo 'create update edit list show' ;;
    'milestone') echo 'add list show edit void restore' ;;
    'measure') echo 'add show amend void restore schedule due' ;;
    'risk') echo 'list resolve amend reopen' ;;
    'course') echo 'start end list' ;;
    'token') echo 'create list revoke' ;;
    'account') echo 'create list disable enable role' ;;
    'supervision') echo 'add remove' ;;
    'audit') echo 'verify' ;;
    'retention') echo 'set show apply' ;;
    'client') echo 'rename merge delete' ;;
  esac
}

_tpt_options() {
  case $1 in
    '') echo '--version -V --db --database --json --no-input --actor --no-color --key-file --wide --help -h' ;;
    'init') echo '--passphrase' ;;
    'demo') echo '' ;;
    'log-session') echo '--client --summary --mood --id --at --goal --notes --observations --next-focus --duration --technique --homework --crisis-flag --meta --interactive -i --sign --template' ;;
    'sessions') echo '--last --days --since --until --limit --include-void' ;;
    'session') echo '' ;;
    'session show') echo '--history' ;;
    'session amend') echo '--reason --summary --mood --at --goal --notes --observations --next-focus --duration --technique --homework --crisis-flag --meta --clear' ;;
    'session void') echo '--reason' ;;
    'session restore') echo '' ;;
    'session sign') echo '' ;;
    'clients') echo '' ;;
    'caseload') echo '--unsigned-days' ;;
    'caseload assign') echo '--to' ;;
    'caseload unassign') echo '--from' ;;
    'caseload transfer') echo '--from --to' ;;
    'goal') echo '' ;;
    'goal create') echo '--client --description --target --progress --notes --id --at' ;;
    'goal update') echo '--progress --status --note --at' ;;
    'goal edit') echo '--reason --description --target --notes --set-at' ;;
    'goal list') echo '--status' ;;
    'goal show') echo '' ;;
    'milestone') echo '' ;;
    'milestone add') echo '--goal --description --date --significance --id' ;;
    'milestone list') echo '--include-void' ;;
    'milestone show') echo '' ;;
    'milestone edit') echo '--reason --description --date --significance' ;;
    'milestone void') echo '--reason' ;;
    'milestone restore') echo '' ;;
    'measure') echo '' ;;
    'measure add') echo '--measure --items --total --at --session --id' ;;
    'measure show') echo '--history' ;;
    'measure amend') echo '--reason --items --total --at --session' ;;
    'measure void') echo '--reason' ;;
    'measure restore') echo '' ;;
    'measure schedule') echo '--every --stop' ;;
    'measure due') echo '' ;;
    'measures') echo '--last --days --since --until --include-void' ;;
    'trends') echo '--last --days --since --until --by --rated-by' ;;
    'report') echo '--last --days --since --until --format --rated-by' ;;
    'search') echo '--last --days --since --until --client --include-void --limit' ;;
    'outcomes') echo '--last --days --since --until --by --format' ;;
    'risk') echo '' ;;
    'risk list') echo '--open' ;;
    'risk resolve') echo '--note --yes -y' ;;
    'risk amend') echo '--note --reason' ;;
    'risk reopen') echo '--reason' ;;
    'course') echo '' ;;
    'course start') echo '--at --id' ;;
    'course end') echo '--reason --note --at' ;;
    'course list') echo '' ;;
    'export') echo '--all --format --table --out --force --encrypt --recipient' ;;
    'import') echo '--on-conflict --dry-run --identity' ;;
    'migrate') echo '--to' ;;
    'ingest') echo '--all-or-nothing' ;;
    'completion') echo '' ;;
    'serve') echo '--host --port --tls-cert --tls-key --metrics-port' ;;
    'token') echo '' ;;
    'token create') echo '--name --scope' ;;
    'token list') echo '' ;;
    'token revoke') echo '' ;;
    'account') echo '' ;;
    'account create') echo '--role' ;;
    'account list') echo '' ;;
    'account disable') echo '' ;;
    'account enable') echo '' ;;
    'account role') echo '' ;;
    'supervision') echo '' ;;
    'supervision add') echo '--of' ;;
    'supervision remove') echo '--of' ;;
    'audit') echo '--last --days --since --until --client --by' ;;
    'audit verify') echo '--head' ;;
    'access-log') echo '--last --days --since --until --by' ;;
    'retention') echo '' ;;
    'retention set') echo '--years' ;;
    'retention show') echo '' ;;
    'retention apply') echo '--dry-run --yes' ;;
    'client') echo '' ;;
    'client rename') echo '' ;;
    'client merge') echo '--into' ;;
    'client delete') echo '--purge --yes' ;;
    'rekey') echo '--passphrase' ;;
    'backup') echo '' ;;
    'check') echo '--head' ;;
  esac
}

_tpt_takes_value() {
  case "$1|$2" in
    *'|--db'|*'|--database'|*'|--actor'|*'|--key-file'|'log-session|--client'|'log-session|--summary'|'log-session|--mood'|'log-session|--id'|'log-session|--at'|'log-session|--goal'|'log-session|--notes'|'log-session|--observations'|'log-session|--next-focus'|'log-session|--duration'|'log-session|--technique'|'log-session|--homework'|'log-session|--crisis-flag'|'log-session|--meta'|'log-session|--template'|'sessions|--last'|'sessions|--days'|'sessions|--since'|'sessions|--until'|'sessions|--limit'|'session amend|--reason'|'session amend|--summary'|'session amend|--mood'|'session amend|--at'|'session amend|--goal'|'session amend|--notes'|'session amend|--observations'|'session amend|--next-focus'|'session amend|--duration'|'session amend|--technique'|'session amend|--homework'|'session amend|--crisis-flag'|'session amend|--meta'|'session amend|--clear'|'session void|--reason'|'caseload|--unsigned-days'|'caseload assign|--to'|'caseload unassign|--from'|'caseload transfer|--from'|'caseload transfer|--to'|'goal create|--client'|'goal create|--description'|'goal create|--target'|'goal create|--progress'|'goal create|--notes'|'goal create|--id'|'goal create|--at'|'goal update|--progress'|'goal update|--status'|'goal update|--note'|'goal update|--at'|'goal edit|--reason'|'goal edit|--description'|'goal edit|--target'|'goal edit|--notes'|'goal edit|--set-at'|'goal list|--status'|'milestone add|--goal'|'milestone add|--description'|'milestone add|--date'|'milestone add|--significance'|'milestone add|--id'|'milestone edit|--reason'|'milestone edit|--description'|'milestone edit|--date'|'milestone edit|--significance'|'milestone void|--reason'|'measure add|--measure'|'measure add|--items'|'measure add|--total'|'measure add|--at'|'measure add|--session'|'measure add|--id'|'measure amend|--reason'|'measure amend|--items'|'measure amend|--total'|'measure amend|--at'|'measure amend|--session'|'measure void|--reason'|'measure schedule|--every'|'measures|--last'|'measures|--days'|'measures|--since'|'measures|--until'|'trends|--last'|'trends|--days'|'trends|--since'|'trends|--until'|'trends|--by'|'trends|--rated-by'|'report|--last'|'report|--days'|'report|--since'|'report|--until'|'report|--format'|'report|--rated-by'|'search|--last'|'search|--days'|'search|--since'|'search|--until'|'search|--client'|'search|--limit'|'outcomes|--last'|'outcomes|--days'|'outcomes|--since'|'outcomes|--until'|'outcomes|--by'|'outcomes|--format'|'risk resolve|--note'|'risk amend|--note'|'risk amend|--reason'|'risk reopen|--reason'|'course start|--at'|'course start|--id'|'course end|--reason'|'course end|--note'|'course end|--at'|'export|--format'|'export|--table'|'export|--out'|'export|--recipient'|'import|--on-conflict'|'import|--identity'|'migrate|--to'|'serve|--host'|'serve|--port'|'serve|--tls-cert'|'serve|--tls-key'|'serve|--metrics-port'|'token create|--name'|'token create|--scope'|'account create|--role'|'supervision add|--of'|'supervision remove|--of'|'audit|--last'|'audit|--days'|'audit|--since'|'audit|--until'|'audit|--client'|'audit|--by'|'audit verify|--head'|'access-log|--last'|'access-log|--days'|'access-log|--since'|'access-log|--until'|'access-log|--by'|'retention set|--years'|'client merge|--into'|'check|--head') return 0 ;;
  esac
  return 1
}

_tpt_option_values() {
  case "$1|$2" in
    'log-session|--client') _tpt_ids clients ;;
    'log-session|--mood') _tpt_words 'very_negative negative neutral positive very_positive' ;;
    'log-session|--goal') _tpt_ids goals ;;
    'log-session|--crisis-flag') _tpt_words 'suicidal_ideation suicide_plan suicide_attempt self_harm harm_to_others safeguarding substance_crisis medical_emergency' ;;
    'session amend|--mood') _tpt_words 'very_negative negative neutral positive very_positive' ;;
    'session amend|--goal') _tpt_ids goals ;;
    'session amend|--crisis-flag') _tpt_words 'suicidal_ideation suicide_plan suicide_attempt self_harm harm_to_others safeguarding substance_crisis medical_emergency' ;;
    'goal create|--client') _tpt_ids clients ;;
    'goal update|--status') _tpt_words 'active achieved paused discontinued' ;;
    'goal list|--status') _tpt_words 'active achieved paused discontinued' ;;
    'milestone add|--goal') _tpt_ids goals ;;
    'milestone add|--significance') _tpt_words 'low medium high' ;;
    'milestone edit|--significance') _tpt_words 'low medium high' ;;
    'measure add|--measure') _tpt_words 'phq9 gad7 core10' ;;
    'measure add|--session') _tpt_ids sessions ;;
    'measure amend|--session') _tpt_ids sessions ;;
    'trends|--by') _tpt_words 'day week month quarter year' ;;
    'report|--format') _tpt_words 'table json markdown' ;;
    'search|--client') _tpt_ids clients ;;
    'outcomes|--by') _tpt_words 'day week month quarter year' ;;
    'export|--format') _tpt_words 'json csv fhir' ;;
    'export|--table') _tpt_words 'sessions goals milestones goal-history measures' ;;
    'export|--out') _tpt_files ;;
    'import|--on-conflict') _tpt_words 'skip replace' ;;
    'import|--identity') _tpt_files ;;
    'serve|--tls-cert') _tpt_files ;;
    'serve|--tls-key') _tpt_files ;;
    'token create|--scope') _tpt_words 'read write admin' ;;
    'audit|--client') _tpt_ids clients ;;
    'audit|--by') _tpt_words 'day week month quarter year' ;;
    'access-log|--by') _tpt_words 'day week month quarter year' ;;
    'client merge|--into') _tpt_ids clients ;;
    *'|--db') _tpt_files ;;
    *'|--key-file') _tpt_files ;;
  esac
}

_tpt_argument_values() {
  case "$1|$2" in
    'sessions|0') _tpt_ids clients ;;
    'session show|0') _tpt_ids sessions ;;
    'session amend|0') _tpt_ids sessions ;;
    'session void|0') _tpt_ids sessions ;;
    'session restore|0') _tpt_ids sessions ;;
    'session sign|0') _tpt_ids sessions ;;
    'caseload assign|0') _tpt_ids clients ;;
    'caseload unassign|0') _tpt_ids clients ;;
    'caseload transfer|0') _tpt_ids clients ;;
    'goal update|0') _tpt_ids goals ;;
    'goal edit|0') _tpt_ids goals ;;
    'goal list|0') _tpt_ids clients ;;
    'goal show|0') _tpt_ids goals ;;
    'milestone list|0') _tpt_ids clients ;;
    'milestone show|0') _tpt_ids milestones ;;
    'milestone edit|0') _tpt_ids milestones ;;
    'milestone void|0') _tpt_ids milestones ;;
    'milestone restore|0') _tpt_ids milestones ;;
    'measure add|0') _tpt_ids clients ;;
    'measure show|0') _tpt_ids measures ;;
    'measure amend|0') _tpt_ids measures ;;
    'measure void|0') _tpt_ids measures ;;
    'measure restore|0') _tpt_ids measures ;;
    'measure schedule|0') _tpt_ids clients ;;
    'measure due|0') _tpt_ids clients ;;
    'measures|0') _tpt_ids clients ;;
    'trends|0') _tpt_ids clients ;;
    'report|0') _tpt_ids clients ;;
    'risk list|0') _tpt_ids clients ;;
    'risk resolve|0') _tpt_ids clients ;;
    'risk resolve|1') _tpt_words 'suicidal_ideation suicide_plan suicide_attempt self_harm harm_to_others safeguarding substance_crisis medical_emergency other' ;;
    'risk amend|0') _tpt_ids clients ;;
    'risk amend|1') _tpt_words 'suicidal_ideation suicide_plan suicide_attempt self_harm harm_to_others safeguarding substance_crisis medical_emergency other' ;;
    'risk reopen|0') _tpt_ids clients ;;
    'risk reopen|1') _tpt_words 'suicidal_ideation suicide_plan suicide_attempt self_harm harm_to_others safeguarding substance_crisis medical_emergency other' ;;
    'course start|0') _tpt_ids clients ;;
    'course end|0') _tpt_ids clients ;;
    'course list|0') _tpt_ids clients ;;
    'export|0') _tpt_ids clients ;;
    'import|0') _tpt_files ;;
    'ingest|0') _tpt_files ;;
    'completion|0') _tpt_words 'bash zsh fish' ;;
    'token revoke|0') _tpt_ids tokens ;;
    'audit|0') _tpt_ids clients ;;
    'access-log|0') _tpt_ids clients ;;
    'client rename|0') _tpt_ids clients ;;
    'client merge|0') _tpt_ids clients ;;
    'client delete|0') _tpt_ids clients ;;
    'backup|0') _tpt_files ;;
  esac
}

_tpt_words() {
  local IFS=$' \t\n'
  COMPREPLY+=($(compgen -W "$1" -- "$cur"))
}

_tpt_files() {
  if declare -F _filedir >/dev/null 2>&1; then
    _filedir
  else
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}

# Ids from the database in use (the --db and --key-file typed so far, else TPT_DB and the usual
# key); `tpt __complete` never prompts and prints nothing when the key is not at hand.
_tpt_ids() {
  local i args=()
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --db|--database|--key-file) args+=("${words[i]}" "${words[i+1]/#\~/$HOME}") ;;
      --db=*|--database=*|--key-file=*) args+=("${words[i]/=\~/=$HOME}") ;;
    esac
  done
  _tpt_words "$("${words[0]}" __complete "$1" "${args[@]}" -- "$cur" 2>/dev/null)"
}

_tpt() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion -n = || return
  else
    cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  COMPREPLY=()

  # The command path typed so far ("goal show"), the arguments after it, and whether the word
  # being completed is the value of an option.
  local path='' npos=0 value_of='' i word
  for ((i = 1; i < cword; i++)); do
    word=${words[i]}
    case $word in
      -*=*) ;;
      -*)
        if _tpt_takes_value "$path" "$word"; then
          ((i + 1 == cword)) && value_of=$word
          ((i++))
        fi ;;
      *)
        if ((npos == 0)) && [[ " $(_tpt_subcommands "$path") " == *" $word "* ]]; then
          path=${path:+$path }$word
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
