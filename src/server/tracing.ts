import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestObserver } from './observer.js';

/**
 * A span per request through @opentelemetry/api: without an OpenTelemetry SDK installed by the
 * host process (`node --import ./otel.mjs bin/tpt.js serve`), the API's tracer is a no-op and this
 * costs next to nothing. A span is named and labelled like the metrics: method, route template,
 * status; never a path, a client id or a text.
 */
export function tracingObserver(): RequestObserver {
  const tracer = trace.getTracer('tpt');
  return {
    begin(method) {
      const span = tracer.startSpan(`${method}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } });
      return ({ route, status }) => {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
    },
  };
}
