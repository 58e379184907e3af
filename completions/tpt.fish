# fish completion for tpt (generated from the program by `npm run completions`: do not edit)
# Install for your user:  tpt completion fish > ~/.config/fish/completions/tpt.fish

function __tpt_subcommands
  switch $argv[1]
    case ''
      printf '%s\t%s\n' 'init' 'Create the encrypted database and its key (or lock it with a passphrase)' 'demo' 'Create a demo database of synthetic clients over 12 months and print one report (never your own database)' 'log-session' 'Record one therapy session' 'sessions' 'List a client\'s sessions, newest first (all of them unless a timeframe is given)' 'session' 'One session: show it, correct it by amendment, void, restore or sign it' 'clients' 'Every client: sessions, last session, active goals, average goal progress, open risks, off-track alerts' 'caseload' 'Every client, most pressing first, with why: open risks, off track, measures due, no recent session, goals, unsigned notes' 'goal' 'Therapeutic goals: create, update, list, show' 'milestone' 'Milestones reached on the way to a goal' 'measure' 'Standardized outcome measures: PHQ-9, GAD-7, CORE-10; corrected by amendment' 'measures' 'List a client\'s outcome measures, newest first (all of them unless a timeframe is given)' 'trends' 'A client\'s emotional trend by calendar period, with a chart (default: the last 90 days)' 'report' 'A client\'s progress report: crisis events, goals, milestones, emotional trend, recommendations (default: the last 30 days)' 'search' 'Find words in the notes: summaries, progress notes, observations, next focus, goals and milestones, newest first' 'outcomes' 'The practice\'s NHS Talking Therapies rates over courses ended (and, apart, ongoing) in the timeframe (default the last 12 months)' 'risk' 'Risks opened by crisis flags: list them, resolve one, correct or take back a resolution' 'course' 'Courses of treatment: the unit of outcome; start one, end one with the reason' 'export' 'Export client history: one versioned JSON document, or one table as CSV' 'import' 'Import a JSON export: all of it in one transaction, or nothing' 'migrate' 'Move every record into PostgreSQL (postgres://…) or a new SQLite file, under the same key; this database is only read' 'ingest' 'Take sessions, measures, goal updates and milestones from another program, as NDJSON' 'completion' 'Print a shell completion script (bash, zsh or fish)' 'serve' 'Serve the HTTP API (loopback only, unless given a TLS certificate)' 'token' 'Bearer tokens for the HTTP service: create, list, revoke' 'account' 'The practice\'s accounts: create, list, disable, enable, role' 'supervision' 'Supervisions: add, remove (see them in tpt account list)' 'audit' 'The audit log: every read and write of client data; `tpt audit verify` proves it intact' 'access-log' 'Who read or wrote which client\'s clinical text, and when (no text): for the practice manager and the auditor' 'retention' 'The retention policy: how many years records are kept after a client\'s last contact' 'client' 'One client\'s records: rename, merge, secure deletion' 'rekey' 'Key rotation: a new random key in a new key file, or (--passphrase) a new passphrase; old key files are kept' 'backup' 'A consistent copy of the database, encrypted with the same key, mode 0600 (never overwrites a file)' 'check' 'Check the database: SQLite\'s integrity and foreign-key checks and the audit chain (exit 1 on a problem)'
    case 'session'
      printf '%s\t%s\n' 'show' 'Show one session in full (voided ones too), its version and how many amendments it has' 'amend' 'Correct a session: a new version with the changed fields; every earlier version is kept' 'void' 'Take a session out of analytics and listings (entered in error); it stays in the record' 'restore' 'Undo the void of a session' 'sign' 'Sign a session: from then on it takes only amendments, each an addendum, and cannot be voided'
    case 'caseload'
      printf '%s\t%s\n' 'assign' 'Put a client on an account\'s caseload (a client may be on several)' 'unassign' 'Take a client off an account\'s caseload' 'transfer' 'Move a client from one caseload to another, in one step'
    case 'goal'
      printf '%s\t%s\n' 'create' 'Create a goal for a client' 'update' 'Record progress on a goal; asks on a terminal when no value is given' 'edit' 'Correct a goal\'s description, target date, notes or when it was set; the values before are kept with who, when and why' 'list' 'A client\'s goals' 'show' 'A goal with its whole history and milestones'
    case 'milestone'
      printf '%s\t%s\n' 'add' 'Record a milestone of a goal' 'list' 'A client\'s milestones, newest first' 'show' 'One milestone, voided or not, with its corrections (who, when, why, the values before)' 'edit' 'Correct a milestone; the values before are kept with who, when and why' 'void' 'Take a milestone out of lists and reports (recorded in error); it stays in the record' 'restore' 'Undo the void of a milestone'
    case 'measure'
      printf '%s\t%s\n' 'add' 'Record one measure; on a terminal without --items, asks item by item, then its session or date' 'show' 'Show one measure (voided ones too): each item, the total, its band and flags, its version' 'amend' 'Correct a measure: a new version with what changed; every earlier version is kept' 'void' 'Take a measure out of listings, trends and reports (entered in error); it stays in the record' 'restore' 'Undo the void of a measure' 'schedule' 'Set how often a measure is due for a client (a new schedule replaces the old), or stop it' 'due' 'A client\'s measure schedules: due, overdue, missed in a row, stopped'
    case 'risk'
      printf '%s\t%s\n' 'list' 'The risk register: every client\'s risks (or one client\'s), open ones first, with their history in --json' 'resolve' 'Resolve an open risk, with the reason; on a terminal, asks first. A later flag of the same kind reopens it' 'amend' 'Correct a resolution\'s note, with the reason; the note before stays in the risk\'s history' 'reopen' 'Take a resolution back, with the reason: the risk is open again as it was; the resolution stays in its history'
    case 'course'
      printf '%s\t%s\n' 'start' 'Open a course of treatment: each measure\'s first score of it is the report\'s baseline' 'end' 'End the open course of treatment, with the reason' 'list' 'A client\'s courses of treatment, oldest first'
    case 'token'
      printf '%s\t%s\n' 'create' 'Create a token; it is shown once, and only its hash is kept' 'list' 'Every token: id, name, created, revoked (never the secret)' 'revoke' 'Revoke a token at once'
    case 'account'
      printf '%s\t%s\n' 'create' 'Create an account; its password is asked twice on a terminal, or read from TPT_ACCOUNT_PASSWORD' 'list' 'Every account: role, state, caseload and supervisions (never a password)' 'disable' 'Disable an account: it keeps its caseload, and is refused everything' 'enable' 'Enable a disabled account again' 'role' 'Give an account another role'
    case 'supervision'
      printf '%s\t%s\n' 'add' 'Make a supervisor supervise a clinician' 'remove' 'End a supervision'
    case 'audit'
      printf '%s\t%s\n' 'verify' 'Recompute the hash chain: print the count and the head, or name the first broken entry (exit 1)'
    case 'retention'
      printf '%s\t%s\n' 'set' 'Set the policy (kept in the database)' 'show' 'Show the policy and the date before which a last contact is past it' 'apply' 'Purge the clients whose last contact is older than the policy (asks first; --dry-run only lists them)'
    case 'client'
      printf '%s\t%s\n' 'rename' 'Give a client a new id (a mistyped one): every record moves, in one transaction' 'merge' 'Move every record of one client into another (the same person under two ids), in one transaction' 'delete' 'Delete every record of a client for good (secure deletion); the audit log keeps that it happened'
  end
end

function __tpt_takes_value
  switch "$argv[1]|$argv[2]"
    case '*|--db' '*|--database' '*|--actor' '*|--key-file' 'log-session|--client' 'log-session|--summary' 'log-session|--mood' 'log-session|--id' 'log-session|--at' 'log-session|--goal' 'log-session|--notes' 'log-session|--observations' 'log-session|--next-focus' 'log-session|--duration' 'log-session|--technique' 'log-session|--homework' 'log-session|--crisis-flag' 'log-session|--meta' 'log-session|--template' 'sessions|--last' 'sessions|--days' 'sessions|--since' 'sessions|--until' 'sessions|--limit' 'session amend|--reason' 'session amend|--summary' 'session amend|--mood' 'session amend|--at' 'session amend|--goal' 'session amend|--notes' 'session amend|--observations' 'session amend|--next-focus' 'session amend|--duration' 'session amend|--technique' 'session amend|--homework' 'session amend|--crisis-flag' 'session amend|--meta' 'session amend|--clear' 'session void|--reason' 'caseload|--unsigned-days' 'caseload assign|--to' 'caseload unassign|--from' 'caseload transfer|--from' 'caseload transfer|--to' 'goal create|--client' 'goal create|--description' 'goal create|--target' 'goal create|--progress' 'goal create|--notes' 'goal create|--id' 'goal create|--at' 'goal update|--progress' 'goal update|--status' 'goal update|--note' 'goal update|--at' 'goal edit|--reason' 'goal edit|--description' 'goal edit|--target' 'goal edit|--notes' 'goal edit|--set-at' 'goal list|--status' 'milestone add|--goal' 'milestone add|--description' 'milestone add|--date' 'milestone add|--significance' 'milestone add|--id' 'milestone edit|--reason' 'milestone edit|--description' 'milestone edit|--date' 'milestone edit|--significance' 'milestone void|--reason' 'measure add|--measure' 'measure add|--items' 'measure add|--total' 'measure add|--at' 'measure add|--session' 'measure add|--id' 'measure amend|--reason' 'measure amend|--items' 'measure amend|--total' 'measure amend|--at' 'measure amend|--session' 'measure void|--reason' 'measure schedule|--every' 'measures|--last' 'measures|--days' 'measures|--since' 'measures|--until' 'trends|--last' 'trends|--days' 'trends|--since' 'trends|--until' 'trends|--by' 'trends|--rated-by' 'report|--last' 'report|--days' 'report|--since' 'report|--until' 'report|--format' 'report|--rated-by' 'search|--last' 'search|--days' 'search|--since' 'search|--until' 'search|--client' 'search|--limit' 'outcomes|--last' 'outcomes|--days' 'outcomes|--since' 'outcomes|--until' 'outcomes|--by' 'outcomes|--format' 'risk resolve|--note' 'risk amend|--note' 'risk amend|--reason' 'risk reopen|--reason' 'course start|--at' 'course start|--id' 'course end|--reason' 'course end|--note' 'course end|--at' 'export|--format' 'export|--table' 'export|--out' 'export|--recipient' 'import|--on-conflict' 'import|--identity' 'migrate|--to' 'serve|--host' 'serve|--port' 'serve|--tls-cert' 'serve|--tls-key' 'serve|--metrics-port' 'token create|--name' 'token create|--scope' 'account create|--role' 'supervision add|--of' 'supervision remove|--of' 'audit|--last' 'audit|--days' 'audit|--since' 'audit|--until' 'audit|--client' 'audit|--by' 'audit verify|--head' 'access-log|--last' 'access-log|--days' 'access-log|--since' 'access-log|--until' 'access-log|--by' 'retention set|--years' 'client merge|--into' 'check|--head'
      return 0
  end
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
        if test $npos = 0; and contains -- $word (__tpt_subcommands "$path" | string replace -r '\t.*' '')
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
# key); `tpt __complete` never prompts and prints nothing when the key is not at hand.
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
  switch "$path|$npos"
    case 'sessions|0'
      __tpt_ids clients
    case 'session show|0'
      __tpt_ids sessions
    case 'session amend|0'
      __tpt_ids sessions
    case 'session void|0'
      __tpt_ids sessions
    case 'session restore|0'
      __tpt_ids sessions
    case 'session sign|0'
      __tpt_ids sessions
    case 'caseload assign|0'
      __tpt_ids clients
    case 'caseload unassign|0'
      __tpt_ids clients
    case 'caseload transfer|0'
      __tpt_ids clients
    case 'goal update|0'
      __tpt_ids goals
    case 'goal edit|0'
      __tpt_ids goals
    case 'goal list|0'
      __tpt_ids clients
    case 'goal show|0'
      __tpt_ids goals
    case 'milestone list|0'
      __tpt_ids clients
    case 'milestone show|0'
      __tpt_ids milestones
    case 'milestone edit|0'
      __tpt_ids milestones
    case 'milestone void|0'
      __tpt_ids milestones
    case 'milestone restore|0'
      __tpt_ids milestones
    case 'measure add|0'
      __tpt_ids clients
    case 'measure show|0'
      __tpt_ids measures
    case 'measure amend|0'
      __tpt_ids measures
    case 'measure void|0'
      __tpt_ids measures
    case 'measure restore|0'
      __tpt_ids measures
    case 'measure schedule|0'
      __tpt_ids clients
    case 'measure due|0'
      __tpt_ids clients
    case 'measures|0'
      __tpt_ids clients
    case 'trends|0'
      __tpt_ids clients
    case 'report|0'
      __tpt_ids clients
    case 'risk list|0'
      __tpt_ids clients
    case 'risk resolve|0'
      __tpt_ids clients
    case 'risk resolve|1'
      printf '%s\n' 'suicidal_ideation' 'suicide_plan' 'suicide_attempt' 'self_harm' 'harm_to_others' 'safeguarding' 'substance_crisis' 'medical_emergency' 'other'
    case 'risk amend|0'
      __tpt_ids clients
    case 'risk amend|1'
      printf '%s\n' 'suicidal_ideation' 'suicide_plan' 'suicide_attempt' 'self_harm' 'harm_to_others' 'safeguarding' 'substance_crisis' 'medical_emergency' 'other'
    case 'risk reopen|0'
      __tpt_ids clients
    case 'risk reopen|1'
      printf '%s\n' 'suicidal_ideation' 'suicide_plan' 'suicide_attempt' 'self_harm' 'harm_to_others' 'safeguarding' 'substance_crisis' 'medical_emergency' 'other'
    case 'course start|0'
      __tpt_ids clients
    case 'course end|0'
      __tpt_ids clients
    case 'course list|0'
      __tpt_ids clients
    case 'export|0'
      __tpt_ids clients
    case 'import|0'
      __fish_complete_path (commandline -ct)
    case 'ingest|0'
      __fish_complete_path (commandline -ct)
    case 'completion|0'
      printf '%s\n' 'bash' 'zsh' 'fish'
    case 'token revoke|0'
      __tpt_ids tokens
    case 'audit|0'
      __tpt_ids clients
    case 'access-log|0'
      __tpt_ids clients
    case 'client rename|0'
      __tpt_ids clients
    case 'client merge|0'
      __tpt_ids clients
    case 'client delete|0'
      __tpt_ids clients
    case 'backup|0'
      __fish_complete_path (commandline -ct)
  end
end

complete -c tpt -f
complete -c tpt -n 'not string match -q -- "-*" (commandline -ct)' -a '(__tpt_arguments)'
complete -c tpt -l version -s V -d 'output the version number'
complete -c tpt -l db -r -F -d 'the database file (env TPT_DB; default $XDG_DATA_HOME/tpt/tpt.db)'
complete -c tpt -l database -x -d 'a PostgreSQL database instead, postgres://USER@HOST:5432/DB (env TPT_DATABASE_URL)'
complete -c tpt -l json -d 'machine-readable JSON on stdout instead of tables'
complete -c tpt -l no-input -d 'never prompt; a missing required value is a usage error'
complete -c tpt -l actor -x -d 'who is acting, for the audit log (env TPT_ACTOR; default your user name)'
complete -c tpt -l no-color -d 'no colour (also NO_COLOR; FORCE_COLOR forces it)'
complete -c tpt -l key-file -r -F -d 'the database key file (env TPT_KEY_FILE; or TPT_PASSPHRASE)'
complete -c tpt -l wide -d 'tables show every cell in full instead of fitting the terminal (as in a pipe)'
complete -c tpt -l help -s h -d 'display help for a command'
complete -c tpt -n '__tpt_at \'init\'' -l passphrase -d 'lock it with a passphrase instead of a key file: asked for twice, or TPT_PASSPHRASE without a terminal'
complete -c tpt -n '__tpt_at \'log-session\'' -l client -x -a '(__tpt_ids clients)' -d 'the client (required; asked for on a terminal)'
complete -c tpt -n '__tpt_at \'log-session\'' -l summary -x -d 'what the session was about (required; asked for on a terminal)'
complete -c tpt -n '__tpt_at \'log-session\'' -l mood -x -a '(printf \'%s\\n\' \'very_negative\' \'negative\' \'neutral\' \'positive\' \'very_positive\')' -d 'very_negative | negative | neutral | positive | very_positive, or -2..2 (required)'
complete -c tpt -n '__tpt_at \'log-session\'' -l id -x -d 'the session id (default: a new one)'
complete -c tpt -n '__tpt_at \'log-session\'' -l at -x -d 'when it took place, local time (default: now)'
complete -c tpt -n '__tpt_at \'log-session\'' -l goal -x -a '(__tpt_ids goals)' -d 'a goal the session worked on (repeatable)'
complete -c tpt -n '__tpt_at \'log-session\'' -l notes -x -d 'progress notes'
complete -c tpt -n '__tpt_at \'log-session\'' -l observations -x -d 'therapist observations'
complete -c tpt -n '__tpt_at \'log-session\'' -l next-focus -x -d 'focus of the next session'
complete -c tpt -n '__tpt_at \'log-session\'' -l duration -x -d 'length in minutes, 1-1440'
complete -c tpt -n '__tpt_at \'log-session\'' -l technique -x -d 'a technique used (repeatable)'
complete -c tpt -n '__tpt_at \'log-session\'' -l homework -x -d 'homework assigned'
complete -c tpt -n '__tpt_at \'log-session\'' -l crisis-flag -x -a '(printf \'%s\\n\' \'suicidal_ideation\' \'suicide_plan\' \'suicide_attempt\' \'self_harm\' \'harm_to_others\' \'safeguarding\' \'substance_crisis\' \'medical_emergency\')' -d 'a crisis flag, e.g. suicidal_ideation (repeatable)'
complete -c tpt -n '__tpt_at \'log-session\'' -l meta -x -d 'extra metadata (repeatable)'
complete -c tpt -n '__tpt_at \'log-session\'' -l interactive -s i -d 'ask for every field, offering the client\'s goals and techniques; shows the session before saving'
complete -c tpt -n '__tpt_at \'log-session\'' -l sign -d 'sign the session as it is logged: afterwards only amendments (addenda)'
complete -c tpt -n '__tpt_at \'log-session\'' -l template -x -d 'write the note in $VISUAL/$EDITOR from a template: soap | dap | birp, or your own'
complete -c tpt -n '__tpt_at \'sessions\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'sessions\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'sessions\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'sessions\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'sessions\'' -l limit -x -d 'at most N sessions'
complete -c tpt -n '__tpt_at \'sessions\'' -l include-void -d 'list voided sessions too (marked)'
complete -c tpt -n '__tpt_at \'session show\'' -l history -d 'every version, oldest first, with who made it, when and why'
complete -c tpt -n '__tpt_at \'session amend\'' -l reason -x -d 'why it is corrected (required; kept with the version)'
complete -c tpt -n '__tpt_at \'session amend\'' -l summary -x -d 'what the session was about'
complete -c tpt -n '__tpt_at \'session amend\'' -l mood -x -a '(printf \'%s\\n\' \'very_negative\' \'negative\' \'neutral\' \'positive\' \'very_positive\')' -d 'very_negative | negative | neutral | positive | very_positive, or -2..2'
complete -c tpt -n '__tpt_at \'session amend\'' -l at -x -d 'when it took place, local time'
complete -c tpt -n '__tpt_at \'session amend\'' -l goal -x -a '(__tpt_ids goals)' -d 'a goal the session worked on (repeatable; replaces the list)'
complete -c tpt -n '__tpt_at \'session amend\'' -l notes -x -d 'progress notes'
complete -c tpt -n '__tpt_at \'session amend\'' -l observations -x -d 'therapist observations'
complete -c tpt -n '__tpt_at \'session amend\'' -l next-focus -x -d 'focus of the next session'
complete -c tpt -n '__tpt_at \'session amend\'' -l duration -x -d 'length in minutes, 1-1440'
complete -c tpt -n '__tpt_at \'session amend\'' -l technique -x -d 'a technique used (repeatable; replaces the list)'
complete -c tpt -n '__tpt_at \'session amend\'' -l homework -x -d 'homework assigned'
complete -c tpt -n '__tpt_at \'session amend\'' -l crisis-flag -x -a '(printf \'%s\\n\' \'suicidal_ideation\' \'suicide_plan\' \'suicide_attempt\' \'self_harm\' \'harm_to_others\' \'safeguarding\' \'substance_crisis\' \'medical_emergency\')' -d 'a crisis flag (repeatable; replaces the list)'
complete -c tpt -n '__tpt_at \'session amend\'' -l meta -x -d 'extra metadata (repeatable; replaces it)'
complete -c tpt -n '__tpt_at \'session amend\'' -l clear -x -d 'empty a field: goals | techniques | crisis-flags | meta | notes | observations | next-focus | homework | duration (repeatable)'
complete -c tpt -n '__tpt_at \'session void\'' -l reason -x -d 'why (required; kept with the record)'
complete -c tpt -n '__tpt_at \'caseload\'' -l unsigned-days -x -d 'list notes unsigned for more than this many days (default 3)'
complete -c tpt -n '__tpt_at \'caseload assign\'' -l to -x -d 'the clinician\'s account'
complete -c tpt -n '__tpt_at \'caseload unassign\'' -l from -x -d 'the clinician\'s account'
complete -c tpt -n '__tpt_at \'caseload transfer\'' -l from -x -d 'the account it leaves'
complete -c tpt -n '__tpt_at \'caseload transfer\'' -l to -x -d 'the account it joins'
complete -c tpt -n '__tpt_at \'goal create\'' -l client -x -a '(__tpt_ids clients)' -d 'the client'
complete -c tpt -n '__tpt_at \'goal create\'' -l description -x -d 'what the client works towards'
complete -c tpt -n '__tpt_at \'goal create\'' -l target -x -d 'target date, YYYY-MM-DD'
complete -c tpt -n '__tpt_at \'goal create\'' -l progress -x -d 'completion so far, 0-100 (default 0)'
complete -c tpt -n '__tpt_at \'goal create\'' -l notes -x -d 'standing notes on the goal'
complete -c tpt -n '__tpt_at \'goal create\'' -l id -x -d 'the goal id (default: a new one)'
complete -c tpt -n '__tpt_at \'goal create\'' -l at -x -d 'when the goal was set, for a therapy entered late (default: now)'
complete -c tpt -n '__tpt_at \'goal update\'' -l progress -x -d 'completion, 0-100'
complete -c tpt -n '__tpt_at \'goal update\'' -l status -x -a '(printf \'%s\\n\' \'active\' \'achieved\' \'paused\' \'discontinued\')' -d 'active | achieved | paused | discontinued'
complete -c tpt -n '__tpt_at \'goal update\'' -l note -x -d 'why it changed (alone: a note on where the goal stands)'
complete -c tpt -n '__tpt_at \'goal update\'' -l at -x -d 'when it changed, for a progress entry made late (from the day the goal was set)'
complete -c tpt -n '__tpt_at \'goal edit\'' -l reason -x -d 'why it is corrected (required)'
complete -c tpt -n '__tpt_at \'goal edit\'' -l description -x -d 'what the client works towards'
complete -c tpt -n '__tpt_at \'goal edit\'' -l target -x -d 'target date, YYYY-MM-DD (empty "" for none)'
complete -c tpt -n '__tpt_at \'goal edit\'' -l notes -x -d 'standing notes on the goal'
complete -c tpt -n '__tpt_at \'goal edit\'' -l set-at -x -d 'when the goal was set (not after its first progress entry or milestone)'
complete -c tpt -n '__tpt_at \'goal list\'' -l status -x -a '(printf \'%s\\n\' \'active\' \'achieved\' \'paused\' \'discontinued\')' -d 'only goals with this status'
complete -c tpt -n '__tpt_at \'milestone add\'' -l goal -x -a '(__tpt_ids goals)' -d 'the goal it belongs to'
complete -c tpt -n '__tpt_at \'milestone add\'' -l description -x -d 'what was achieved'
complete -c tpt -n '__tpt_at \'milestone add\'' -l date -x -d 'when, YYYY-MM-DD (default: today)'
complete -c tpt -n '__tpt_at \'milestone add\'' -l significance -x -a '(printf \'%s\\n\' \'low\' \'medium\' \'high\')' -d 'low | medium | high (default: medium)'
complete -c tpt -n '__tpt_at \'milestone add\'' -l id -x -d 'the milestone id (default: a new one)'
complete -c tpt -n '__tpt_at \'milestone list\'' -l include-void -d 'list voided milestones too, marked [voided]'
complete -c tpt -n '__tpt_at \'milestone edit\'' -l reason -x -d 'why it is corrected (required)'
complete -c tpt -n '__tpt_at \'milestone edit\'' -l description -x -d 'what was achieved'
complete -c tpt -n '__tpt_at \'milestone edit\'' -l date -x -d 'when, YYYY-MM-DD'
complete -c tpt -n '__tpt_at \'milestone edit\'' -l significance -x -a '(printf \'%s\\n\' \'low\' \'medium\' \'high\')' -d 'low | medium | high'
complete -c tpt -n '__tpt_at \'milestone void\'' -l reason -x -d 'why (required)'
complete -c tpt -n '__tpt_at \'measure add\'' -l measure -x -a '(printf \'%s\\n\' \'phq9\' \'gad7\' \'core10\')' -d 'phq9 | gad7 | core10 (asked for on a terminal)'
complete -c tpt -n '__tpt_at \'measure add\'' -l items -x -d 'the answers as ticked, item 1 first: PHQ-9 nine 0-3, GAD-7 seven 0-3, CORE-10 ten 0-4'
complete -c tpt -n '__tpt_at \'measure add\'' -l total -x -d 'only when the items are unknown: the total alone (recorded as such)'
complete -c tpt -n '__tpt_at \'measure add\'' -l at -x -d 'when it was taken, local time (default: the session\'s time, else now)'
complete -c tpt -n '__tpt_at \'measure add\'' -l session -x -a '(__tpt_ids sessions)' -d 'the session it belongs to'
complete -c tpt -n '__tpt_at \'measure add\'' -l id -x -d 'the measure id (default: a new one)'
complete -c tpt -n '__tpt_at \'measure show\'' -l history -d 'every version, oldest first, with who made it, when and why'
complete -c tpt -n '__tpt_at \'measure amend\'' -l reason -x -d 'why it is corrected (required; kept with the version)'
complete -c tpt -n '__tpt_at \'measure amend\'' -l items -x -d 'the answers as ticked, item 1 first (the total is computed)'
complete -c tpt -n '__tpt_at \'measure amend\'' -l total -x -d 'only when the items are unknown: the total alone'
complete -c tpt -n '__tpt_at \'measure amend\'' -l at -x -d 'when it was taken, local time'
complete -c tpt -n '__tpt_at \'measure amend\'' -l session -x -a '(__tpt_ids sessions)' -d 'the session it belongs to (its time too, unless --at is given)'
complete -c tpt -n '__tpt_at \'measure void\'' -l reason -x -d 'why (required; kept with the record)'
complete -c tpt -n '__tpt_at \'measure schedule\'' -l every -x -d 'session, or N days or weeks: 7d, 2w, 4w'
complete -c tpt -n '__tpt_at \'measure schedule\'' -l stop -d 'stop the schedule (it stays in the record)'
complete -c tpt -n '__tpt_at \'measures\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'measures\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'measures\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'measures\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'measures\'' -l include-void -d 'list voided measures too, marked [voided]'
complete -c tpt -n '__tpt_at \'trends\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'trends\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'trends\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'trends\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'trends\'' -l by -x -a '(printf \'%s\\n\' \'day\' \'week\' \'month\' \'quarter\' \'year\')' -d 'day | week | month | quarter | year (default: fits the timeframe)'
complete -c tpt -n '__tpt_at \'trends\'' -l rated-by -x -d 'clinician: leave moods a machine estimated (unsigned) out | any (default)'
complete -c tpt -n '__tpt_at \'report\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'report\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'report\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'report\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'report\'' -l format -x -a '(printf \'%s\\n\' \'table\' \'json\' \'markdown\')' -d 'table | json | markdown | html | pdf (default: table; --json means json)'
complete -c tpt -n '__tpt_at \'report\'' -l rated-by -x -d 'clinician: leave moods a machine estimated (unsigned) out of the mood figures | any (default)'
complete -c tpt -n '__tpt_at \'search\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'search\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'search\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'search\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'search\'' -l client -x -a '(__tpt_ids clients)' -d 'search one client\'s records only'
complete -c tpt -n '__tpt_at \'search\'' -l include-void -d 'find voided sessions and milestones too (marked)'
complete -c tpt -n '__tpt_at \'search\'' -l limit -x -d 'at most N matches, the newest'
complete -c tpt -n '__tpt_at \'outcomes\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'outcomes\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'outcomes\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'outcomes\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'outcomes\'' -l by -x -a '(printf \'%s\\n\' \'day\' \'week\' \'month\' \'quarter\' \'year\')' -d 'clinician: a group per clinician beside the whole practice'
complete -c tpt -n '__tpt_at \'outcomes\'' -l format -x -d 'table | json | csv (default table)'
complete -c tpt -n '__tpt_at \'risk list\'' -l open -d 'only the risks still open'
complete -c tpt -n '__tpt_at \'risk resolve\'' -l note -x -d 'why the risk no longer stands (required)'
complete -c tpt -n '__tpt_at \'risk resolve\'' -l yes -s y -d 'resolve without asking on a terminal'
complete -c tpt -n '__tpt_at \'risk amend\'' -l note -x -d 'the note as it should read'
complete -c tpt -n '__tpt_at \'risk amend\'' -l reason -x -d 'why it is corrected (required)'
complete -c tpt -n '__tpt_at \'risk reopen\'' -l reason -x -d 'why the resolution is taken back (required)'
complete -c tpt -n '__tpt_at \'course start\'' -l at -x -d 'when it started, local time (default now; a date alone is its midnight)'
complete -c tpt -n '__tpt_at \'course start\'' -l id -x -d 'the course id (default: a new one)'
complete -c tpt -n '__tpt_at \'course end\'' -l reason -x -d 'completed | dropped_out | referred_on | declined | other (required)'
complete -c tpt -n '__tpt_at \'course end\'' -l note -x -d 'in words (required with --reason other)'
complete -c tpt -n '__tpt_at \'course end\'' -l at -x -d 'when it ended, local time (default now; a date alone is the end of that day)'
complete -c tpt -n '__tpt_at \'export\'' -l all -d 'every client'
complete -c tpt -n '__tpt_at \'export\'' -l format -x -a '(printf \'%s\\n\' \'json\' \'csv\' \'fhir\')' -d 'json (the whole history), csv (one table) or fhir (a FHIR R4 Bundle)'
complete -c tpt -n '__tpt_at \'export\'' -l table -x -a '(printf \'%s\\n\' \'sessions\' \'goals\' \'milestones\' \'goal-history\' \'measures\')' -d 'with --format csv: sessions (default) | goals | milestones | goal-history | measures'
complete -c tpt -n '__tpt_at \'export\'' -l out -r -F -d 'write to this file (mode 0600) instead of stdout'
complete -c tpt -n '__tpt_at \'export\'' -l force -d 'with --out: replace a file that exists'
complete -c tpt -n '__tpt_at \'export\'' -l encrypt -d 'write an age file (age-encryption.org), to the --recipient keys or a passphrase asked for'
complete -c tpt -n '__tpt_at \'export\'' -l recipient -x -d 'with --encrypt: the receiver\'s age public key (repeatable; implies --encrypt)'
complete -c tpt -n '__tpt_at \'import\'' -l on-conflict -x -a '(printf \'%s\\n\' \'skip\' \'replace\')' -d 'when a record differs from the one on record with its id: skip | replace (default: stop)'
complete -c tpt -n '__tpt_at \'import\'' -l dry-run -d 'check the file and report what would be added, skipped and replaced; write nothing'
complete -c tpt -n '__tpt_at \'import\'' -l identity -r -F -d 'an encrypted export: the receiver\'s age identity file (else its passphrase is asked for)'
complete -c tpt -n '__tpt_at \'migrate\'' -l to -x -d 'postgres://user@host/db (an empty database with tpt\'s schema) or a new FILE.db'
complete -c tpt -n '__tpt_at \'ingest\'' -l all-or-nothing -d 'write nothing unless every line is good (else bad lines are refused and good ones written)'
complete -c tpt -n '__tpt_at \'serve\'' -l host -x -d 'the address to bind'
complete -c tpt -n '__tpt_at \'serve\'' -l port -x -d 'the port (0 picks a free one)'
complete -c tpt -n '__tpt_at \'serve\'' -l tls-cert -r -F -d 'PEM certificate: required to bind anything but loopback'
complete -c tpt -n '__tpt_at \'serve\'' -l tls-key -r -F -d 'PEM private key for --tls-cert'
complete -c tpt -n '__tpt_at \'serve\'' -l metrics-port -x -d 'also serve GET /metrics (Prometheus) on this port, on 127.0.0.1 only'
complete -c tpt -n '__tpt_at \'token create\'' -l name -x -d 'what or who the token is for'
complete -c tpt -n '__tpt_at \'token create\'' -l scope -x -a '(printf \'%s\\n\' \'read\' \'write\' \'admin\')' -d 'read (the default: GET routes but export), write (also POST and PUT), admin (also export)'
complete -c tpt -n '__tpt_at \'account create\'' -l role -x -d 'clinician | clinician-full | supervisor | manager | auditor | admin'
complete -c tpt -n '__tpt_at \'supervision add\'' -l of -x -d 'the supervised clinician\'s account'
complete -c tpt -n '__tpt_at \'supervision remove\'' -l of -x -d 'the supervised clinician\'s account'
complete -c tpt -n '__tpt_at \'audit\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'audit\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'audit\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'audit\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'audit\'' -l client -x -a '(__tpt_ids clients)' -d 'the same as [client] (for a client id that reads like a subcommand, such as "verify")'
complete -c tpt -n '__tpt_at \'audit\'' -l by -x -a '(printf \'%s\\n\' \'day\' \'week\' \'month\' \'quarter\' \'year\')' -d 'only the entries of this person (account or actor; --actor before the command names who is acting)'
complete -c tpt -n '__tpt_at \'audit verify\'' -l head -x -d 'a head printed earlier and kept elsewhere: also catches a log cut short at its end'
complete -c tpt -n '__tpt_at \'access-log\'' -l last -x -d 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y'
complete -c tpt -n '__tpt_at \'access-log\'' -l days -x -d 'the last N days (the same as --last Nd)'
complete -c tpt -n '__tpt_at \'access-log\'' -l since -x -d 'from this date or time (inclusive)'
complete -c tpt -n '__tpt_at \'access-log\'' -l until -x -d 'up to this date or time (inclusive; a date covers the whole day)'
complete -c tpt -n '__tpt_at \'access-log\'' -l by -x -a '(printf \'%s\\n\' \'day\' \'week\' \'month\' \'quarter\' \'year\')' -d 'only those of this person (account or actor; --actor before the command names who is acting)'
complete -c tpt -n '__tpt_at \'retention set\'' -l years -x -d 'keep records N years after the last contact (1-100)'
complete -c tpt -n '__tpt_at \'retention apply\'' -l dry-run -d 'list the clients that would be purged and change nothing'
complete -c tpt -n '__tpt_at \'retention apply\'' -l yes -d 'do not ask for confirmation (needed when there is no terminal)'
complete -c tpt -n '__tpt_at \'client merge\'' -l into -x -a '(__tpt_ids clients)' -d 'the client that keeps the records of both'
complete -c tpt -n '__tpt_at \'client delete\'' -l purge -d 'required: remove every row and leave no trace of the text in the file'
complete -c tpt -n '__tpt_at \'client delete\'' -l yes -d 'do not ask for confirmation (needed when there is no terminal)'
complete -c tpt -n '__tpt_at \'rekey\'' -l passphrase -d 'lock with a new passphrase instead: it comes from TPT_NEW_PASSPHRASE, or is asked for twice'
complete -c tpt -n '__tpt_at \'check\'' -l head -x -d 'an audit head kept elsewhere (see `tpt audit verify --head`)'
