import { trace, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { tracingObserver } from '../../src/server/tracing.js';

/** The least tracer provider that records what it is told, as an SDK's exporter would. */
function recordingProvider(spans: { name: string; attributes: Record<string, unknown>; ended: boolean }[]): TracerProvider {
  const tracer = {
    startSpan(name: string, options?: { attributes?: Record<string, unknown> }) {
      const span = { name, attributes: { ...options?.attributes }, ended: false };
      spans.push(span);
      const api = {
        updateName: (next: string) => ((span.name = next), api),
        setAttribute: (key: string, value: unknown) => ((span.attributes[key] = value), api),
        setStatus: () => api,
        end: () => void (span.ended = true),
      };
      return api as unknown as Span;
    },
  } as unknown as Tracer;
  return { getTracer: () => tracer };
}

afterEach(() => trace.disable());

describe('traces of tpt serve', () => {
  it('cost nothing and fail nothing without an SDK (the API alone is a no-op)', () => {
    const end = tracingObserver().begin('GET');
    expect(() => end({ route: '/api/v1/sessions/{client_id}', status: 200 })).not.toThrow();
  });

  it('with an SDK installed: a span per request, named by method and route template, never a path', () => {
    const spans: { name: string; attributes: Record<string, unknown>; ended: boolean }[] = [];
    trace.setGlobalTracerProvider(recordingProvider(spans));
    tracingObserver().begin('GET')({ route: '/api/v1/progress/{client_id}', status: 404 });
    expect(spans).toEqual([{
      name: 'GET /api/v1/progress/{client_id}',
      attributes: { 'http.request.method': 'GET', 'http.route': '/api/v1/progress/{client_id}', 'http.response.status_code': 404 },
      ended: true,
    }]);
  });
});
