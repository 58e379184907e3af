/**
 * The core's messages name command-line options (`give --progress`, `choose another --id`); over
 * HTTP the same values are JSON fields or query parameters, so the message says those instead.
 */
const TERMS: [RegExp, string][] = [
  [/give --progress <0-100>, --status <status> and\/or --note <text>/g, 'give "completion_percentage" (0-100), "status" and/or "note"'],
  [/choose another --id/g, 'choose another id'],
  [/give a later --at\b/g, 'give a later "at"'],
  [/`tpt goal edit (\S+) --set-at <date> --reason "\u2026"`/g, 'POST /api/v1/goals/$1/edit with "set_at" and "reason"'],
  [/--date\b/g, '"achieved_date"'],
  [/add --reason "why"/g, 'add "reason": "why"'],
  [/--significance\b/g, '"significance"'],
  [/--progress\b/g, '"completion_percentage"'],
  [/--target\b/g, '"target_date"'],
  [/--client\b/g, '"client_id"'],
  [/--mood\b/g, '"emotional_state"'],
  [/--summary\b/g, '"conversation_summary"'],
  [/--duration\b/g, '"session_duration_minutes"'],
  [/--(status|notes|note|description)\b/g, '"$1"'],
  // Timeframe and listing options are query parameters: `--days 30` → `?days=30`.
  [/--(last|days|since|until|by|limit) (\d\S*)/g, '?$1=$2'],
  [/--(last|days|since|until|by|limit)\b/g, '?$1='],
];

export function inApiTerms(message: string): string {
  return TERMS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}
