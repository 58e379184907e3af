import { z } from 'zod';

/**
 * The documents monitors and other programs read (`tpt report --json`, `tpt trends --json`, the
 * JSON export), as zod schemas, from which scripts/schemas.mjs writes the JSON Schemas published
 * in the package (schemas/) and `GET /api/v1/schemas/{name}` serves. The fields named here are
 * the stable ones (docs/monitoring.md): they keep their names, types and meaning within a major
 * version. Every object is open: a field may be added (a consumer ignores what it does not
 * know), so the measures section and other parts that still change are typed only as objects.
 * zod 4 (`zod`, for z.toJSONSchema), where the input rules of src/core/schemas.ts use `zod/v3`.
 */

const instant = z.string().describe('an instant, ISO 8601 in UTC');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('a calendar date, YYYY-MM-DD');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);
const mood = z.enum(['very_negative', 'negative', 'neutral', 'positive', 'very_positive']);
const score = z.number().int().min(-2).max(2);
const open = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);

export const trendSummary = open({
  period_start: instant,
  period_end: instant,
  avg_emotional_score: z.number().nullable(),
  trend_direction: z.string().describe('improving, declining, stable or insufficient_data'),
  volatility: z.number(),
  slope_per_30_days: z.number().nullable(),
  data_points: z.number().int().min(0),
});

const openRisk = open({
  kind: z.string(),
  opened_at: instant,
  last_flagged_at: instant,
  session_ids: z.array(id),
  measure_ids: z.array(id),
  flags: z.array(z.string()),
});

const crisisSession = open({
  session_id: id,
  timestamp: instant,
  crisis_flags: z.array(z.string()),
});

const measuresSection = open({
  measures: z.array(open({ measure: z.string(), count: z.number().int() })),
  talking_therapies: z.looseObject({}).nullable(),
});

export const reportDocument = open({
  client_id: id,
  report_date: instant,
  timeframe_start: instant,
  timeframe_end: instant,
  sessions_count: z.number().int().min(0),
  total_minutes: z.number().min(0),
  goal_progress: z.record(z.string(), z.number()),
  goals: z.array(open({
    goal_id: id,
    description: z.string(),
    status: z.enum(['active', 'achieved', 'paused', 'discontinued']),
    completion_percentage: z.number().min(0).max(100),
  })),
  emotional_trends: z.array(trendSummary),
  overall_emotional_trend: trendSummary,
  key_milestones: z.array(open({ milestone_id: id, goal_id: id, description: z.string(), achieved_date: day, significance: z.string() })),
  crisis_events: z.array(crisisSession),
  overall_trajectory: z.enum(['improving', 'stable', 'declining', 'mixed', 'insufficient_data']),
  recommendations: z.array(z.string()),
  summary: z.string(),
  open_risks: z.array(openRisk),
  concerns: z.array(z.string()),
  headline: z.string(),
  sessions_without_duration: z.number().int().min(0),
  measures: measuresSection,
}).describe('tpt report --json: a client\'s progress report');

export const trendsDocument = open({
  client_id: id,
  timeframe_start: instant,
  timeframe_end: instant,
  by: z.enum(['day', 'week', 'month', 'quarter', 'year']),
  overall: trendSummary,
  periods: z.array(trendSummary),
  crisis_events: z.array(crisisSession),
  open_risks: z.array(openRisk),
  measures: measuresSection,
}).describe('tpt trends --json: a client\'s emotional trend by calendar period');

const exportedSession = open({
  session_id: id,
  client_id: id,
  timestamp: instant,
  conversation_summary: z.string(),
  emotional_state: mood,
  emotional_score: score,
  therapeutic_goals: z.array(id),
  session_duration_minutes: z.number().int().nullable(),
  techniques_used: z.array(z.string()),
  crisis_flags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
});

export const exportDocument = open({
  format: z.literal('tpt-export'),
  version: z.number().int(),
  exported_at: instant,
  clients: z.array(open({
    client_id: id,
    created_at: instant,
    sessions: z.array(exportedSession),
    goals: z.array(open({ goal_id: id, client_id: id, description: z.string(), completion_percentage: z.number(), status: z.string(), created_at: instant })),
    milestones: z.array(open({ milestone_id: id, goal_id: id, client_id: id, description: z.string(), achieved_date: day })),
    measures: z.array(open({ measure_id: id, client_id: id, measure: z.string(), timestamp: instant, total: z.number().int() })),
    courses: z.array(open({
      course_id: id, client_id: id, started_at: instant, started_by: z.string(), ended_at: instant.nullable(),
      ended_by: z.string().nullable(), end_reason: z.string().nullable().describe('completed, dropped_out, referred_on, declined or other; null while open'),
      end_note: z.string().nullable(),
    })).optional().describe('courses of treatment, oldest first (absent from files written before they were exported)'),
    schedules: z.array(open({
      client_id: id, measure: z.string(), every: z.string().describe('session, or N days such as 14d'), started_at: instant,
      started_by: z.string(), stopped_at: instant.nullable(), stopped_by: z.string().nullable(),
    })).optional().describe('measure schedules, live and stopped, oldest first (absent from files written before they were exported)'),
  })),
}).describe('tpt export --format json: the records of one client or of all');

/** Each document by the name its schema file and route carry. */
export const DOCUMENT_SCHEMAS = { report: reportDocument, trends: trendsDocument, export: exportDocument } as const;
export type DocumentName = keyof typeof DOCUMENT_SCHEMAS;

/** The JSON Schema (draft 2020-12) of a document. */
export function documentJsonSchema(name: DocumentName): Record<string, unknown> {
  return z.toJSONSchema(DOCUMENT_SCHEMAS[name], { target: "draft-2020-12" }) as Record<string, unknown>;
}
