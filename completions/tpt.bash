# bash completion for tpt (the therapeutic progress tracker)
# Install: tpt completion bash > ~/.local/share/bash-completion/completions/tpt
_tpt() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
  fi

  local global="--db --json --no-input --actor --no-color --key-file --help --version"
  local commands="init demo log-session sessions session clients goal milestone trends report export import completion audit retention client rekey backup check serve token"
  local timeframe="--last --days --since --until"

  case $prev in
    --db|--key-file|--out|--tls-cert|--tls-key) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --mood) COMPREPLY=($(compgen -W "very_negative negative neutral positive very_positive" -- "$cur")); return ;;
    --status) COMPREPLY=($(compgen -W "active achieved paused discontinued" -- "$cur")); return ;;
    --significance) COMPREPLY=($(compgen -W "low medium high" -- "$cur")); return ;;
    --by) COMPREPLY=($(compgen -W "day week month quarter year" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "table json markdown csv" -- "$cur")); return ;;
    --table) COMPREPLY=($(compgen -W "sessions goals milestones goal-history" -- "$cur")); return ;;
    --on-conflict) COMPREPLY=($(compgen -W "skip replace" -- "$cur")); return ;;
  esac

  # The first word that is not an option (or an option's value) is the command.
  local i command="" sub=""
  for ((i = 1; i < cword; i++)); do
    case ${words[i]} in
      --db|--actor|--key-file) ((i++)) ;;
      -*) ;;
      *) if [[ -z $command ]]; then command=${words[i]}; elif [[ -z $sub ]]; then sub=${words[i]}; fi ;;
    esac
  done

  local options=""
  case $command in
    "") COMPREPLY=($(compgen -W "$commands $global" -- "$cur")); return ;;
    log-session) options="--client --summary --mood --id --at --goal --notes --observations --next-focus --duration --technique --homework --crisis-flag --meta --interactive" ;;
    sessions) options="$timeframe --limit" ;;
    session) [[ -z $sub ]] && options="show" ;;
    goal)
      case $sub in
        "") options="create update list show" ;;
        create) options="--client --description --target --progress --notes --id" ;;
        update) options="--progress --status --note" ;;
        list) options="--status" ;;
      esac ;;
    milestone)
      case $sub in
        "") options="add list" ;;
        add) options="--goal --description --date --significance --id" ;;
      esac ;;
    trends) options="$timeframe --by" ;;
    report) options="$timeframe --format" ;;
    export) options="--all --format --table --out --force" ;;
    import) options="--on-conflict" ;;
    completion) options="bash zsh fish" ;;
    audit) options="verify $timeframe --client --head" ;;
    retention) options="set show apply --years --dry-run --yes" ;;
    client) options="delete --purge --yes" ;;
    rekey) options="--passphrase" ;;
    serve) options="--host --port --tls-cert --tls-key" ;;
    token) [[ -z $sub ]] && options="create list revoke"; [[ $sub == create ]] && options="--name" ;;
  esac
  COMPREPLY=($(compgen -W "$options $global" -- "$cur"))
  [[ $command == import || $command == backup ]] && COMPREPLY+=($(compgen -f -- "$cur"))
}
complete -F _tpt tpt
