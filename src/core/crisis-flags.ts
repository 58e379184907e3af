import { InputError } from './errors.js';

/**
 * The crisis-flag vocabulary (README, "Crisis flags and risks"). Each flag names one kind of
 * risk; a flag outside the list is written `other: <words>` so its words are kept as typed.
 */

export const RISK_KINDS = [
  'suicidal_ideation',
  'suicide_plan',
  'suicide_attempt',
  'self_harm',
  'harm_to_others',
  'safeguarding',
  'substance_crisis',
  'medical_emergency',
  'other',
] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

/** Common spellings, after `spelling()` (lower case, words joined by `_`), of each kind. */
const SPELLINGS: Record<RiskKind, readonly string[]> = {
  suicidal_ideation: [
    'si', 'suicidal_thoughts', 'suicidality', 'passive_suicidal_ideation', 'active_suicidal_ideation',
    'passive_si', 'active_si', 'suicidal',
  ],
  suicide_plan: [
    'suicidal_plan', 'suicidal_intent', 'suicide_intent', 'suicide_plan_or_intent', 'suicidal_plan_or_intent',
    'plan_or_intent',
  ],
  suicide_attempt: ['attempted_suicide', 'suicidal_attempt', 'attempt'],
  self_harm: [
    // SH: the usual abbreviation in UK and Australian notes.
    'sh', 'cutting', 'self_cutting', 'burning', 'self_burning', 'head_banging',
    'selfharm', 'self_injury', 'nssi', 'self_harm_urge', 'self_harm_urges', 'self_harm_risk', 'self_injurious_behaviour',
    'self_injurious_behavior', 'deliberate_self_harm', 'dsh',
  ],
  harm_to_others: [
    'homicidal_ideation', 'hi', 'risk_to_others', 'threat_to_others', 'violence', 'violence_risk',
    'harm_to_other', 'danger_to_others',
  ],
  safeguarding: [
    'safeguarding_concern', 'child_protection', 'abuse', 'domestic_violence', 'domestic_abuse', 'dv', 'ipv',
    'elder_abuse', 'neglect', 'child_abuse', 'sexual_abuse', 'sexual_assault', 'csa', 'cse', 'fgm',
  ],
  // OD: overdose, as written in notes (an overdose meant to end life is also a suicide_attempt: flag both).
  substance_crisis: ['od', 'overdosed', 'substance', 'substance_abuse', 'overdose', 'intoxication', 'withdrawal', 'substance_use_crisis'],
  medical_emergency: ['medical', 'emergency', 'medical_crisis', 'med_emergency'],
  other: [],
};

const KIND_OF_SPELLING = new Map<string, RiskKind>();
for (const kind of RISK_KINDS) {
  KIND_OF_SPELLING.set(kind, kind);
  for (const alias of SPELLINGS[kind]) KIND_OF_SPELLING.set(alias, kind);
}

/** `Self-Harm urges` → `self_harm_urges`: the form the spellings are looked up in. */
function spelling(text: string): string {
  return text.trim().toLowerCase().replace(/[\s\-_]+/g, '_').replace(/^_|_$/g, '');
}

const OTHER_PREFIX = /^other\s*:\s*/i;

/**
 * Words that say there is no crisis (after `spelling()`): written as a flag they would open a risk
 * of kind `other`, so they are refused at input (a file imported keeps its flags as written).
 */
const NOT_A_FLAG = new Set([
  'none', 'n/a', 'na', 'n.a.', 'nil', 'no', 'nothing', 'null', 'not_applicable', 'no_risk', 'no_risks', 'no_concerns',
  'no_concern', 'no_crisis', 'nkr', '',
]);

/** The kind of risk a stored flag stands for; any text outside the vocabulary is `other`. */
export function riskKindOf(flag: string): RiskKind {
  return KIND_OF_SPELLING.get(spelling(flag)) ?? 'other';
}

/**
 * A flag as given by a person (log-session, the HTTP service), in its stored form: the kind's
 * name for any common spelling, `other: <words>` as written, and any other words as typed (a
 * risk of kind `other`: recorded and shown, never refused, so a crisis is not lost to a typo).
 */
export function normalizeCrisisFlag(text: string): string {
  const trimmed = text.trim();
  if (NOT_A_FLAG.has(spelling(trimmed).replace(/^[-_.]+$/, ''))) {
    throw new InputError(`"${trimmed}" is not a crisis flag: when there is no crisis, leave --crisis-flag out`);
  }
  if (OTHER_PREFIX.test(trimmed)) {
    const words = trimmed.replace(OTHER_PREFIX, '').trim();
    if (words) return `other: ${words}`;
    throw new InputError('crisis flag "other" needs its words: write it as "other: <what happened>"');
  }
  const kind = KIND_OF_SPELLING.get(spelling(trimmed));
  if (kind === 'other') throw new InputError('crisis flag "other" needs its words: write it as "other: <what happened>"');
  return kind ?? trimmed;
}

/** Whether a stored flag is outside the vocabulary (neither a kind nor `other: …`). */
export function isOutsideVocabulary(flag: string): boolean {
  return !KIND_OF_SPELLING.has(spelling(flag)) && !OTHER_PREFIX.test(flag);
}

/** A kind named on the command line (`tpt risk resolve c42 SI`), by any of its spellings. */
export function parseRiskKind(text: string): RiskKind {
  const kind = KIND_OF_SPELLING.get(spelling(text));
  if (kind) return kind;
  throw new InputError(`unknown risk kind "${text}": use one of ${RISK_KINDS.join(', ')}`);
}
