import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { startServer, type RunningServer } from '../server.js';

/**
 * SIGTERM drains `tpt serve`: a request under way is answered, a new one on a connection kept
 * alive is refused (503, and the connection closed), and the service exits 0.
 */

let box: Sandbox;
let server: RunningServer;
let token = '';

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  token = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'drain', '--scope', 'write']).stdout).token;
  server = await startServer(box);
}, 60_000);
afterAll(async () => {
  await server.stop();
  box.cleanup();
});

/** A request on `agent`; `hold` sends the body's second half only when it resolves. */
function send(agent: Agent, method: string, path: string, body?: string, hold?: Promise<void>) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: any }>((resolve, reject) => {
    const outgoing = request({
      host: '127.0.0.1', port: server.port, method, path, agent,
      headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) },
    }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? JSON.parse(text) : undefined }));
    });
    outgoing.on('error', reject);
    if (!body) {
      outgoing.end();
      return;
    }
    const half = Math.floor(body.length / 2);
    outgoing.write(body.slice(0, half));
    void (hold ?? Promise.resolve()).then(() => outgoing.end(body.slice(half)));
  });
}

describe('tpt serve on SIGTERM', () => {
  it('finishes the request under way, closing its connection, refuses new ones, and exits 0', async () => {
    const busy = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await send(busy, 'GET', '/api/v1/clients')).status).toBe(200);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const session = JSON.stringify({ client_id: 'c1', session_id: 'during-drain', conversation_summary: 'logged while stopping', emotional_state: 'neutral' });
    const underWay = send(busy, 'POST', '/api/v1/sessions', session, held);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = server.stop(10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A new connection is refused: the service listens no more.
    await expect(send(new Agent(), 'GET', '/api/v1/clients')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    const answered = await underWay;
    expect(answered.status).toBe(201);
    expect(answered.headers.connection).toBe('close');
    expect(await exited).toBe(0);
    busy.destroy();
    const listed = JSON.parse(box.spawnOk(['--json', 'sessions', 'c1'])) as { session_id: string }[];
    expect(listed.map((entry) => entry.session_id)).toEqual(['during-drain']);
  }, 30_000);
});
