import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

/** How long requests under way may take to finish once the service is told to stop. */
const STOP_GRACE_MS = 3000;

interface ServeFlags {
  host: string;
  port: string;
  tlsCert?: string;
  tlsKey?: string;
  metricsPort?: string;
}

export function serveCommand(ctx: Context): Command {
  return new Command('serve')
    .description('Serve the HTTP API (loopback only, unless given a TLS certificate)')
    .option('--host <host>', 'the address to bind', '127.0.0.1')
    .option('--port <port>', 'the port (0 picks a free one)', '8001')
    .option('--tls-cert <file>', 'PEM certificate: required to bind anything but loopback')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--metrics-port <port>', 'also serve GET /metrics (Prometheus) on this port, on 127.0.0.1 only')
    .addHelpText('after', examples(
      'tpt token create --name dashboard && tpt serve',
      'curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8001/api/v1/sessions/c42',
      'tpt serve --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem',
      'tpt serve --metrics-port 9464',
    ))
    .action(async (flags: ServeFlags) => {
      const { InputError, TptError } = await import('../core/errors.js');
      const { afterClose, createApiServer, isLoopback } = await import('../server/http.js');
      const port = Number(flags.port);
      if (!/^\d{1,5}$/.test(flags.port) || port > 65535) {
        throw new InputError(`invalid --port "${flags.port}": use a port number from 0 to 65535 (0 picks a free one)`);
      }
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
        throw new InputError('give --tls-cert and --tls-key together');
      }
      if (!isLoopback(flags.host) && flags.tlsCert === undefined) {
        throw new InputError(
          `binding ${flags.host} would send client records over the network in clear text: give --tls-cert and --tls-key, or bind 127.0.0.1`,
        );
      }
      const metricsPort = flags.metricsPort === undefined ? undefined : Number(flags.metricsPort);
      if (flags.metricsPort !== undefined && (!/^\d{1,5}$/.test(flags.metricsPort) || metricsPort! > 65535)) {
        throw new InputError(`invalid --metrics-port "${flags.metricsPort}": use a port number from 0 to 65535 (0 picks a free one)`);
      }
      const tls = flags.tlsCert && flags.tlsKey ? await readTls(flags.tlsCert, flags.tlsKey) : undefined;
      // The records through the store port, on either engine (--database postgres://… or --db).
      const records = await ctx.records();
      // A second, read-only store for streamed exports where the engine has one (SQLite: the main
      // connection keeps serving while an export is written; PostgreSQL's pool does both).
      const bulk = records.bulk;
      const key = ctx.openedKey!.key;
      const reader = bulk ? { openReader: () => bulk.openReader(key) } : {};
      // Traces always (inert without an SDK the host installs); metrics when asked for.
      const metrics = metricsPort === undefined ? undefined : await (await import('../server/metrics.js')).createMetrics(records, () => ctx.now());
      const { observers } = await import('../server/observer.js');
      const { tracingObserver } = await import('../server/tracing.js');
      const server = createApiServer(records, {
        host: flags.host, port, now: () => ctx.now(), ...(tls ? { tls } : {}),
        ...reader,
        observer: observers(tracingObserver(), metrics?.observer),
      });
      if (metrics) await listenForMetrics(metrics, metricsPort!);
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error: NodeJS.ErrnoException) => {
          reject(error.code === 'EADDRINUSE'
            ? new TptError(`port ${port} on ${flags.host} is in use: pick another --port`)
            : error);
        });
        server.listen(port, flags.host, () => {
          const address = server.address();
          const bound = typeof address === 'object' && address ? address.port : port;
          const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
          ctx.note(`tpt serve: listening on ${tls ? 'https' : 'http'}://${host}:${bound} (Ctrl-C to stop)`);
          // Requests under way get a moment to finish; a client that holds a half-sent request
          // open must not keep the service from stopping.
          // The run closes the records after this (the PostgreSQL pool ends): once the service's
          // last writes are done.
          const stop = () => {
            server.close(() => afterClose(server).then(resolve, resolve));
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS).unref();
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      });
    });

  /** GET /metrics on 127.0.0.1 only: the numbers need no token there, and reach no one else. */
  async function listenForMetrics(metrics: import('../server/metrics.js').Metrics, port: number): Promise<void> {
    const { createMetricsServer } = await import('../server/metrics.js');
    const { TptError } = await import('../core/errors.js');
    const server = createMetricsServer(metrics);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(error.code === 'EADDRINUSE' ? new TptError(`port ${port} on 127.0.0.1 is in use: pick another --metrics-port`) : error);
      });
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        ctx.note(`tpt serve: metrics on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/metrics`);
        resolve();
      });
    });
    server.unref();
    process.once('SIGINT', () => server.close());
    process.once('SIGTERM', () => server.close());
  }

  async function readTls(certPath: string, keyPath: string) {
    const { readFileSync } = await import('node:fs');
    const { InputError } = await import('../core/errors.js');
    let files: { cert: Buffer; key: Buffer };
    try {
      files = { cert: readFileSync(certPath), key: readFileSync(keyPath) };
    } catch (error) {
      throw new InputError(`cannot read the TLS files: ${(error as Error).message}`);
    }
    const { createSecureContext } = await import('node:tls');
    try {
      createSecureContext(files);
    } catch (error) {
      throw new InputError(
        `--tls-cert ${certPath} and --tls-key ${keyPath} are not a PEM certificate and its private key (${(error as Error).message})`,
      );
    }
    return files;
  }
}
