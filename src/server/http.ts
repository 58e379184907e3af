import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { ConflictError, InputError, NotFoundError } from '../core/errors.js';
import { appendAudit, takeUnloggedPortReads } from '../core/audit.js';
import type { Writable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RecordStore } from '../store/port.js';
import { inApiTerms } from './api-terms.js';
import { actorOf, bearerOf, callerMay, resolveCaller, scopeRefusal, type Caller } from './callers.js';
import { RefusalAudit, RefusalLimiter, type RefusalVerdict } from './rate-limit.js';
import { acceptedQuery, fastifyPath, paramNames, ROUTES, type Reply, type RequestContext, type Route } from './routes.js';
import { HEALTH_SCHEMA, routeSchema, SWAGGER_OPTIONS } from './api-schemas.js';
import type { RequestObserver } from './observer.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ServeOptions {
  host: string;
  port: number;
  tls?: { cert: Buffer; key: Buffer };
  now: () => Date;
  /**
   * The store that answers streamed over many turns of the event loop read from, in one read
   * transaction each (an export): on SQLite a second, read-only connection, so that the main one
   * keeps serving meanwhile; on PostgreSQL the records themselves (each transaction takes a
   * connection of the pool). Opened at the first such answer, closed with the service.
   */
  openReader?: () => RecordStore;
  /** Told of each request and its answer (src/server/metrics.ts): metrics and traces. */
  observer?: RequestObserver;
  /** The access log (src/server/http.ts, accessLogger): JSON lines on stderr at `info` unless told otherwise; false for none. */
  log?: false | { level?: string; stream?: Writable };
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
 * The request's target as the service routes it (the path as WHATWG URL normalises it, and the
 * query) and the host it is addressed to. A target in absolute form (`GET http://example.com/health`,
 * as sent to proxies) names its host itself, which then counts instead of the Host header
 * (RFC 9112 §3.2.2); any other form than these two is refused.
 */
function target(request: IncomingMessage): { path: string; search: string; host: string } | HttpError {
  const raw = request.url ?? '/';
  if (raw.startsWith('/')) {
    const url = new URL(raw, 'http://localhost');
    return { path: url.pathname, search: url.search, host: hostName(request.headers.host) };
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return new HttpError(400, 'invalid_target', 'the request target must be a path such as /api/v1/sessions/c42');
  }
  return { path: url.pathname, search: url.search, host: hostName(url.host) };
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The HTTP face of the core, on Fastify: routing (ROUTES, each with its scope and schemas),
 * authentication, JSON in and out, errors as SPEC §5. Every route reads and writes through
 * `records`, the store port, whichever engine holds them. Returns the node:http(s) server that
 * Fastify serves on, made here with the service's limits; `tpt serve` listens and closes it.
 */
export function createApiServer(records: RecordStore, options: ServeOptions): Server {
  return buildService(records, options).server;
}

/** The OpenAPI document the service serves, without a service (for tests and tools: src/server/openapi.ts). */
export async function describeApi(): Promise<Record<string, unknown>> {
  const app = await buildService({} as RecordStore, { host: '127.0.0.1', port: 0, now: () => new Date(), log: false }).booted;
  const document = app.swagger() as unknown as Record<string, unknown>;
  await app.close();
  return document;
}

function buildService(records: RecordStore, options: ServeOptions) {
  const loopback = isLoopback(options.host);
  /** Each request's caller once it is known (for the audit entry of a refusal), and its target. */
  const callers = new WeakMap<IncomingMessage, Caller>();
  const targets = new WeakMap<IncomingMessage, { path: string; search: string; host: string } | HttpError>();
  const limiter = new RefusalLimiter();
  const refusals = new RefusalAudit();
  /** The route template each request matched, and the error it failed with, for the observer and the log. */
  const routeOf = new WeakMap<IncomingMessage, string>();
  const failureOf = new WeakMap<IncomingMessage, unknown>();

  // A client that sends its request slowly (or never finishes it) holds a connection: its
  // headers get 10 s and the whole request 30 s, then the connection is closed. Node checks these
  // every connectionsCheckingInterval (30 s by default: the cut came after 16 s and ~60 s).
  const limits = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 500 };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key, ...limits }, (request, response) => accept(request, response))
    : createHttpServer(limits, (request, response) => accept(request, response));
  let routed: (request: IncomingMessage, response: ServerResponse) => void = () => undefined;
  let app: FastifyInstance | undefined;
  // Fastify and its plugins load when the service starts (bundle/fastify.cjs, which no other run
  // reads); requests that come before it is ready wait for it.
  let ready = false;
  const booted = start().then((started) => {
    app = started;
    ready = true;
    return started;
  });
  booted.catch((error: unknown) => process.emitWarning(`tpt serve: the HTTP service did not start: ${errorClass(error)}: ${(error as Error).message}`));
  async function start(): Promise<FastifyInstance> {
    const [{ default: Fastify, LogController }, { default: swagger }] = await Promise.all([import('fastify'), import('@fastify/swagger')]);
    const app = Fastify({
      // The server is made here, not by Fastify, so that `tpt serve` keeps listening on and closing
      // a plain node:http(s) server; Fastify routes its requests (`routed`, once it is ready).
      serverFactory: (handler) => {
        routed = handler;
        return server;
      },
      logger: accessLogger(options.log),
      // The log has one line per answer, written by `answered` below: method, route template,
      // status, time; Fastify's own lines would carry the path, which may hold a client id.
      logController: new LogController({ disableRequestLogging: true }),
      // A HEAD of a GET route is no route of the service (it never was).
      exposeHeadRoutes: false,
      // Ids are checked by the core (a long one is a 400 that says so, not a 404).
      routerOptions: { maxParamLength: 16_384 },
      // Routing reads the path as WHATWG URL normalises it (`/a/../b` is `/b`, `%2e%2e` is `..`),
      // as the service always has; a target in absolute form is routed by its path.
      rewriteUrl: (request) => {
        const found = target(request);
        targets.set(request, found);
        return found instanceof HttpError ? '/' : `${found.path}${found.search}`;
      },
      // A path that is not valid percent-encoding (find-my-way decodes the parameters): refused
      // as the route would refuse it, once the address and the caller are checked.
      frameworkErrors: (error, request, reply) => {
        const raw = request.raw;
        void (async () => {
          let failure: unknown = error;
          try {
            const found = addressed(raw);
            const caller = await resolveCaller(records, bearerOf(request.headers.authorization));
            if (caller) callers.set(raw, caller);
            if (error.code === 'FST_ERR_BAD_URL') failure = new HttpError(400, 'invalid_path', `the path ${found.path} is not valid percent-encoding`);
          } catch (refusal) {
            failure = refusal;
          }
          await refuse(failure, raw, reply);
        })();
      },
    });
    // Bodies are read by the routes themselves (readJson, or the ingest stream), after the caller
    // is checked and with the service's own limits and messages; Fastify parses none.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    // The schemas of the routes describe them (OpenAPI); the core validates every input with the
    // zod schemas they come from (src/core/schemas.ts), in the write's own transaction, and its
    // messages are the service's. Answers are written as given: a serializer compiled from a
    // response schema would drop the fields it does not name.
    app.setValidatorCompiler(() => () => true);
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));

    app.addHook('onRequest', async (request, reply) => {
      const raw = request.raw;
      const found = addressed(raw);
      if (found.path === '/health') return;
      // The caller is known before the route is, so even a refusal names a valid token's holder.
      const caller = await resolveCaller(records, bearerOf(request.headers.authorization));
      if (caller) callers.set(raw, caller);
      const route = (request.routeOptions.config as { route?: Route }).route;
      if (!route) return; // the not-found handler answers
      routeOf.set(raw, route.template);
      if (!caller) {
        reply.header('WWW-Authenticate', 'Bearer');
        throw new HttpError(401, 'unauthorized', 'give a valid token as "Authorization: Bearer <token>" (see `tpt token create`)');
      }
      if (!callerMay(caller, route.scope)) {
        throw new HttpError(403, 'forbidden_scope', scopeRefusal(caller, route.scope, `${raw.method} ${found.path}`));
      }
    });

    // Stopping: an answer under way ends its connection, so that the client's next request goes to
    // a new one (refused: the service listens no more) instead of waiting on this one.
    app.addHook('onSend', async (_request, reply) => {
      if (!server.listening) reply.header('Connection', 'close');
    });
    // The description is written from the routes' schemas as they are registered (after swagger).
    let described: unknown;
    const openapi = () => (described ??= app.swagger());
    void app.register(swagger, SWAGGER_OPTIONS);
    void app.register(async (api) => {
      api.get('/health', { schema: HEALTH_SCHEMA }, async (request, reply) => {
        routeOf.set(request.raw, '/health');
        return send(reply, { status: 200, body: { status: 'ok' } });
      });
      for (const route of ROUTES) {
        const handler = async (request: FastifyRequest, reply: FastifyReply) => {
          const raw = request.raw;
          const found = targets.get(raw) as { path: string; search: string };
          const caller = callers.get(raw)!;
          const params = paramNames(route.template).map((name) => (request.params as Record<string, string>)[name]!);
          const streamed = route.streamsBody === true;
          const body = !streamed && (raw.method === 'POST' || raw.method === 'PUT') ? await readJson(raw) : undefined;
          const context: RequestContext = {
            records,
            withReader,
            params,
            query: acceptedQuery(route, new URLSearchParams(found.search)),
            body,
            input: streamed ? raw : undefined,
            caller,
            who: { actor: actorOf(caller), now: options.now() },
            openapi,
          };
          const answer = await route.handle(context);
          for (const entry of takeUnloggedPortReads(records)) {
            process.emitWarning(`tpt serve: the database cannot take writes, so this read is not in the audit log: ${entry.action} ${entry.client_id ?? ''} by ${entry.actor} at ${entry.at}`);
          }
          try {
            await send(reply, answer);
          } catch (error) {
            // A streamed answer that failed once begun (the client went away): audited, and its connection cut.
            if (!reply.raw.headersSent) throw error;
            await refuse(error, raw, reply);
          }
        };
        // `/api/v1/sessions/c42/` is the same route (it always was); only the first is documented.
        for (const [url, hide] of [[fastifyPath(route.template), false], [`${fastifyPath(route.template)}/`, true]] as const) {
          api.route({ method: route.method as 'GET', url, handler, config: { route } as object, schema: hide ? { hide: true } : routeSchema(route.method, route.template) });
        }
      }
    });

    app.setNotFoundHandler(async (request) => {
      const found = targets.get(request.raw) as { path: string };
      if (found.path === '/health') {
        routeOf.set(request.raw, '/health');
        throw new HttpError(404, 'not_found', 'use GET /health');
      }
      throw new HttpError(404, 'not_found', `no route ${request.raw.method} ${found.path}: see GET /api/v1/openapi.json`);
    });

    app.setErrorHandler(async (error, request, reply) => {
      await refuse(error, request.raw, reply);
    });
    await app.ready();
    return app;
  }

  /**
   * The request's target, once it is known to be addressed to this service. A page in a browser
   * can reach a loopback port through a DNS name it controls (DNS rebinding); its requests then
   * carry that name as Host, so only loopback names are served. Two Host headers name two hosts;
   * node:http keeps the first without a word (RFC 9112 §3.2: 400).
   */
  function addressed(raw: IncomingMessage): { path: string; search: string; host: string } {
    if (raw.rawHeaders.filter((value, index) => index % 2 === 0 && /^host$/i.test(value)).length > 1) {
      throw new HttpError(400, 'invalid_host', 'the request has more than one Host header: send one');
    }
    const found = targets.get(raw) ?? target(raw);
    if (found instanceof HttpError) throw found;
    if (loopback && !isLoopback(found.host)) {
      throw new HttpError(403, 'forbidden_host', 'this service answers only requests addressed to a loopback name (localhost, 127.0.0.1, [::1])');
    }
    return found;
  }

  function accept(request: IncomingMessage, response: ServerResponse): void {
    const end = options.observer?.begin(request.method ?? 'GET');
    const started = process.hrtime.bigint();
    response.once('close', () => {
      const route = routeOf.get(request) ?? 'unmatched';
      end?.({ route, status: response.statusCode, error: failureOf.get(request) });
      answered(request, route, response.statusCode, started);
    });
    // Stopping (`tpt serve` closed the server on SIGTERM): requests under way finish, a new one
    // on a connection kept alive is refused, and its connection closed.
    if (!server.listening) {
      const text = JSON.stringify({ error: { code: 'unavailable', message: 'the service is stopping: send the request again when it is back' } });
      response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close', 'Cache-Control': 'no-store' });
      response.end(text);
      return;
    }
    if (ready) routed(request, response);
    else void booted.then(() => routed(request, response), () => response.destroy());
  }

  /** The access log's line for an answer: nothing of the request's path, query or body. */
  function answered(request: IncomingMessage, route: string, status: number, started: bigint): void {
    const caller = callers.get(request);
    const failure = failureOf.get(request);
    app?.log.info({
      method: request.method, route, status, ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
      ...(caller ? { caller: actorOf(caller) } : {}),
      ...(status >= 500 && failure ? { error: errorClass(failure) } : {}),
    }, 'answered');
  }

  /** Answers a request that failed: limited, audited, and told as SPEC §5 says. */
  async function refuse(failure: unknown, raw: IncomingMessage, reply: FastifyReply): Promise<void> {
    failureOf.set(raw, failure);
    const error = fromFastify(failure);
    const limited = callers.has(raw) ? error : limitRefusal(raw, reply, error);
    await auditRefusal(raw, limited);
    // A body left unread (refused before it was read, or too large) cannot be skipped
    // reliably: the connection ends with this answer instead of serving another request.
    if (!raw.complete) reply.header('Connection', 'close');
    const [status, code, message] = describe(limited);
    if (status === 500) process.emitWarning(`tpt serve: ${failure instanceof Error ? failure.message : String(failure)}`);
    if (reply.sent || raw.socket?.destroyed || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    await send(reply, { status, body: { error: { code, message } } });
  }

  /**
   * Refusals of callers without a valid token are limited per address (RefusalLimiter): past
   * the limit the answer is 429 (logged as any refusal of theirs is: RefusalAudit).
   */
  function limitRefusal(request: IncomingMessage, reply: FastifyReply, error: unknown): unknown {
    if (error instanceof HttpError && error.code === 'forbidden_host') return error;
    const address = request.socket.remoteAddress ?? 'unknown';
    const verdict = limiter.take(address, Date.now());
    if (verdict === 'allowed') return error;
    const wait = limiter.retryAfter(address);
    reply.header('Retry-After', String(wait));
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
    const who = { actor: caller ? actorOf(caller) : 'api:unauthenticated', now: options.now() };
    const found = targets.get(request);
    const path = found && !(found instanceof HttpError) ? found.path : new URL(request.url ?? '/', 'http://localhost').pathname;
    const action = `api ${request.method ?? ''} ${path}`.slice(0, 200);
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

  /**
   * Large answers (an export) stream from the reader, one at a time: its snapshot stays open
   * while the answer is written, and the main connection keeps serving other requests meanwhile.
   */
  let reader: RecordStore | undefined;
  let readerQueue: Promise<unknown> = Promise.resolve();
  function withReader<T>(use: (reader: RecordStore) => Promise<T>): Promise<T> {
    const turn = readerQueue.then(() => use(reader ??= options.openReader?.() ?? records));
    readerQueue = turn.catch(() => undefined);
    return turn;
  }

  // What `tpt serve` waits for before it closes the records: the last refusals' entry is
  // written, and the reader closed (a reader that is the records themselves is left to the caller).
  let closing: Promise<void> = Promise.resolve();
  server.on('close', () => {
    const pending = refusals.pending();
    closing = (async () => {
      if (pending) {
        try {
          await records.write((tx) => appendAudit(tx, unloggedEntry(pending), { actor: 'api:unauthenticated', now: options.now() }));
        } catch {
          // stopping: the entry is lost with the service, not the records
        }
      }
      await readerQueue;
      if (reader && reader !== records) await reader.close().catch(() => undefined);
      await app?.close().catch(() => undefined);
    })();
  });
  closedWork.set(server, () => closing);
  return { server, booted };
}

/**
 * The access log: JSON lines on stderr (or `log.stream`), one per answer; never a path, a query,
 * a body or a header's value, which may hold a client id or a client's words.
 */
function accessLogger(log: ServeOptions['log']) {
  if (log === false) return false;
  return {
    level: log?.level ?? 'info',
    base: null,
    ...(log?.stream ? { stream: log.stream } : { stream: process.stderr }),
  };
}

/** What the log says of an error: its class and code, never its message. */
function errorClass(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return `${error instanceof Error ? error.name : typeof error}${typeof code === 'string' ? ` ${code}` : ''}`;
}

/** Fastify's own refusals in the service's terms. */
function fromFastify(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new HttpError(415, 'unsupported_media_type', 'send the body as JSON, with "Content-Type: application/json"');
  }
  return error;
}

const closedWork = new WeakMap<Server, () => Promise<void>>();

/** Resolves when a service that was closed has finished its last writes (call after 'close'). */
export function afterClose(server: Server): Promise<void> {
  return closedWork.get(server)?.() ?? Promise.resolve();
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

async function send(reply: FastifyReply, answer: Reply): Promise<void> {
  if (answer.stream) {
    // Written by the route itself, a piece at a time, straight to the socket.
    reply.hijack();
    const response = reply.raw;
    response.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    await answer.stream(response);
    return;
  }
  await reply
    .code(answer.status)
    .header('Content-Type', 'application/json; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify(answer.body));
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
