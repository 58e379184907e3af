import { z } from 'zod';
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
  z.string({ error: `${what} is required` }).trim().regex(ID_PATTERN, {
    error: (issue) => `invalid ${what} "${String(issue.input)}": use ${ID_RULE}`,
  });

const text = (what: string) => z.string({ error: `${what} must be text` });
const requiredText = (what: string) =>
  text(what).trim().min(1, { error: `${what} is required and cannot be empty` });

/** A whole number from text or JSON, within [min, max]. */
const wholeNumber = (what: string, min: number, max: number, unit = '') => {
  const hint = `${what} must be a whole number from ${min} to ${max}${unit}`;
  return z
    .union([z.number(), z.string().trim().regex(/^-?\d+$/).transform(Number)], {
      error: (issue) => `${hint} (got "${String(issue.input)}")`,
    })
    .pipe(
      z.number().int({ error: (issue) => `${hint} (got ${String(issue.input)})` })
        .min(min, { error: (issue) => `${hint} (got ${String(issue.input)})` })
        .max(max, { error: (issue) => `${hint} (got ${String(issue.input)})` }),
    );
};

/** A percentage 0–100 from text or JSON; fractions are allowed (62.5). */
export const percentage = z
  .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)], {
    error: (issue) => `invalid percentage "${String(issue.input)}": use a number from 0 to 100`,
  })
  .pipe(
    z.number().min(0, { error: (issue) => `invalid percentage ${String(issue.input)}: use a number from 0 to 100` })
      .max(100, { error: (issue) => `invalid percentage ${String(issue.input)}: use a number from 0 to 100` }),
  );

export const mood = z.union([z.string(), z.number()], {
  error: `mood is required: use one of ${EMOTIONAL_STATES.join(', ')} (or -2..2)`,
}).transform((value, ctx) => {
  try {
    return parseMood(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const enumOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.string({ error: `${what} must be one of ${values.join(', ')}` }).trim().toLowerCase().pipe(
    z.enum(values, {
      error: (issue) => `unknown ${what} "${String(issue.input)}": use one of ${values.join(', ')}`,
    }),
  );

export const goalStatus = enumOf(GOAL_STATUSES, 'goal status');
export const significance = enumOf(SIGNIFICANCES, 'significance');

const label = (what: string) => text(what).trim().min(1, { error: `${what} cannot be empty` }).max(200, {
  error: `${what} is longer than 200 characters: shorten it`,
});

/** A session as given to `log-session`, `POST /api/v1/sessions` or an import. */
export const sessionInput = z.object({
  session_id: id('session id').optional(),
  client_id: id('client id'),
  timestamp: z.union([z.string(), z.date()], { error: 'timestamp must be a date and time' }).optional(),
  conversation_summary: requiredText('summary'),
  emotional_state: mood,
  therapeutic_goals: z.array(id('goal id')).default([]),
  progress_notes: text('progress notes').default(''),
  therapist_observations: text('observations').default(''),
  next_session_focus: text('next focus').default(''),
  session_duration_minutes: wholeNumber('duration', 1, 1440, ' minutes').nullable().optional(),
  techniques_used: z.array(label('technique')).default([]),
  homework_assigned: text('homework').default(''),
  crisis_flags: z.array(label('crisis flag')).default([]),
  metadata: z.record(z.string(), z.string({ error: 'metadata values must be text' })).default({}),
});
export type SessionInput = z.input<typeof sessionInput>;

export const goalCreateInput = z.object({
  goal_id: id('goal id').optional(),
  client_id: id('client id'),
  description: requiredText('description'),
  target_date: z.string({ error: 'target date must be YYYY-MM-DD' }).trim().nullable().optional(),
  completion_percentage: percentage.default(0),
  notes: text('notes').default(''),
});
export type GoalCreateInput = z.input<typeof goalCreateInput>;

export const goalUpdateInput = z.object({
  completion_percentage: percentage.optional(),
  status: goalStatus.optional(),
  note: text('note').default(''),
});
export type GoalUpdateInput = z.input<typeof goalUpdateInput>;

export const milestoneInput = z.object({
  milestone_id: id('milestone id').optional(),
  goal_id: id('goal id'),
  description: requiredText('description'),
  achieved_date: z.string({ error: 'date must be YYYY-MM-DD' }).trim().optional(),
  significance: significance.default('medium'),
});
export type MilestoneInput = z.input<typeof milestoneInput>;

/** Validates `value`, turning the first problem into one InputError line that says the fix. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 && issue.code === 'unrecognized_keys' ? `${issue.path.join('.')}: ` : '';
  throw new InputError(`${where}${issue.message}`);
}
