import type { Writable } from 'node:stream';
import { createGoal, listGoals, updateGoal } from '../core/goals.js';
import { InputError } from '../core/errors.js';
import { addMeasure, listMeasures, type MeasureInput } from '../core/measures.js';
import { addMilestone } from '../core/milestones.js';
import type { Actor } from '../core/model.js';
import type { GoalCreateInput, GoalUpdateInput, MilestoneInput, SessionInput } from '../core/schemas.js';
import { exportJson, planExport } from '../core/export.js';
import { parseGranularity } from '../core/periods.js';
import { progressReport } from '../core/report.js';
import { listSessions, logSession } from '../core/sessions.js';
import {
  amendSession, restoreSession, signSession, voidSession, type SessionChange,
} from '../core/session-corrections.js';
import { emotionalTrends } from '../core/trends.js';
import { resolveTimeframe, type TimeframeOptions } from '../core/timeframe.js';
import { beginSnapshot } from '../db/export-queries.js';
import type { Store } from '../db/store.js';
import type { TokenScope } from '../core/tokens.js';

export interface RequestContext {
  store: Store;
  /** Runs `use` with the read-only connection, one caller at a time. */
  withReader: <T>(use: (reader: Store) => Promise<T>) => Promise<T>;
  /** The path's parameters, in the order of the pattern's groups. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  who: Actor;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** For large answers: writes the body itself, and ends it. */
  stream?: (out: Writable) => Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** The least token scope that may call it. */
  scope: TokenScope;
  handle: (context: RequestContext) => Reply | Promise<Reply>;
}

const SEGMENT = '([^/]+)';
const path = (template: string) => new RegExp(`^${template.replace(/\{\w+\}/g, SEGMENT)}/?$`);

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

function reasonOf(body: unknown): string | undefined {
  const { reason } = object(body ?? {});
  if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
  return reason;
}

function amend({ store, params, body, who }: RequestContext): Reply {
  const { reason, ...change } = object(body);
  if (reason !== undefined && typeof reason !== 'string') throw new InputError('reason must be text');
  for (const key of ['session_id', 'client_id']) {
    if (key in change) throw new InputError(`${key} is not amended: void the session and log it for the right client`);
  }
  return { status: 200, body: amendSession(store, params[0]!, change as SessionChange, reason, who) };
}

export const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: path('/api/v1/sessions'),
    scope: 'write',
    handle: ({ store, body, who }) => ({ status: 201, body: logSession(store, object(body) as SessionInput, who) }),
  },
  {
    method: 'GET',
    pattern: path('/api/v1/sessions/{client_id}'),
    scope: 'read',
    handle: ({ store, params, query, who }) => ({
      status: 200,
      body: listSessions(
        store, params[0]!, resolveTimeframe(timeframeQuery(query), null, who.now), who, limitQuery(query),
        flagQuery(query, 'include_void'),
      ),
    }),
  },
  // Corrections by amendment (the body of an amendment: the fields that change, and "reason").
  {
    method: 'PATCH',
    pattern: path('/api/v1/sessions/{session_id}'),
    scope: 'write',
    handle: (context) => amend(context),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/sessions/{session_id}/amend'),
    scope: 'write',
    handle: (context) => amend(context),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/sessions/{session_id}/void'),
    scope: 'write',
    handle: ({ store, params, body, who }) => ({ status: 200, body: voidSession(store, params[0]!, reasonOf(body), who) }),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/sessions/{session_id}/restore'),
    scope: 'write',
    handle: ({ store, params, who }) => ({ status: 200, body: restoreSession(store, params[0]!, who) }),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/sessions/{session_id}/sign'),
    scope: 'write',
    handle: ({ store, params, who }) => ({ status: 200, body: signSession(store, params[0]!, who) }),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/goals'),
    scope: 'write',
    handle: ({ store, body, who }) => ({ status: 201, body: createGoal(store, object(body) as GoalCreateInput, who) }),
  },
  {
    method: 'PUT',
    pattern: path('/api/v1/goals/{goal_id}'),
    scope: 'write',
    handle: ({ store, params, body, who }) => ({ status: 200, body: updateGoal(store, params[0]!, object(body) as GoalUpdateInput, who) }),
  },
  {
    method: 'GET',
    pattern: path('/api/v1/goals/{client_id}'),
    scope: 'read',
    handle: ({ store, params, query, who }) => ({
      status: 200,
      body: listGoals(store, params[0]!, who, query.get('status') ?? undefined),
    }),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/milestones'),
    scope: 'write',
    handle: ({ store, body, who }) => ({ status: 201, body: addMilestone(store, object(body) as MilestoneInput, who) }),
  },
  {
    method: 'POST',
    pattern: path('/api/v1/measures'),
    scope: 'write',
    handle: ({ store, body, who }) => ({ status: 201, body: addMeasure(store, object(body) as MeasureInput, who) }),
  },
  {
    method: 'GET',
    pattern: path('/api/v1/measures/{client_id}'),
    scope: 'read',
    handle: ({ store, params, query, who }) => ({
      status: 200,
      body: listMeasures(store, params[0]!, resolveTimeframe(timeframeQuery(query), null, who.now), who),
    }),
  },
  {
    method: 'GET',
    pattern: path('/api/v1/progress/{client_id}'),
    scope: 'read',
    handle: ({ store, params, query, who }) => ({
      status: 200,
      body: progressReport(store, params[0]!, resolveTimeframe(timeframeQuery(query), { amount: 30, unit: 'd' }, who.now), who).report,
    }),
  },
  {
    method: 'GET',
    pattern: path('/api/v1/trends/{client_id}'),
    scope: 'read',
    handle: ({ store, params, query, who }) => {
      const by = query.get('by');
      const timeframe = resolveTimeframe(timeframeQuery(query), { amount: 90, unit: 'd' }, who.now);
      return { status: 200, body: emotionalTrends(store, params[0]!, timeframe, by === null ? undefined : parseGranularity(by), who) };
    },
  },
  {
    method: 'GET',
    pattern: path('/api/v1/export/{client_id}'),
    scope: 'admin',
    handle: ({ store, withReader, params, who }) => {
      const plan = planExport(store, { clientId: params[0]! }, who);
      return {
        status: 200,
        // From the reader's snapshot, a piece at a time as the client takes it: a client of
        // 200,000 sessions is never held in memory whole, nor keeps other requests waiting.
        stream: (out) => withReader(async (reader) => {
          const endSnapshot = beginSnapshot(reader);
          try {
            for (const chunk of exportJson(reader, plan.clients, who.now)) await writeInTurn(out, chunk);
          } finally {
            endSnapshot();
          }
          out.end();
        }),
      };
    },
  },
];

/**
 * Writes a piece, waits for 'drain' when the socket is full, and then always yields to the event
 * loop (a drain that comes at once runs as a microtask, which would never let other requests in).
 * A client that goes away ends the answer (an error).
 */
async function writeInTurn(out: Writable, chunk: string): Promise<void> {
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
