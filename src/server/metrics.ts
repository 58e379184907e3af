import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { practiceCounts } from '../core/practice.js';
import type { RecordStore } from '../store/port.js';

/**
 * `tpt serve --metrics-port`: the service's numbers in Prometheus' text format, on an address of
 * their own (loopback only, so no token is needed and none is ever sent to a scraper). No label
 * ever holds a client id or any text of a record: a request is labelled by its route's template
 * (`/api/v1/sessions/{client_id}`), its method and its status. Traces: src/server/tracing.ts.
 */

import type { RequestObserver } from './observer.js';

export interface Metrics {
  observer: RequestObserver;
  registry: Registry;
}

export async function createMetrics(records: RecordStore, now: () => Date): Promise<Metrics> {
  // Loaded here, not with this module: the bundles keep prom-client in a file of its own
  // (scripts/bundle.mjs, VENDORED), read only by a service that serves metrics.
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tpt_process_' });
  const requests = new Counter({
    name: 'tpt_http_requests_total', help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const, registers: [registry],
  });
  const duration = new Histogram({
    name: 'tpt_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route template and method',
    labelNames: ['route', 'method'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'tpt_http_errors_total', help: 'HTTP requests answered with an error, by route template and class (4xx, 5xx)',
    labelNames: ['route', 'class'] as const, registers: [registry],
  });
  const busy = new Counter({
    name: 'tpt_database_busy_total', help: 'Requests that failed because the database stayed locked past its busy timeout (SQLITE_BUSY)',
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'tpt_http_requests_in_flight', help: 'HTTP requests being answered now', registers: [registry] });
  // The practice's numbers, read when scraped (counts only; no labels).
  const practice = (name: string, help: string, pick: (counts: Awaited<ReturnType<typeof practiceCounts>>) => number) => new Gauge<string>({
    name, help, registers: [registry],
    async collect() {
      this.set(pick(await practiceCounts(records, now())));
    },
  });
  practice('tpt_practice_open_risks', 'Risks open across the practice', (counts) => counts.open_risks);
  practice('tpt_practice_sessions_today', 'Sessions dated today (local time) across the practice', (counts) => counts.sessions_today);
  practice('tpt_practice_clients', 'Clients on record', (counts) => counts.clients);

  return {
    registry,
    observer: {
      begin(method) {
        const started = process.hrtime.bigint();
        inFlight.inc();
        return ({ route, status, error }) => {
          inFlight.dec();
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          requests.inc({ route, method, status: String(status) });
          duration.observe({ route, method }, seconds);
          if (status >= 400) errors.inc({ route, class: status >= 500 ? '5xx' : '4xx' });
          if (String((error as { code?: unknown } | undefined)?.code ?? '').startsWith('SQLITE_BUSY')) busy.inc();
        };
      },
    },
  };
}

/** The scrape endpoint: GET /metrics, nothing else. */
export function createMetricsServer(metrics: Metrics): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET /metrics is served here\n');
      return;
    }
    metrics.registry.metrics().then((text) => {
      response.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }).end(text);
    }, (error: Error) => {
      process.emitWarning(`tpt serve: metrics failed: ${error.message}`);
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics failed; see the server log\n');
    });
  });
}
