import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import { appendAudit, recordAudit, takeUnloggedPortReads, takeUnloggedReads } from '../core/audit.js';
import { authenticate, scopeAllows } from '../core/tokens.js';
import { SqliteRecordStore } from '../db/engine.js';
import type { Store } from '../db/store.js';
import type { RecordStore } from '../store/port.js';
import { inApiTerms } from './api-terms.js';
import { RefusalAudit, RefusalLimiter, type RefusalVerdict } from './rate-limit.js';
import { acceptedQuery, ROUTES, type Reply, type RequestContext } from './routes.js';
import type { RequestObserver } from './observer.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServeOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  now: () => Date;
  /** A second, read-only connection, for answers streamed over many turns of the event loop. */
  openReader: () => Store;
  /** Told of each request and its answer (src/server/metrics.ts): metrics and traces. */
  observer?: RequestObserver;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.replace(/^\[|\]$/g, '')) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a Host header, without its port and in lower case (`[::1]:8001` → `::1`). */
function hostName(header: string | undefined): string {
  if (!header) return '';
  const bracketed = /^\[([^\]]+)\]/.exec(header);
  return (bracketed ? bracketed[1]! : header.replace(/:\d+$/, '')).toLowerCase();
}

/**
 * The request's target as a URL and the host it is addressed to. A target in absolute form
 * (`GET http://example.com/health`, as sent to proxies) names its host itself, which then counts
 * instead of the Host header (RFC 9112 §3.2.2); any other form than these two is refused.
 */
function target(request: IncomingMessage): { url: URL; host: string } {
  const raw = request.url ?? '/';
  if (raw.startsWith('/')) return { url: new URL(raw, 'http://localhost'), host: hostName(request.headers.host) };
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new HttpError(400, 'invalid_target', 'the request target must be a path such as /api/v1/sessions/c42');
  }
  return { url, host: hostName(url.host) };
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** The HTTP face of the core: authentication, routing, JSON in and out, errors as SPEC §5. */
/** `records`: the store port over the same connection (what core's use cases on the port take). */
export function createApiServer(store: Store, options: ServeOptions, records: RecordStore = new SqliteRecordStore(store)): Server {
  const loopback = isLoopback(options.host);
  /** The name of each request's token, once it is known, for the audit entry of a refusal. */
  const callers = new WeakMap<IncomingMessage, string>();
  const limiter = new RefusalLimiter();
  const refusals = new RefusalAudit();
  /** The route template each request matched, and the error it failed with, for the observer. */
  const routeOf = new WeakMap<IncomingMessage, string>();
  const failureOf = new WeakMap<IncomingMessage, unknown>();
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const end = options.observer?.begin(request.method ?? 'GET');
    if (end) {
      response.once('close', () => end({ route: routeOf.get(request) ?? 'unmatched', status: response.statusCode, error: failureOf.get(request) }));
    }
    handle(request, response).catch(async (failure: unknown) => {
      failureOf.set(request, failure);
      const error = callers.has(request) ? failure : limitRefusal(request, response, failure);
      await auditRefusal(request, error);
      // A body left unread (refused before it was read, or too large) cannot be skipped
      // reliably: the connection ends with this answer instead of serving another request.
      if (!request.complete) response.setHeader('Connection', 'close');
      sendError(response, error);
    });
  };

  /**
   * Refusals of callers without a valid token are limited per address (RefusalLimiter): past
   * the limit the answer is 429 (logged as any refusal of theirs is: RefusalAudit).
   */
  function limitRefusal(request: IncomingMessage, response: ServerResponse, error: unknown): unknown {
    if (error instanceof HttpError && error.code === 'forbidden_host') return error;
    const address = request.socket.remoteAddress ?? 'unknown';
    const verdict = limiter.take(address, Date.now());
    if (verdict === 'allowed') return error;
    const wait = limiter.retryAfter(address);
    response.setHeader('Retry-After', String(wait));
    return new HttpError(429, 'too_many_requests',
      `too many refused requests from ${address}: wait ${wait} s, and give a valid token as "Authorization: Bearer <token>"`);
  }

  /**
   * A refused or failed API call is part of the record too, as on the command line: one entry
   * each for a valid token's holder; for callers without one, as RefusalAudit allows (at most
   * 62 entries a minute, whatever the number of senders).
   */
  async function auditRefusal(request: IncomingMessage, error: unknown): Promise<void> {
    const status = statusOf(error);
    // Not addressed to this service at all.
    if (error instanceof HttpError && error.code === 'forbidden_host') return;
    const caller = callers.get(request);
    const who = { actor: caller ? `api:${caller}` : 'api:unauthenticated', now: options.now() };
    const action = `api ${request.method ?? ''} ${new URL(request.url ?? '/', 'http://localhost').pathname}`.slice(0, 200);
    const outcome = status >= 500 ? 'failed' : 'refused';
    try {
      if (caller) {
        await records.write((tx) => appendAudit(tx, { action, outcome }, who));
        return;
      }
      const address = request.socket.remoteAddress ?? 'unknown';
      const verdict = refusals.take(address, Date.now());
      if (!verdict.previous && verdict.write !== 'entry' && verdict.write !== 'cap') return;
      await records.write(async (tx) => {
        if (verdict.previous) await appendAudit(tx, unloggedEntry(verdict.previous), who);
        if (verdict.write === 'entry') await appendAudit(tx, { action, object_id: address, outcome }, who);
        if (verdict.write === 'cap') {
          await appendAudit(tx, { action: 'api refusals capped', object_id: `${refusals.cap} addresses logged this minute; the rest are counted`, outcome: 'refused' }, who);
        }
      });
    } catch {
      // The answer to the client matters more than this entry.
    }
  }

  /** The entry that counts a window's refusals not logged one by one. */
  function unloggedEntry(previous: NonNullable<RefusalVerdict['previous']>) {
    return {
      action: 'api refusals counted',
      object_id: `${previous.refusals} more refused (${previous.addresses} address(es) refused in all) in the minute from ${previous.window_start.toISOString()}`,
      outcome: 'refused' as const,
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A page in a browser can reach a loopback port through a DNS name it controls (DNS
    // rebinding); its requests then carry that name as Host, so only loopback names are served.
    // Two Host headers name two hosts; node:http keeps the first without a word (RFC 9112 §3.2: 400).
    if (request.rawHeaders.filter((_value, index) => index % 2 === 0 && /^host$/i.test(_value)).length > 1) {
      throw new HttpError(400, 'invalid_host', 'the request has more than one Host header: send one');
    }
    const { url, host } = target(request);
    if (loopback && !isLoopback(host)) {
      throw new HttpError(403, 'forbidden_host', 'this service answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])');
    }
    if (url.pathname === '/health') {
      routeOf.set(request, '/health');
      if (request.method !== 'GET') throw new HttpError(404, 'not_found', 'use GET /health');
      return send(response, { status: 200, body: { status: 'ok' } });
    }
    // The caller is known before the route is looked up, so even a refusal names a valid token's holder.
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const caller = token ? await authenticate(records, token) : undefined;
    if (caller) callers.set(request, caller.name);
    const match = findRoute(request.method ?? 'GET', url.pathname);
    if (!match) throw new HttpError(404, 'not_found', `no route ${request.method} ${url.pathname}: see GET /api/v1/openapi.json`);
    routeOf.set(request, match.route.template);
    if (!caller) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'give a valid token as "Authorization: Bearer <token>" (see `tpt token create`)');
    }
    if (!scopeAllows(caller.scope, match.route.scope)) {
      throw new HttpError(403, 'forbidden_scope',
        `this token's scope is ${caller.scope}; ${request.method} ${url.pathname} needs ${match.route.scope}: use a token made with \`tpt token create --scope ${match.route.scope}\``);
    }
    const streamed = match.route.streamsBody === true;
    const body = !streamed && (request.method === 'POST' || request.method === 'PUT') ? await readJson(request) : undefined;
    const context: RequestContext = {
      store,
      records,
      withReader,
      params: match.params,
      query: acceptedQuery(match.route, url.searchParams),
      body,
      input: streamed ? request : undefined,
      who: { actor: `api:${caller.name}`, now: options.now() },
    };
    const reply = await match.route.handle(context);
    for (const entry of [...takeUnloggedReads(store), ...takeUnloggedPortReads(records)]) {
      process.emitWarning(`tpt serve: the database cannot take writes, so this read is not in the audit log: ${entry.action} ${entry.client_id ?? ''} by ${entry.actor} at ${entry.at}`);
    }
    return send(response, reply);
  }

  /**
   * Large answers (an export) stream from the reader, one at a time: its snapshot stays open
   * while the answer is written, and the main connection keeps serving other requests meanwhile.
   */
  let reader: Store | undefined;
  let readerQueue: Promise<unknown> = Promise.resolve();
  function withReader<T>(use: (reader: Store) => Promise<T>): Promise<T> {
    const turn = readerQueue.then(() => use(reader ??= options.openReader()));
    readerQueue = turn.catch(() => undefined);
    return turn;
  }

  // A client that sends its request slowly (or never finishes it) holds a connection: its
  // headers get 10 s and the whole request 30 s, then the connection is closed. Node checks these
  // every connectionsCheckingInterval (30 s by default: the cut came after 16 s and ~60 s).
  const limits = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 500 };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, ...limits }, handler)
    : createHttpServer(limits, handler);
  server.on('close', () => {
    const pending = refusals.pending();
    if (pending) {
      try {
        store.transaction(() => recordAudit(store, unloggedEntry(pending), { actor: 'api:unauthenticated', now: options.now() }));
      } catch {
        // stopping: the entry is lost with the service, not the records
      }
    }
    reader?.close();
  });
  return server;
}

function findRoute(method: string, path: string) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(path);
    if (found) {
      try {
        return { route, params: found.slice(1).map((part) => decodeURIComponent(part)) };
      } catch {
        throw new HttpError(400, 'invalid_path', `the path ${path} is not valid percent-encoding`);
      }
    }
  }
  return undefined;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
  // Only JSON is read as JSON: a form or a text body sent by a page is refused, not parsed (RFC 9110 §15.5.16).
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as JSON, with "Content-Type: application/json"');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'payload_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
}

async function send(response: ServerResponse, reply: Reply): Promise<void> {
  if (reply.stream) {
    response.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    await reply.stream(response);
    return;
  }
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

/** An error's HTTP status, code and message (SPEC §5). */
function describe(error: unknown): [number, string, string] {
  return error instanceof HttpError ? [error.status, error.code, error.message]
    : error instanceof NotFoundError ? [404, 'not_found', inApiTerms(error.message)]
    : error instanceof InputError ? [400, 'invalid_input', inApiTerms(error.message)]
    : error instanceof ConflictError ? [409, 'conflict', inApiTerms(error.message)]
    : [500, 'internal_error', 'the request failed inside tpt; see the server log'];
}

const statusOf = (error: unknown) => describe(error)[0];

function sendError(response: ServerResponse, error: unknown): void {
  const [status, code, message] = describe(error);
  if (status === 500) process.emitWarning(`tpt serve: ${error instanceof Error ? error.message : String(error)}`);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  send(response, { status, body: { error: { code, message } } });
}
