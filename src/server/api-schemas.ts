import { measureInput } from '../core/measures.js';
import { goalCreateInput, goalEditInput, goalUpdateInput, milestoneEditInput, milestoneInput, sessionInput } from '../core/schemas.js';
import { publishedSchema, type DocumentName } from '../schema-files.js';
import { inputJsonSchema } from './zod-json-schema.js';

/**
 * What the OpenAPI 3.1 description of `tpt serve` says of each route, from which @fastify/swagger
 * writes the document served as GET /api/v1/openapi.json (src/server/http.ts; src/server/openapi.ts
 * holds it for tests and tools). The request bodies are the core's own zod schemas
 * (src/core/schemas.ts, through src/server/zod-json-schema.ts), the report, trends and export
 * documents those of src/core/document-schemas.ts (as the build writes them into schemas/); the other answers, which the core types in
 * TypeScript only, are described here. test/e2e/openapi.test.ts checks the document with a
 * maintained validator (@readme/openapi-parser) and fails, naming the route, when a route of
 * src/server/routes.ts is missing here (or a query parameter it takes). A new route: add its
 * path, parameters and answers.
 *
 * `/api/v1/goals/{id}` is one path: OpenAPI forbids two templates that differ only in their
 * parameter's name, and GET reads a client's goals where PUT updates one goal.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const pathParameter = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: ref('Id') });
const queryParameter = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });

const ERRORS = {
  400: json(ref('Error'), 'invalid input: an unknown field or query parameter, a bad value'),
  401: json(ref('Error'), 'no valid bearer token'),
  403: json(ref('Error'), 'the token lacks the scope this route needs'),
  404: json(ref('Error'), 'no such client, goal or route'),
};

const TIMEFRAME = [
  queryParameter('last', 'the last N days, weeks, months, quarters or years: 30d, 12w, 6m, 4q, 5y', { type: 'string', pattern: '^\\d+[dwmqy]$' }),
  queryParameter('days', 'the last N days (the same as last=Nd); `timeframe_days` is accepted as a synonym', { type: 'string', pattern: '^\\d+$' }),
  queryParameter('since', 'from this date or time, inclusive (YYYY-MM-DD or ISO 8601)'),
  queryParameter('until', 'up to this date or time, inclusive (a date covers the whole day)'),
];

/** Fields whose rule (an id's pattern) lives in a zod refinement, which JSON Schema cannot see. */
const IDS = Object.fromEntries(['session_id', 'client_id', 'goal_id', 'milestone_id', 'measure_id'].map((name) => [name, ref('Id')]));
const PERCENTAGE = { type: 'number', minimum: 0, maximum: 100 };
/** A body that also takes "at" (the route reads it before the core's schema sees the rest). */
function withAt(schema: Record<string, unknown>, description: string) {
  return { ...schema, properties: { ...(schema.properties as object), at: { type: 'string', description } } };
}
/**
 * A document's JSON Schema as a component: the file the build writes from its zod 4 schema
 * (src/core/document-schemas.ts, scripts/schemas.mjs), so zod's generator stays out of the service.
 */
function documentSchema(name: DocumentName) {
  const { $schema: _dialect, $id: _id, ...schema } = publishedSchema(name) as Record<string, unknown>;
  return schema;
}

const CLIENT = pathParameter('client_id', 'the client id');
/** Issue 25: who rated the moods the figures count (docs/machine-entries.md). */
const RATED_BY = queryParameter('rated_by', 'clinician: leave moods a machine estimated (unsigned) out of the mood figures; any (default): count them, labelled', { type: 'string', enum: ['clinician', 'any'] });
const includeVoid = (records: string) => queryParameter('include_void', `list voided ${records} too`, { type: 'string', enum: ['true', 'false', '1', '0', ''] });

const body = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });
const REASON_ONLY = { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } };
const NO_FIELDS = { type: 'object' };

/** What a route answers when the input, the token or the record is wrong. */
const FAILURES = { 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403], 404: ERRORS[404] };
const conflict = (description: string) => ({ 409: json(ref('Error'), description) });

/** A GET: what it reads (`answer`, 200). */
function reading(operationId: string, summary: string, parameters: object[], answer: object) {
  return { operationId, summary, parameters, responses: { 200: answer, ...FAILURES } };
}

/** A POST that records something new: the record as stored (201), 409 when its id is taken. */
function creation(operationId: string, summary: string, input: object, answer: object, taken: string, failures: object = FAILURES) {
  return { operationId, summary, requestBody: body(input), responses: { 201: answer, ...failures, ...conflict(taken) } };
}

/**
 * A request that changes one record (amend, edit, void, restore, sign, update, resolve): the
 * record afterwards as the answer (200), and 409 when the record's state refuses the change.
 */
function change(operationId: string, summary: string, parameters: object[], schema: object, answer: object, refused?: string) {
  return {
    operationId,
    summary,
    parameters,
    requestBody: body(schema),
    responses: { 200: answer, ...FAILURES, ...(refused === undefined ? {} : conflict(refused)) },
  };
}

const SESSION = pathParameter('session_id', 'the session id');
const RISK_KIND = { name: 'kind', in: 'path', required: true, description: 'the risk kind, e.g. suicidal_ideation', schema: { type: 'string' } };
const SESSION_STATE = json({ type: 'object' }, 'the session with its state (as session show --json)');
const MILESTONE = pathParameter('milestone_id', 'the milestone id');
const MILESTONE_STATE = json(ref('MilestoneWithState'), 'the milestone with its state and corrections');
const MEASURE = pathParameter('measure_id', 'the measure id');
const MEASURE_STATE = json(ref('Measure'), 'the measure with its state (as measure show --json)');

const DESCRIPTION = {
  openapi: '3.1.0',
  info: {
    title: 'tpt: the therapeutic progress tracker',
    version: '0.1.0',
    description: 'The HTTP face of tpt (`tpt serve`). Every route but /health needs `Authorization: Bearer <token>` (`tpt token create`). Bodies and answers use the JSON shapes of the command line\'s --json; errors are {"error": {"code", "message"}}. Unknown body fields and unknown query parameters are refused with 400.',
  },
  servers: [{ url: 'http://127.0.0.1:8001' }],
  security: [{ bearer: [] }],
  paths: {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Whether the service is up (no token needed)',
        security: [],
        responses: { 200: json({ type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] }, 'the service is up') },
      },
    },
    '/api/v1/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        responses: { 200: json({ type: 'object' }, 'the OpenAPI description of the service'), 401: ERRORS[401] },
      },
    },
    '/api/v1/clients': {
      get: reading('listClients', 'Every client, with sessions, last session, last crisis, goals and open risks (as `tpt clients --json`)',
        [], json({ type: 'array', items: ref('ClientSummary') }, 'the clients, in id order')),
    },
    '/api/v1/sessions': {
      post: creation('logSession', 'Record one session',
        ref('SessionInput'), json(ref('Session'), 'the session as recorded'), 'a session with this id exists'),
    },
    '/api/v1/sessions/{client_id}': {
      get: reading('listSessions', "A client's sessions, newest first (all of them unless a timeframe is given)",
        [CLIENT, ...TIMEFRAME, queryParameter('limit', 'at most N sessions', { type: 'string', pattern: '^\\d+$' }), includeVoid('sessions')],
        json({ type: 'array', items: ref('Session') }, 'the sessions')),
    },
    '/api/v1/sessions/{session_id}/amend': {
      post: change('amendSession', 'A new version of a session with the fields given; earlier versions kept',
        [SESSION], REASON_ONLY, SESSION_STATE, 'the session is voided'),
    },
    '/api/v1/sessions/{session_id}/void': {
      post: change('voidSession', 'Take a session out of analytics and listings; it stays in the record',
        [SESSION], REASON_ONLY, SESSION_STATE, 'the session is signed or voided'),
    },
    '/api/v1/sessions/{session_id}/restore': {
      post: change('restoreSession', 'Undo the void of a session',
        [SESSION], NO_FIELDS, SESSION_STATE, 'the session is not voided'),
    },
    '/api/v1/sessions/{session_id}/sign': {
      post: change('signSession', 'Sign a session: afterwards only amendments (addenda)',
        [SESSION], NO_FIELDS, SESSION_STATE, 'the session is signed or voided'),
    },
    '/api/v1/goals': {
      // No 404: a goal may be set for a client who has no session yet.
      post: creation('createGoal', 'Create a goal for a client',
        ref('GoalInput'), json(ref('Goal'), 'the goal as created'), 'a goal with this id exists', { 400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403] }),
    },
    '/api/v1/goals/{id}': {
      get: reading('listGoals', "A client's goals",
        [pathParameter('id', 'the client id'), queryParameter('status', 'only goals with this status', ref('GoalStatus'))], json({ type: 'array', items: ref('Goal') }, 'the goals')),
      put: change('updateGoal', 'Record progress on a goal: a new history entry, nothing overwritten',
        [pathParameter('id', 'the goal id')], ref('GoalUpdate'), json(ref('Goal'), 'the goal after the change')),
    },
    '/api/v1/goals/{goal_id}/edit': {
      post: change('editGoal', "Correct a goal's description, target date or notes; the values before are kept with who, when and why",
        [pathParameter('goal_id', 'the goal id')], ref('GoalEdit'), json({ type: 'object' }, 'the goal with its history and corrections (as goal show --json)')),
    },
    '/api/v1/milestones': {
      post: creation('addMilestone', 'Record a milestone of a goal',
        ref('MilestoneInput'), json(ref('Milestone'), 'the milestone as recorded'), 'a milestone with this id exists'),
    },
    '/api/v1/milestones/{milestone_id}/edit': {
      post: change('editMilestone', 'Correct a milestone; the values before are kept with who, when and why',
        [MILESTONE], ref('MilestoneEdit'), MILESTONE_STATE, 'the milestone is voided'),
    },
    '/api/v1/milestones/{milestone_id}/void': {
      post: change('voidMilestone', 'Take a milestone out of lists and reports (recorded in error); it stays in the record',
        [MILESTONE], REASON_ONLY, MILESTONE_STATE, 'the milestone is voided already'),
    },
    '/api/v1/milestones/{milestone_id}/restore': {
      post: change('restoreMilestone', 'Undo the void of a milestone',
        [MILESTONE], NO_FIELDS, MILESTONE_STATE, 'the milestone is not voided'),
    },
    '/api/v1/measures': {
      post: creation('addMeasure', 'Record a standardized outcome measure (PHQ-9, GAD-7, CORE-10), scored by tpt',
        ref('MeasureInput'), json(ref('Measure'), 'the scored measure, as `tpt measure show --json`'), 'a measure with this id exists'),
    },
    '/api/v1/measures/{client_id}': {
      get: reading('listMeasures', "A client's measures, newest first (all of them unless a timeframe is given)",
        [CLIENT, ...TIMEFRAME, includeVoid('measures')],
        json({ type: 'array', items: ref('Measure') }, 'the measures, as `tpt measures --json`')),
    },
    '/api/v1/measures/{measure_id}/amend': {
      post: change('amendMeasure', 'A new version of a measure (items, total, timestamp, session_id as given); earlier versions kept',
        [MEASURE], REASON_ONLY, MEASURE_STATE, 'the measure is voided'),
    },
    '/api/v1/measures/{measure_id}/void': {
      post: change('voidMeasure', 'Take a measure out of listings, trends and reports; it stays in the record and the exports',
        [MEASURE], REASON_ONLY, MEASURE_STATE, 'the measure is voided already'),
    },
    '/api/v1/measures/{measure_id}/restore': {
      post: change('restoreMeasure', 'Undo the void of a measure',
        [MEASURE], NO_FIELDS, MEASURE_STATE, 'the measure is not voided'),
    },
    '/api/v1/progress/{client_id}': {
      get: reading('progressReport', "A client's progress report (default: the last 30 days)",
        [CLIENT, ...TIMEFRAME, RATED_BY], json(ref('Report'), 'the report, as `tpt report --json`')),
    },
    '/api/v1/caseload': {
      get: reading('caseload', 'Every client, most pressing first, with why (as `tpt caseload --json`)',
        [queryParameter('unsigned_days', 'list notes unsigned for more than this many days (default 3)', { type: 'string', pattern: '^[0-9]{1,4}$' })],
        json({ type: 'array', items: ref('CaseloadEntry') }, 'the caseload, most pressing first')),
    },
    '/api/v1/search': {
      get: reading('search', 'Find words in the notes, newest first (as `tpt search --json`); one audit entry per client shown, never the words',
        [queryParameter('q', 'the words, all of which must occur (case and accents ignored); "a phrase" in quotes matches as a phrase'),
          queryParameter('client', "one client's records only"), includeVoid('sessions and milestones'),
          queryParameter('limit', 'at most N matches, the newest', { type: 'string', pattern: '^[0-9]+$' }), ...TIMEFRAME],
        json({ type: 'array', items: ref('SearchHit') }, 'the matches, newest first')),
    },
    '/api/v1/risks/{client_id}': {
      get: reading('listRisks', "A client's risks, opened by crisis flags and open until a person resolves them",
        [CLIENT, queryParameter('open', 'only the open ones (true or 1)', { enum: ['true', '1', 'false', '0'] })], json({ type: 'array', items: ref('Risk') }, 'the risks, as `tpt risk list --json`')),
    },
    '/api/v1/risks/{client_id}/{kind}/resolve': {
      post: change('resolveRisk', 'Resolve an open risk: a person\'s judgement, with the reason (a write token; audited with its name)',
        [CLIENT, { name: 'kind', in: 'path', required: true, description: 'the risk kind, e.g. suicidal_ideation', schema: { type: 'string' } }],
        { type: 'object', properties: { note: { type: 'string', minLength: 1 } }, required: ['note'], additionalProperties: false }, json(ref('Risk'), 'the risk, resolved')),
    },
    '/api/v1/risks/{client_id}/{kind}/amend': {
      post: change('amendRiskResolution', 'Correct the note of a resolution, with the reason; the note before stays in the history',
        [CLIENT, RISK_KIND], { type: 'object', properties: { note: { type: 'string', minLength: 1 }, reason: { type: 'string', minLength: 1 } }, required: ['note', 'reason'], additionalProperties: false },
        json(ref('Risk'), 'the risk, its resolution corrected'), 'the risk is open: there is no resolution to correct'),
    },
    '/api/v1/risks/{client_id}/{kind}/reopen': {
      post: change('reopenRisk', 'Take a resolution back, with the reason: the risk is open again; the resolution stays in the history',
        [CLIENT, RISK_KIND], REASON_ONLY, json(ref('Risk'), 'the risk, open again'), 'the risk is open: there is no resolution to take back'),
    },
    '/api/v1/trends/{client_id}': {
      get: reading('emotionalTrends', "A client's emotional trend by calendar period (default: the last 90 days)",
        [CLIENT, ...TIMEFRAME, queryParameter('by', 'the period', { enum: ['day', 'week', 'month', 'quarter', 'year'] }), RATED_BY], json(ref('Trends'), 'the trend, as `tpt trends --json`')),
    },
    '/api/v1/schemas/{name}': {
      get: reading('documentSchema', 'The JSON Schema (draft 2020-12) of the report, trends or export document (docs/monitoring.md says which fields are stable)',
        [{ name: 'name', in: 'path', required: true, description: 'report, trends or export', schema: { enum: ['report', 'trends', 'export'] } }],
        json({ type: 'object' }, 'the JSON Schema')),
    },
    '/api/v1/ingest': {
      post: {
        operationId: 'ingest',
        summary: 'Sessions, measures, goal updates and milestones as NDJSON (`tpt ingest` over HTTP): one result line per input line',
        requestBody: { required: true, content: { 'application/x-ndjson': { schema: { type: 'string', description: 'one JSON object a line: {"type": "session" | "measure" | "goal_update" | "milestone", "id": …, and the fields of the entry}' } } } },
        responses: {
          200: { description: 'one line per input line: {"line", "id", "outcome": created | unchanged | refused, "record_id" | "error"}', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
          400: ERRORS[400], 401: ERRORS[401], 403: ERRORS[403],
        },
      },
    },
    '/api/v1/export/{client_id}': {
      get: reading('exportClient', "A client's whole history, as `tpt export <client>` writes it",
        [CLIENT], json(ref('Export'), 'the export document (tpt-export, version 1)')),
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `tpt token create`' } },
    schemas: {
      Id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] } },
        required: ['error'],
      },
      EmotionalState: { enum: ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] },
      GoalStatus: { enum: ['active', 'achieved', 'paused', 'discontinued'] },
      Significance: { enum: ['low', 'medium', 'high'] },
      SessionInput: inputJsonSchema(sessionInput, { ...IDS, emotional_state: { oneOf: [ref('EmotionalState'), { type: 'integer', minimum: -2, maximum: 2 }] }, emotional_score: { type: 'integer', minimum: -2, maximum: 2 }, therapeutic_goals: { type: 'array', items: ref('Id'), default: [] }, timestamp: { type: 'string', description: 'ISO 8601; default now' }, metadata: { type: 'object', additionalProperties: { type: 'string' }, default: {} } }),
      Session: {
        type: 'object',
        required: ['session_id', 'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score', 'crisis_flags'],
        properties: {
          session_id: ref('Id'),
          client_id: ref('Id'),
          timestamp: { type: 'string', format: 'date-time' },
          conversation_summary: { type: 'string' },
          emotional_state: ref('EmotionalState'),
          emotional_score: { type: 'integer', minimum: -2, maximum: 2 },
          therapeutic_goals: { type: 'array', items: ref('Id') },
          progress_notes: { type: 'string' },
          therapist_observations: { type: 'string' },
          next_session_focus: { type: 'string' },
          session_duration_minutes: { type: ['integer', 'null'] },
          techniques_used: { type: 'array', items: { type: 'string' } },
          homework_assigned: { type: 'string' },
          crisis_flags: { type: 'array', items: { type: 'string' } },
          metadata: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      GoalInput: withAt(inputJsonSchema(goalCreateInput, { ...IDS, completion_percentage: PERCENTAGE, target_date: { type: ['string', 'null'], format: 'date' } }), 'when the goal was set, for a therapy entered late: YYYY-MM-DD or ISO 8601 (default: now)'),
      GoalUpdate: { ...withAt(inputJsonSchema(goalUpdateInput, { completion_percentage: PERCENTAGE, status: ref('GoalStatus') }), 'when the progress was made: YYYY-MM-DD or ISO 8601 (default: now)'), description: 'give completion_percentage, status and/or note; "at" backdates the entry (from the day the goal was set, not more than 24 hours ahead)' },
      GoalEdit: { ...inputJsonSchema(goalEditInput, { target_date: { type: ['string', 'null'], description: 'YYYY-MM-DD; null or "" for none' }, set_at: { type: 'string', description: 'when the goal was set (not after its first progress entry or milestone)' } }), description: 'the fields that change, and why (reason is required)' },
      Goal: {
        type: 'object',
        required: ['goal_id', 'client_id', 'description', 'completion_percentage', 'status'],
        properties: {
          goal_id: ref('Id'),
          client_id: ref('Id'),
          description: { type: 'string' },
          target_date: { type: ['string', 'null'] },
          completion_percentage: { type: 'number' },
          status: ref('GoalStatus'),
          milestones: { type: 'array', items: ref('Id') },
          notes: { type: 'string' },
          created_at: { type: 'string', format: 'date-time' },
          updated_at: { type: 'string', format: 'date-time' },
        },
      },
      MilestoneInput: inputJsonSchema(milestoneInput, { ...IDS, achieved_date: { type: 'string', format: 'date' }, significance: { ...ref('Significance'), default: 'medium' } }),
      MilestoneEdit: { ...inputJsonSchema(milestoneEditInput, { achieved_date: { type: 'string', format: 'date' }, significance: ref('Significance') }), description: 'the fields that change, and why (reason is required)' },
      MilestoneWithState: {
        description: 'a milestone with its state (voided_at, voided_by, void_reason), created_at and its corrections (edits: at, actor, reason, changes {field: [before, after]})',
        allOf: [ref('Milestone'), { type: 'object', properties: { created_at: { type: 'string' }, voided_at: { type: ['string', 'null'] }, voided_by: { type: ['string', 'null'] }, void_reason: { type: ['string', 'null'] }, edits: { type: 'array', items: { type: 'object' } } } }],
      },
      Milestone: {
        type: 'object',
        required: ['milestone_id', 'goal_id', 'client_id', 'description', 'achieved_date', 'significance'],
        properties: {
          milestone_id: ref('Id'),
          goal_id: ref('Id'),
          client_id: ref('Id'),
          description: { type: 'string' },
          achieved_date: { type: 'string' },
          significance: ref('Significance'),
        },
      },
      MeasureInput: { ...inputJsonSchema(measureInput, { ...IDS, measure: { enum: ['phq9', 'gad7', 'core10'] }, session_id: { oneOf: [ref('Id'), { type: 'null' }] }, items: { type: ['array', 'null'], items: { type: 'integer', minimum: 0 } }, total: { type: ['integer', 'null'], minimum: 0, maximum: 40 } }), description: 'give items (the answers, item 1 first), or total when the items are unknown' },
      Measure: {
        type: 'object',
        required: ['measure_id', 'client_id', 'measure', 'total', 'band', 'at_caseness'],
        properties: {
          measure_id: ref('Id'),
          client_id: ref('Id'),
          measure: { enum: ['phq9', 'gad7', 'core10'] },
          name: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          session_id: { type: ['string', 'null'] },
          items: { type: ['array', 'null'], items: { type: 'integer' } },
          total: { type: 'integer' },
          max: { type: 'integer' },
          band: { type: 'string' },
          at_caseness: { type: 'boolean' },
          item_scores: { type: ['array', 'null'], items: { type: 'integer' } },
          risk_item_answer: { type: ['integer', 'null'] },
          risk_item_implied: { type: ['integer', 'null'], description: 'items unknown: the least risk-item answer the total proves (0: unknown, ask)' },
          created_at: { type: 'string', format: 'date-time' },
        },
      },
      TrendSummary: {
        type: 'object',
        properties: {
          period_start: { type: 'string' },
          period_end: { type: 'string' },
          avg_emotional_score: { type: ['number', 'null'] },
          trend_direction: { enum: ['improving', 'stable', 'declining', 'insufficient_data'] },
          volatility: { type: 'number' },
          slope_per_30_days: { type: ['number', 'null'] },
          data_points: { type: 'integer' },
        },
      },
      Trends: documentSchema('trends'),
      ClientSummary: {
        type: 'object',
        required: ['client_id', 'created_at', 'sessions', 'last_session', 'last_crisis', 'active_goals', 'average_goal_progress', 'open_risks'],
        properties: {
          client_id: ref('Id'),
          created_at: { type: 'string', description: 'UTC ISO 8601' },
          sessions: { type: 'integer', minimum: 0 },
          last_session: { type: ['string', 'null'], description: 'UTC ISO 8601' },
          last_crisis: { type: ['string', 'null'], description: 'the latest session with crisis flags, UTC ISO 8601' },
          active_goals: { type: 'integer', minimum: 0 },
          average_goal_progress: { type: ['number', 'null'], description: 'mean completion of the goals, discontinued ones left out' },
          open_risks: { type: 'array', items: { type: 'string' }, description: 'the kinds of the open risks' },
          off_track: { type: 'array', items: ref('OffTrackAlert'), description: 'the off-track alerts now (docs/caseload.md)' },
        },
      },
      Risk: {
        type: 'object',
        description: 'a risk of the register: kind, status, when opened and last flagged, the sessions or measures that flagged it, and its history',
        properties: {
          client_id: ref('Id'),
          kind: { type: 'string' },
          status: { enum: ['open', 'resolved'] },
          opened_at: { type: 'string', format: 'date-time' },
          last_flagged_at: { type: 'string', format: 'date-time' },
          session_ids: { type: 'array', items: { type: 'string' } },
          resolved_at: { type: ['string', 'null'] },
          resolved_by: { type: ['string', 'null'] },
          resolution_note: { type: ['string', 'null'] },
          history: { type: 'array', items: { type: 'object' } },
        },
        required: ['client_id', 'kind', 'status', 'opened_at', 'last_flagged_at'],
      },
      Report: documentSchema('report'),
      OffTrackAlert: {
        type: 'object',
        required: ['rule', 'measure', 'date', 'detail', 'source'],
        properties: {
          rule: { enum: ['risk_item_endorsed', 'reliable_deterioration', 'no_reliable_improvement'] },
          measure: { enum: ['phq9', 'gad7', 'core10'] },
          date: { type: 'string', format: 'date-time' },
          detail: { type: 'string' },
          source: { type: 'string' },
        },
      },
      SearchHit: {
        type: 'object',
        required: ['client_id', 'kind', 'id', 'time', 'field', 'snippet', 'voided'],
        properties: {
          client_id: ref('Id'),
          kind: { enum: ['session', 'goal', 'milestone'] },
          id: ref('Id'),
          time: { type: 'string', description: "a session's time, a goal's creation (UTC ISO 8601), a milestone's day achieved (YYYY-MM-DD)" },
          field: { type: 'string', description: 'the field the snippet is from' },
          snippet: { type: 'string', description: 'words around the first match, the matched words between [ and ]' },
          voided: { type: 'boolean' },
        },
      },
      CaseloadEntry: {
        type: 'object',
        required: ['client_id', 'last_session', 'reasons'],
        properties: {
          client_id: ref('Id'),
          last_session: { type: ['string', 'null'] },
          reasons: {
            type: 'array',
            items: {
              type: 'object',
              required: ['reason', 'text', 'date', 'weight'],
              properties: {
                reason: { enum: ['open_risk', 'risk_item_endorsed', 'reliable_deterioration', 'no_reliable_improvement', 'measure_overdue', 'no_recent_session', 'goals_past_target', 'measure_due', 'notes_unsigned'] },
                text: { type: 'string' },
                date: { type: ['string', 'null'] },
                weight: { type: 'number' },
                source: { type: 'string' },
              },
            },
          },
        },
      },
      Export: documentSchema('export'),
    },
  },
} as const;

type Parameter = { name: string; in: string; description?: string; schema: Record<string, unknown> };
type Operation = {
  operationId: string; summary: string; security?: unknown[]; parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { description: string; content?: object }>;
};
const PATHS = DESCRIPTION.paths as unknown as Record<string, Record<string, Operation>>;
const shape = (template: string) => template.replace(/\{\w+\}/g, '{}');

/** The path under which the description names a route's template (`/api/v1/goals/{id}` for both goal routes). */
export function documentedPath(template: string): string | undefined {
  return Object.keys(PATHS).find((path) => shape(path) === shape(template));
}

/**
 * A route's schema as Fastify takes it (and @fastify/swagger reads it): its operation's
 * parameters as the params and querystring schemas, its body, its answers by status.
 */
export function routeSchema(method: string, template: string): Record<string, unknown> {
  const path = documentedPath(template);
  const operation = path === undefined ? undefined : PATHS[path]![method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not described in src/server/api-schemas.ts`);
  const parameters = (where: string, required: boolean) => {
    const listed = (operation.parameters ?? []).filter((parameter) => parameter.in === where);
    if (listed.length === 0) return undefined;
    return {
      type: 'object',
      // A path parameter's schema is written out, not referred to: swagger drops the description beside a $ref.
      properties: Object.fromEntries(listed.map((parameter) => [parameter.name, {
        ...(where === 'path' && '$ref' in parameter.schema ? ID_SCHEMA : parameter.schema),
        ...(parameter.description ? { description: parameter.description } : {}),
      }])),
      ...(required ? { required: listed.map((parameter) => parameter.name) } : {}),
    };
  };
  const params = parameters('path', true);
  const querystring = parameters('query', false);
  const content = operation.requestBody?.content;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.security ? { security: operation.security } : {}),
    ...(params ? { params } : {}),
    ...(querystring ? { querystring } : {}),
    ...(content ? { body: content['application/json'] ? content['application/json'].schema : { content } } : {}),
    response: operation.responses,
  };
}

const ID_SCHEMA = DESCRIPTION.components.schemas.Id;

/** GET /health's schema. */
export const HEALTH_SCHEMA = routeSchema('GET', '/health');

/** @fastify/swagger's options: the document's head and shared schemas, and one path for both goal routes. */
export const SWAGGER_OPTIONS: import('@fastify/swagger').FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: DESCRIPTION.openapi,
    info: DESCRIPTION.info,
    servers: DESCRIPTION.servers as unknown as { url: string }[],
    security: DESCRIPTION.security as unknown as { [name: string]: string[] }[],
    components: DESCRIPTION.components as never,
  },
  transform: ({ schema, url }) => {
    const template = url.replace(/:(\w+)/g, '{$1}');
    const path = documentedPath(template);
    return { schema, url: path === undefined ? url : path.replace(/\{(\w+)\}/g, ':$1') };
  },
};
