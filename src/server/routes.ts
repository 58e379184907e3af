import type { Writable } from 'node:stream';
import { caseload, parseUnsignedDays } from '../core/caseload.js';
import { searchNotes } from '../core/search.js';
import { createGoal, editGoal, listGoals, updateGoal } from '../core/goals.js';
import { InputError, NotFoundError } from '../core/errors.js';
import { DOCUMENT_NAMES, isDocumentName, publishedSchema } from '../schema-files.js';
import { amendMeasure, measureDetail, restoreMeasure, voidMeasure, type MeasureChange } from '../core/measure-corrections.js';
import { addMeasure, listMeasures, type MeasureInput } from '../core/measures.js';
import { addMilestone, editMilestone, restoreMilestone, voidMilestone } from '../core/milestones.js';
import type { Actor } from '../core/model.js';
import {
  goalEditInput, milestoneEditInput, parseInput, type GoalCreateInput, type GoalUpdateInput, type MilestoneInput, type SessionInput,
} from '../core/schemas.js';
import { exportJson, planExport } from '../core/export.js';
import { parseGranularity } from '../core/periods.js';
import { progressReport, RATED_BY, type RatedBy } from '../core/report.js';
import { listClientsWithAlerts } from '../core/off-track.js';
import { amendRiskResolution, listRisks, reopenRisk, resolveRisk } from '../core/risks.js';
import { listSessions, logSession } from '../core/sessions.js';
import {
  amendSession, restoreSession, signSession, voidSession, type SessionChange,
} from '../core/session-corrections.js';
import { emotionalTrends } from '../core/trends.js';
import { resolveTimeframe, type TimeframeOptions } from '../core/timeframe.js';
import type { RecordStore } from '../store/port.js';
import { INGEST_ROUTE } from './ingest-route.js';
import type { TokenScope } from '../core/tokens.js';
import type { Caller } from './callers.js';

export interface RequestContext {
  /** The records: every route reads and writes through the store port. */
  records: RecordStore;
  /**
   * Runs `use` with the store that streamed answers read from, one caller at a time: on SQLite a
   * second, read-only connection (so the main one keeps serving), on PostgreSQL the same pool.
   */
  withReader: <T>(use: (reader: RecordStore) => Promise<T>) => Promise<T>;
  /** The path's parameters, in the order of the pattern's groups. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** The request body as it arrives, for a route that streams it (streamsBody); else undefined. */
  input?: AsyncIterable<Buffer>;
  /** Who asks (src/server/callers.ts); `who` names them for the core and its audit log. */
  caller: Caller;
  who: Actor;
  /** The service's OpenAPI document (@fastify/swagger's, from the routes' schemas). */
  openapi: () => unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** For large answers: writes the body itself, and ends it. */
  stream?: (out: Writable) => Promise<void>;
  /** The answer's media type, when it is not JSON (NDJSON). */
  contentType?: string;
}

export interface Route {
  method: string;
  /** The path as src/server/api-schemas.ts describes it: `/api/v1/sessions/{client_id}`. */
  template: string;
  pattern: RegExp;
  /** The query parameters it takes; any other is refused (400), as unknown body fields are. */
  query: readonly string[];
  /** The least token scope that may call it. */
  scope: TokenScope;
  handle: (context: RequestContext) => Reply | Promise<Reply>;
  /** Reads the body itself, as a stream (ingest), instead of as one JSON value of at most 1 MB. */
  streamsBody?: boolean;
}

const SEGMENT = '([^/]+)';
const path = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, SEGMENT)}/?$`);
const at = (template: string) => ({ template, pattern: path(template) });

/** A template as Fastify's router takes it: `/api/v1/sessions/{client_id}` → `/api/v1/sessions/:client_id`. */
export const fastifyPath = (template: string) => template.replace(/\{(\w+)\}/g, ':$1');

/** The names of a template's parameters, in order. */
export const paramNames = (template: string) => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

const TIMEFRAME = ['last', 'days', 'since', 'until'] as const;
/** Names other clients use for a query parameter (the seed's `timeframe_days`). */
const SYNONYMS: Record<string, string> = { timeframe_days: 'days' };

/**
 * The query of a request as its route reads it: synonyms under their own name, and a 400 for a
 * parameter the route does not take (`?lst=3m` would otherwise return everything) or one given twice.
 */
export function acceptedQuery(route: Route, given: URLSearchParams): URLSearchParams {
  const accepted = new URLSearchParams();
  const unknown: string[] = [];
  for (const [name, value] of given) {
    const canonical = route.query.includes(name) ? name : SYNONYMS[name];
    if (canonical === undefined || !route.query.includes(canonical)) {
      unknown.push(name);
      continue;
    }
    if (accepted.has(canonical)) {
      throw new InputError(`query parameter "${canonical}" is given twice${canonical !== name ? ` (as "${name}")` : ''}: give it once`);
    }
    accepted.set(canonical, value);
  }
  if (unknown.length > 0) {
    const takes = route.query.length === 0 ? 'takes no query parameters' : `takes ${route.query.join(', ')}`;
    throw new InputError(`unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}: ${route.method} ${route.template} ${takes}`);
  }
  return accepted;
}

/** The JSON body as an object (the core validates its fields); anything else is a 400. */
function object(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/** Timeframe query parameters: ?last=6m, ?days=30, ?since=…&until=… */
export function timeframeQuery(query: URLSearchParams): TimeframeOptions {
  const value = (name: string) => query.get(name) ?? undefined;
  return { last: value('last'), days: value('days'), since: value('since'), until: value('until') };
}

function limitQuery(query: URLSearchParams): number | undefined {
  const limit = query.get('limit');
  if (limit === null) return undefined;
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || !Number.isSafeInteger(Number(limit))) {
    throw new InputError(`invalid limit "${limit}": use a positive whole number up to ${Number.MAX_SAFE_INTEGER}`);
  }
  return Number(limit);
}

function flagQuery(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null || value === '0' || value === 'false') return false;
  if (value === '' || value === '1' || value === 'true') return true;
  throw new InputError(`invalid ${name} "${value}": use true or false`);
}

/** ?rated_by=clinician leaves moods a machine estimated out, as the commands' --rated-by (issue 25). */
function ratedByQuery(query: URLSearchParams): RatedBy {
  const value = query.get('rated_by');
  if (value === null) return 'any';
  if (!(RATED_BY as readonly string[]).includes(value)) {
    throw new InputError(`invalid rated_by "${value}": use clinician (leave out moods a machine estimated) or any`);
  }
  return value as RatedBy;
}

function reasonOf(body: unknown): string | undefined {
  const { reason } = object(body ?? {});
  if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
  return reason;
}

async function amend({ records, params, body, who }: RequestContext): Promise<Reply> {
  const { reason, ...change } = object(body);
  if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
  for (const key of ['session_id', 'client_id']) {
    if (key in change) throw new InputError(`${key} is not amended: void the session and log it for the right client`);
  }
  return { status: 200, body: await amendSession(records, params[0]!, change as SessionChange, reason, who) };
}

export const ROUTES: Route[] = [
  {
    // Where an integration starts: the ids the other routes take, with what `tpt clients` shows.
    method: 'GET',
    ...at('/api/v1/clients'),
    query: [],
    scope: 'read',
    handle: async ({ records, who }) => ({ status: 200, body: await listClientsWithAlerts(records, who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/sessions'),
    query: [],
    scope: 'write',
    // Written with an API token: a machine's entry, an unsigned draft (issue 25).
    handle: async ({ records, body, who }) => ({ status: 201, body: await logSession(records, object(body) as SessionInput, who, false, 'machine') }),
  },
  {
    method: 'GET',
    ...at('/api/v1/sessions/{client_id}'),
    query: [...TIMEFRAME, 'limit', 'include_void'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => ({
      status: 200,
      body: await listSessions(
        records, params[0]!, resolveTimeframe(timeframeQuery(query), null, who.now), who, limitQuery(query),
        flagQuery(query, 'include_void'),
      ),
    }),
  },
  // Corrections by amendment (the body of an amendment: the fields that change, and "reason").
  {
    method: 'POST',
    ...at('/api/v1/sessions/{session_id}/amend'),
    query: [],
    scope: 'write',
    handle: (context) => amend(context),
  },
  {
    method: 'POST',
    ...at('/api/v1/sessions/{session_id}/void'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => ({ status: 200, body: await voidSession(records, params[0]!, reasonOf(body), who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/sessions/{session_id}/restore'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, who }) => ({ status: 200, body: await restoreSession(records, params[0]!, who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/sessions/{session_id}/sign'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, who }) => ({ status: 200, body: await signSession(records, params[0]!, who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/goals'),
    query: [],
    scope: 'write',
    handle: async ({ records, body, who }) => {
      // "at": when the goal was set, as `goal create --at`.
      const { at, ...fields } = object(body);
      if (at !== undefined && typeof at !== 'string') throw new InputError('at must be a date or time (YYYY-MM-DD or ISO 8601)');
      return { status: 201, body: await createGoal(records, fields as GoalCreateInput, who, at) };
    },
  },
  {
    method: 'PUT',
    ...at('/api/v1/goals/{goal_id}'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      // "at": a backdated progress entry, as `goal update --at`.
      const { at, ...change } = object(body);
      if (at !== undefined && typeof at !== 'string') throw new InputError('at must be a date or time (YYYY-MM-DD or ISO 8601)');
      return { status: 200, body: await updateGoal(records, params[0]!, change as GoalUpdateInput, who, at) };
    },
  },
  {
    method: 'POST',
    ...at('/api/v1/goals/{goal_id}/edit'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      const { reason, ...edit } = parseInput(goalEditInput, object(body));
      return { status: 200, body: await editGoal(records, params[0]!, edit, reason, who) };
    },
  },
  {
    method: 'GET',
    ...at('/api/v1/goals/{client_id}'),
    query: ['status'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => ({
      status: 200,
      body: await listGoals(records, params[0]!, who, query.get('status') ?? undefined),
    }),
  },
  {
    method: 'POST',
    ...at('/api/v1/milestones'),
    query: [],
    scope: 'write',
    handle: async ({ records, body, who }) => ({ status: 201, body: await addMilestone(records, object(body) as MilestoneInput, who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/milestones/{milestone_id}/edit'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      const { reason, ...edit } = parseInput(milestoneEditInput, object(body));
      return { status: 200, body: await editMilestone(records, params[0]!, edit, reason, who) };
    },
  },
  {
    method: 'POST',
    ...at('/api/v1/milestones/{milestone_id}/void'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => ({ status: 200, body: await voidMilestone(records, params[0]!, reasonOf(body), who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/milestones/{milestone_id}/restore'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, who }) => ({ status: 200, body: await restoreMilestone(records, params[0]!, who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/measures'),
    query: [],
    scope: 'write',
    // The measure as `tpt measure show --json` prints it (its state included).
    handle: async ({ records, body, who }) => {
      const added = await addMeasure(records, object(body) as MeasureInput, who);
      return { status: 201, body: await measureDetail(records, added.measure_id, false) };
    },
  },
  {
    method: 'GET',
    ...at('/api/v1/measures/{client_id}'),
    query: [...TIMEFRAME, 'include_void'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => ({
      status: 200,
      body: await listMeasures(records, params[0]!, resolveTimeframe(timeframeQuery(query), null, who.now), flagQuery(query, 'include_void'), who),
    }),
  },
  // Measures are corrected as sessions are (the body of an amendment: items, total, timestamp, session_id, and "reason").
  {
    method: 'POST',
    ...at('/api/v1/measures/{measure_id}/amend'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      const { reason, items, total, timestamp, session_id, ...rest } = object(body);
      if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
      const other = Object.keys(rest)[0];
      if (other !== undefined) {
        throw new InputError(`${other} is not amended: give items, total, timestamp or session_id (void the measure and record it again to change its kind or client)`);
      }
      if (session_id !== undefined && typeof session_id !== 'string') throw new InputError('session_id must be text');
      const change = { items, total, timestamp, session_id } as MeasureChange;
      return { status: 200, body: await amendMeasure(records, params[0]!, change, reason, who) };
    },
  },
  {
    method: 'POST',
    ...at('/api/v1/measures/{measure_id}/void'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => ({ status: 200, body: await voidMeasure(records, params[0]!, reasonOf(body), who) }),
  },
  {
    method: 'POST',
    ...at('/api/v1/measures/{measure_id}/restore'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, who }) => ({ status: 200, body: await restoreMeasure(records, params[0]!, who) }),
  },
  {
    method: 'GET',
    ...at('/api/v1/progress/{client_id}'),
    query: [...TIMEFRAME, 'rated_by'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => {
      const timeframe = resolveTimeframe(timeframeQuery(query), { amount: 30, unit: 'd' }, who.now);
      return { status: 200, body: (await progressReport(records, params[0]!, timeframe, who, ratedByQuery(query))).report };
    },
  },
  {
    method: 'GET',
    ...at('/api/v1/caseload'),
    query: ['unsigned_days'],
    scope: 'read',
    handle: async ({ records, query, who }) => ({
      status: 200,
      body: await caseload(records, { unsignedDays: parseUnsignedDays(query.get('unsigned_days') ?? undefined, 'unsigned_days') }, who),
    }),
  },
  {
    // `tpt search`: q the words (a "phrase" in quotes), as the command takes them; the same JSON.
    method: 'GET',
    ...at('/api/v1/search'),
    query: ['q', 'client', 'include_void', 'limit', ...TIMEFRAME],
    scope: 'read',
    handle: async ({ records, query, who }) => ({
      status: 200,
      body: await searchNotes(records, query.get('q') ?? '', {
        clientId: query.get('client'), timeframe: resolveTimeframe(timeframeQuery(query), null, who.now),
        includeVoid: flagQuery(query, 'include_void'), limit: limitQuery(query),
      }, who),
    }),
  },
  {
    method: 'GET',
    ...at('/api/v1/risks/{client_id}'),
    query: ['open'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => ({
      status: 200,
      body: await listRisks(records, params[0]!, query.get('open') === 'true' || query.get('open') === '1', who),
    }),
  },
  {
    // Resolving is a person's judgement: the token names who, and the audit log keeps it.
    method: 'POST',
    ...at('/api/v1/risks/{client_id}/{kind}/resolve'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      const note = object(body).note;
      if (note !== undefined && typeof note !== 'string') throw new InputError('note must be text');
      return { status: 200, body: await resolveRisk(records, params[0]!, params[1]!, note, who) };
    },
  },
  {
    // A resolution's note corrected, as `tpt risk amend`: {note, reason}.
    method: 'POST',
    ...at('/api/v1/risks/{client_id}/{kind}/amend'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => {
      const { note, reason, ...rest } = object(body);
      if (Object.keys(rest).length > 0) throw new InputError(`unknown field "${Object.keys(rest)[0]}": give note and reason`);
      if (note !== undefined && typeof note !== 'string') throw new InputError('note must be text');
      if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
      return { status: 200, body: await amendRiskResolution(records, params[0]!, params[1]!, note, reason, who) };
    },
  },
  {
    // A resolution taken back, as `tpt risk reopen`: {reason}.
    method: 'POST',
    ...at('/api/v1/risks/{client_id}/{kind}/reopen'),
    query: [],
    scope: 'write',
    handle: async ({ records, params, body, who }) => ({ status: 200, body: await reopenRisk(records, params[0]!, params[1]!, reasonOf(body), who) }),
  },
  {
    method: 'GET',
    ...at('/api/v1/trends/{client_id}'),
    query: [...TIMEFRAME, 'by', 'rated_by'],
    scope: 'read',
    handle: async ({ records, params, query, who }) => {
      const by = query.get('by');
      const timeframe = resolveTimeframe(timeframeQuery(query), { amount: 90, unit: 'd' }, who.now);
      const granularity = by === null ? undefined : parseGranularity(by);
      return { status: 200, body: await emotionalTrends(records, params[0]!, timeframe, granularity, who, ratedByQuery(query)) };
    },
  },
  {
    method: 'GET',
    ...at('/api/v1/export/{client_id}'),
    query: [],
    scope: 'admin',
    handle: async ({ records, withReader, params, who }) => {
      const plan = await planExport(records, { clientId: params[0]! }, who);
      return {
        status: 200,
        // From the reader's snapshot, a piece at a time as the client takes it: a client of
        // 200,000 sessions is never held in memory whole, nor keeps other requests waiting.
        stream: (out) => withReader(async (reader) => {
          await reader.read(async (tx) => {
            for await (const chunk of exportJson(tx, plan.clients, who.now)) await writeInTurn(out, chunk);
          });
          out.end();
        }),
      };
    },
  },
  INGEST_ROUTE,
  {
    method: 'GET',
    ...at('/api/v1/schemas/{name}'),
    query: [],
    scope: 'read',
    handle: ({ params }) => {
      const name = params[0]!.replace(/\.schema\.json$|\.json$/, '');
      if (!isDocumentName(name)) throw new NotFoundError(`no schema "${params[0]}": use one of ${DOCUMENT_NAMES.join(', ')}`);
      return { status: 200, body: publishedSchema(name) };
    },
  },
  {
    method: 'GET',
    ...at('/api/v1/openapi.json'),
    query: [],
    scope: 'read',
    handle: ({ openapi }) => ({ status: 200, body: openapi() }),
  },
];

/**
 * Writes a piece, waits for 'drain' when the socket is full, and then always yields to the event
 * loop (a drain that comes at once runs as a microtask, which would never let other requests in).
 * A client that goes away ends the answer (an error).
 */
export async function writeInTurn(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) throw new Error('the client went away during the answer');
  if (!out.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        out.off('drain', onDrain);
        out.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(new Error('the client went away during the answer'));
      out.once('drain', onDrain);
      out.once('close', onClose);
    });
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
}
