import { ingestStream } from '../core/ingest.js';
import { InputError } from '../core/errors.js';
import type { Route } from './routes.js';

/**
 * POST /api/v1/ingest: `tpt ingest` over HTTP. The body is NDJSON, read as it arrives; the answer
 * is NDJSON too, one result line per input line, written as each batch is committed (a client
 * sends and reads at once, as curl does). Each batch is one write of its own through the store
 * port, queued with the other requests' transactions, so they are served between batches;
 * --all-or-nothing is the command line's alone, since one transaction over a
 * whole stream would hold every other request's writes.
 */
export const INGEST_ROUTE: Route = {
  method: 'POST',
  template: '/api/v1/ingest',
  pattern: /^\/api\/v1\/ingest\/?$/,
  query: [],
  scope: 'write',
  streamsBody: true,
  handle: ({ records, input, who }) => {
    if (!input) throw new InputError('send the entries as the body, one JSON object a line');
    return {
      status: 200,
      contentType: 'application/x-ndjson; charset=utf-8',
      stream: async (out) => {
        const { writeInTurn } = await import('./routes.js');
        await ingestStream(records, input, { who: () => who, byMachine: true }, (results) => {
          let text = '';
          for (const result of results) text += `${JSON.stringify(result)}\n`;
          return writeInTurn(out, text);
        });
        out.end();
      },
    };
  },
};
