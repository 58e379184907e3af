import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { request } from 'node:http';
import type { Sandbox } from './helpers.js';

const BIN = new URL('../bin/tpt.js', import.meta.url).pathname;

/** A running `tpt serve` in a sandbox, on a free loopback port. */
export interface RunningServer {
  process: ChildProcess;
  port: number;
  /** Everything the server wrote to stderr so far. */
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code (null when it had to be killed after `within` ms). */
  stop(within?: number): Promise<number | null>;
}

export async function startServer(box: Sandbox, args: string[] = [], env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: { ...box.env, ...env } });
  let said = '';
  child.stderr!.on('data', (chunk) => (said += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', () => {
      const found = /listening on https?:\/\/[^\s]+:(\d+)/.exec(said);
      if (found) resolve(Number(found[1]));
    });
    child.on('exit', (code) => reject(new Error(`tpt serve exited ${code}: ${said}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    port,
    stderr: () => said,
    async stop(within = 10_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), within).unref());
      const outcome = await Promise.race([exited, timer]);
      if (outcome === 'late') {
        child.kill('SIGKILL');
        await exited;
        return null;
      }
      return outcome;
    },
  };
}

export interface Answer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** One JSON request through node:http. */
export function call(
  port: number,
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; token?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { Host: options.host ?? `127.0.0.1:${port}`, ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (payload !== undefined && !('Content-Type' in headers)) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
      });
    });
    outgoing.on('error', reject);
    if (payload !== undefined) outgoing.write(payload);
    outgoing.end();
  });
}

/**
 * Bytes written straight to the socket, for requests node:http would not send; resolves with
 * the whole answer as text (or what came before the server closed the connection).
 */
export function rawRequest(port: number, text: string | Buffer, options: { keepOpen?: boolean; timeout?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      // One whole answer with a length is enough.
      const head = answer.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(answer.slice(0, head));
      if (head >= 0 && length && answer.length - head - 4 >= Number(length[1])) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve(answer) : reject(error)));
    socket.setTimeout(options.timeout ?? 10_000, () => socket.destroy());
    socket.write(text);
    if (!options.keepOpen) socket.end();
  });
}

/** The status code of a raw answer (0 when there was none). */
export const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
