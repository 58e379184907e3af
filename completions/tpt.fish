# fish completion for tpt (the therapeutic progress tracker)
# Install: tpt completion fish > ~/.config/fish/completions/tpt.fish

set -l commands init demo log-session sessions session clients goal milestone trends report export import completion audit retention client rekey backup check serve token
complete -c tpt -f

complete -c tpt -l db -r -F -d 'the database file'
complete -c tpt -l json -d 'JSON output'
complete -c tpt -l no-input -d 'never prompt'
complete -c tpt -l actor -x -d 'who is acting'
complete -c tpt -l no-color -d 'no colour'
complete -c tpt -l key-file -r -F -d 'the key file'

complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a init -d 'create the encrypted database and its key'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a demo -d 'create a demo database and show it'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a log-session -d 'record one therapy session'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a sessions -d "list a client's sessions"
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a session -d 'show one session'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a clients -d 'every client'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a goal -d 'therapeutic goals'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a milestone -d 'milestones'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a trends -d 'emotional trend analysis'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a report -d 'a progress report'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a export -d 'export history'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a import -d 'import a JSON export'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a completion -d 'a shell completion script'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a audit -d 'the audit log'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a retention -d 'the retention policy'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a client -d "delete a client's records"
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a rekey -d 'rotate the key'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a backup -d 'an encrypted backup'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a check -d 'integrity and audit check'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a serve -d 'the HTTP service'
complete -c tpt -n "not __fish_seen_subcommand_from $commands" -a token -d 'HTTP service tokens'

complete -c tpt -n '__fish_seen_subcommand_from log-session' -l client -x -d 'the client'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l summary -x -d 'summary'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l mood -x -a 'very_negative negative neutral positive very_positive'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l id -x -d 'session id'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l at -x -d 'date and time'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l goal -x -d 'goal id'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l notes -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l observations -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l next-focus -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l duration -x -d 'minutes'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l technique -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l homework -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l crisis-flag -x
complete -c tpt -n '__fish_seen_subcommand_from log-session' -l meta -x -d 'key=value'
complete -c tpt -n '__fish_seen_subcommand_from log-session' -s i -l interactive -d 'ask for every field'

for command in sessions trends report audit
  complete -c tpt -n "__fish_seen_subcommand_from $command" -l last -x -d 'the last N d/w/m/q/y'
  complete -c tpt -n "__fish_seen_subcommand_from $command" -l days -x -d 'the last N days'
  complete -c tpt -n "__fish_seen_subcommand_from $command" -l since -x -d 'from this date'
  complete -c tpt -n "__fish_seen_subcommand_from $command" -l until -x -d 'up to this date'
end
complete -c tpt -n '__fish_seen_subcommand_from sessions' -l limit -x
complete -c tpt -n '__fish_seen_subcommand_from trends' -l by -x -a 'day week month quarter year'
complete -c tpt -n '__fish_seen_subcommand_from report' -l format -x -a 'table json markdown'

complete -c tpt -n '__fish_seen_subcommand_from session; and not __fish_seen_subcommand_from show' -a show
complete -c tpt -n '__fish_seen_subcommand_from goal; and not __fish_seen_subcommand_from create update list show' -a 'create update list show'
complete -c tpt -n '__fish_seen_subcommand_from goal' -l status -x -a 'active achieved paused discontinued'
complete -c tpt -n '__fish_seen_subcommand_from goal' -l progress -x
complete -c tpt -n '__fish_seen_subcommand_from goal' -l note -x
complete -c tpt -n '__fish_seen_subcommand_from create' -l client -x
complete -c tpt -n '__fish_seen_subcommand_from create' -l description -x
complete -c tpt -n '__fish_seen_subcommand_from create' -l target -x
complete -c tpt -n '__fish_seen_subcommand_from create' -l notes -x
complete -c tpt -n '__fish_seen_subcommand_from milestone; and not __fish_seen_subcommand_from add list' -a 'add list'
complete -c tpt -n '__fish_seen_subcommand_from milestone' -l goal -x
complete -c tpt -n '__fish_seen_subcommand_from milestone' -l description -x
complete -c tpt -n '__fish_seen_subcommand_from milestone' -l date -x
complete -c tpt -n '__fish_seen_subcommand_from milestone' -l significance -x -a 'low medium high'

complete -c tpt -n '__fish_seen_subcommand_from export' -l all
complete -c tpt -n '__fish_seen_subcommand_from export' -l format -x -a 'json csv'
complete -c tpt -n '__fish_seen_subcommand_from export' -l table -x -a 'sessions goals milestones goal-history'
complete -c tpt -n '__fish_seen_subcommand_from export' -l out -r -F
complete -c tpt -n '__fish_seen_subcommand_from export' -l force
complete -c tpt -n '__fish_seen_subcommand_from import' -F
complete -c tpt -n '__fish_seen_subcommand_from import' -l on-conflict -x -a 'skip replace'
complete -c tpt -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'
complete -c tpt -n '__fish_seen_subcommand_from audit' -a verify
complete -c tpt -n '__fish_seen_subcommand_from audit' -l head -x
complete -c tpt -n '__fish_seen_subcommand_from retention' -a 'set show apply'
complete -c tpt -n '__fish_seen_subcommand_from retention' -l years -x
complete -c tpt -n '__fish_seen_subcommand_from retention' -l dry-run
complete -c tpt -n '__fish_seen_subcommand_from retention client' -l yes
complete -c tpt -n '__fish_seen_subcommand_from client' -a delete
complete -c tpt -n '__fish_seen_subcommand_from client' -l purge
complete -c tpt -n '__fish_seen_subcommand_from rekey' -l passphrase
complete -c tpt -n '__fish_seen_subcommand_from backup' -F
complete -c tpt -n '__fish_seen_subcommand_from serve' -l host -x
complete -c tpt -n '__fish_seen_subcommand_from serve' -l port -x
complete -c tpt -n '__fish_seen_subcommand_from serve' -l tls-cert -r -F
complete -c tpt -n '__fish_seen_subcommand_from serve' -l tls-key -r -F
complete -c tpt -n '__fish_seen_subcommand_from token; and not __fish_seen_subcommand_from create list revoke' -a 'create list revoke'
complete -c tpt -n '__fish_seen_subcommand_from token' -l name -x
