// zod's v3 API (shipped, and kept, inside zod 4): it loads in a third of the time of the v4 API,
// and every write command pays that import on start.
import { z } from 'zod/v3';
import { InputError } from './errors.js';
import { ID_PATTERN } from './ids.js';
import { EMOTIONAL_STATES, parseMood } from './scale.js';

/**
 * Every input that reaches the core (flags, prompts, HTTP bodies, imported files) is checked
 * here, once. Numbers may arrive as text from the command line, so they are read from either.
 */

export const GOAL_STATUSES = ['active', 'achieved', 'paused', 'discontinued'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const SIGNIFICANCES = ['low', 'medium', 'high'] as const;
export type Significance = (typeof SIGNIFICANCES)[number];

const ID_RULE = '1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

export const id = (what: string) =>
  z.string({ required_error: `${what} is required`, invalid_type_error: `${what} must be text` })
    .trim()
    .refine((value) => ID_PATTERN.test(value), (value) => ({ message: `invalid ${what} "${value}": use ${ID_RULE}` }));

const text = (what: string) => z.string({ invalid_type_error: `${what} must be text` });
const requiredText = (what: string) =>
  z.string({ required_error: `${what} is required`, invalid_type_error: `${what} must be text` })
    .trim()
    .min(1, { message: `${what} is required and cannot be empty` });

/** A number from JSON, or from text that is entirely a number (so "12abc" is refused). */
const numeric = (pattern: RegExp, hint: string) =>
  z.union([z.number(), z.string()], { errorMap: () => ({ message: hint }) }).transform((value, ctx) => {
    if (typeof value === 'number') return value;
    if (pattern.test(value.trim())) return Number(value);
    ctx.addIssue({ code: 'custom', message: `${hint} (got "${value}")` });
    return z.NEVER;
  });

/** A whole number from text or JSON, within [min, max]. */
export const wholeNumber = (what: string, min: number, max: number, unit = '') => {
  const hint = `${what} must be a whole number from ${min} to ${max}${unit}`;
  return numeric(/^-?\d+$/, hint).refine(
    (value) => Number.isInteger(value) && value >= min && value <= max,
    (value) => ({ message: `${hint} (got ${value})` }),
  );
};

/** A percentage 0–100 from text or JSON; fractions are allowed (62.5). */
export const percentage = numeric(/^-?\d+(\.\d+)?$/, 'invalid percentage: use a number from 0 to 100').refine(
  (value) => Number.isFinite(value) && value >= 0 && value <= 100,
  (value) => ({ message: `invalid percentage ${value}: use a number from 0 to 100` }),
);

export const mood = z.union([z.string(), z.number()], {
  errorMap: () => ({ message: `mood is required: use one of ${EMOTIONAL_STATES.join(', ')} (or -2..2)` }),
}).transform((value, ctx) => {
  try {
    return parseMood(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** One of a fixed list of words, in any case. */
const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.string({ invalid_type_error: `${what} must be one of ${values.join(', ')}` })
    .transform((value, ctx) => {
      const word = value.trim().toLowerCase();
      if ((values as readonly string[]).includes(word)) return word as T[number];
      ctx.addIssue({ code: 'custom', message: `unknown ${what} "${value}": use one of ${values.join(', ')}` });
      return z.NEVER;
    });

export const goalStatus = oneOf(GOAL_STATUSES, 'goal status');
export const significance = oneOf(SIGNIFICANCES, 'significance');

const label = (what: string) => text(what).trim()
  .min(1, { message: `${what} cannot be empty` })
  .max(200, { message: `${what} is longer than 200 characters: shorten it` });

/** A metadata key: the same rule for `--meta`, HTTP bodies and imported files. */
export const META_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const META_KEY_RULE = '1-64 letters, digits, ".", "_" or "-", starting with a letter or digit';

/**
 * Metadata as a JSON object of text values. Its own keys are read as given (JSON.parse makes
 * `__proto__` an own key, which a record schema would silently drop), and each must follow
 * META_KEY, so no key is lost or turned into something else on its way to the database.
 */
const metadataRecord = z.unknown().transform((value, ctx): Record<string, string> => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'metadata must be an object of key: text pairs' });
    return z.NEVER;
  }
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (!META_KEY.test(key)) {
      ctx.addIssue({ code: 'custom', message: `invalid metadata key ${JSON.stringify(key)}: use ${META_KEY_RULE}` });
      return z.NEVER;
    }
    if (typeof entry !== 'string') {
      ctx.addIssue({ code: 'custom', message: `metadata value of "${key}" must be text` });
      return z.NEVER;
    }
    metadata[key] = entry;
  }
  return metadata;
});

/**
 * z.object(fields).strict(), its fields built when first used, not when this module loads: most
 * runs that load the core validate nothing (a listing, a report), and building zod's schemas (each
 * binds its methods) was a few milliseconds of every one. zod keeps an object's shape behind a
 * function, so `.shape`, `.extend`, `.omit` and parsing build it as they would any object schema.
 */
function strictObject<T extends z.ZodRawShape>(fields: () => T): z.ZodObject<T, 'strict'> {
  let built: T | undefined;
  const { _def: def } = z.object({}).strict();
  return new z.ZodObject<T, 'strict'>({ ...def, shape: () => (built ??= fields()) });
}

/** A session as given to `log-session`, `POST /api/v1/sessions` or an import. */
export const sessionInput = strictObject(() => ({
  session_id: id('session id').optional(),
  client_id: id('client id'),
  timestamp: z.union([z.string(), z.date()], { errorMap: () => ({ message: 'timestamp must be a date and time' }) }).optional(),
  conversation_summary: requiredText('summary'),
  emotional_state: mood,
  /** Optional, as in an exported session; it must then agree with the state. */
  emotional_score: z.number({ invalid_type_error: 'emotional score must be a number from -2 to 2' }).refine(
    (score) => Number.isInteger(score) && score >= -2 && score <= 2,
    (score) => ({ message: `emotional score ${score} is outside -2..2` }),
  ).optional(),
  therapeutic_goals: z.array(id('goal id')).default([]),
  progress_notes: text('progress notes').default(''),
  therapist_observations: text('observations').default(''),
  next_session_focus: text('next focus').default(''),
  session_duration_minutes: wholeNumber('duration', 1, 1440, ' minutes').nullable().optional(),
  techniques_used: z.array(label('technique')).default([]),
  homework_assigned: text('homework').default(''),
  crisis_flags: z.array(label('crisis flag')).default([]),
  metadata: metadataRecord.default({}),
}));
export type SessionInput = z.input<typeof sessionInput>;
export type SessionFields = z.output<typeof sessionInput>;

export const goalCreateInput = strictObject(() => ({
  goal_id: id('goal id').optional(),
  client_id: id('client id'),
  description: requiredText('description'),
  target_date: z.string({ invalid_type_error: 'target date must be YYYY-MM-DD' }).trim().nullable().optional(),
  completion_percentage: percentage.default(0),
  notes: text('notes').default(''),
}));
export type GoalCreateInput = z.input<typeof goalCreateInput>;

export const goalUpdateInput = strictObject(() => ({
  completion_percentage: percentage.optional(),
  status: goalStatus.optional(),
  note: text('note').default(''),
}));
export type GoalUpdateInput = z.input<typeof goalUpdateInput>;

/** The body of POST /api/v1/goals/{goal_id}/edit: the fields that change, and why. */
export const goalEditInput = strictObject(() => ({
  description: text('description').optional(),
  target_date: z.string({ invalid_type_error: 'target date must be YYYY-MM-DD' }).nullable().optional(),
  notes: text('notes').optional(),
  set_at: text('set_at').optional(),
  reason: text('reason').optional(),
}));

/** The body of POST /api/v1/milestones/{milestone_id}/edit: the fields that change, and why. */
export const milestoneEditInput = strictObject(() => ({
  description: text('description').optional(),
  achieved_date: z.string({ invalid_type_error: 'date must be YYYY-MM-DD' }).optional(),
  significance: text('significance').optional(),
  reason: text('reason').optional(),
}));

export const milestoneInput = strictObject(() => ({
  milestone_id: id('milestone id').optional(),
  goal_id: id('goal id'),
  description: requiredText('description'),
  achieved_date: z.string({ invalid_type_error: 'date must be YYYY-MM-DD' }).trim().optional(),
  significance: significance.default('medium'),
}));
export type MilestoneInput = z.input<typeof milestoneInput>;

/** Validates `value`, turning the first problem into one InputError line that says the fix. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new InputError(`unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} (see the README for the fields)`);
  }
  throw new InputError(issue.message);
}
