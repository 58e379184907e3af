import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { call, startServer, type RunningServer } from '../server.js';

/**
 * Defect 14: GET /api/v1/export/{client} built the whole document in one turn of the event loop
 * (88 MB for 200,000 sessions), and every other request, /health included, waited for it.
 */

const SESSIONS = 25_000;
let box: Sandbox;
let server: RunningServer;
let token = '';

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  expect(box.spawn(['log-session', '--client', 'big', '--id', 'seed', '--summary', 'seed', '--mood', '0', '--at', '2020-01-01T00:00:00Z']).code).toBe(0);
  const doc = JSON.parse(box.spawn(['--json', 'export', 'big']).stdout);
  const template = doc.clients[0].sessions[0];
  const start = Date.parse('2020-01-02T00:00:00Z');
  doc.clients[0].sessions = Array.from({ length: SESSIONS }, (_, i) => ({
    ...template,
    session_id: `s${i}`,
    timestamp: new Date(start + i * 3_600_000).toISOString(),
    conversation_summary: `Session ${i}: a summary long enough to weigh something in the document, as real ones do.`,
  }));
  const file = join(box.home, 'big.json');
  writeFileSync(file, JSON.stringify(doc));
  const imported = box.spawn(['import', file]);
  expect(imported.code, imported.stderr).toBe(0);
  token = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'admin', '--scope', 'admin']).stdout).token;
  server = await startServer(box);
}, 120_000);

afterAll(async () => {
  await server.stop();
  box.cleanup();
});

describe('GET /api/v1/export/{client} of a large client', () => {
  it('streams: /health answers at once while a slow client reads the export, and the document is whole', async () => {
    const { port } = server;
    // How long the whole export takes when read at full speed: before the fix, a request that
    // came in meanwhile waited for most of it.
    const fullStart = performance.now();
    const full = await call(port, 'GET', '/api/v1/export/big', { token });
    const fullTime = performance.now() - fullStart;
    expect(full.body.clients[0].sessions).toHaveLength(SESSIONS + 1);
    let text = '';
    let paused!: () => void;
    const firstBytes = new Promise<void>((resolve) => (paused = resolve));
    let resume!: () => void;
    const done = new Promise<void>((resolve, reject) => {
      const outgoing = request({ host: '127.0.0.1', port, path: '/api/v1/export/big', headers: { Authorization: `Bearer ${token}`, Host: '127.0.0.1' } }, (response) => {
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-length']).toBeUndefined();
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
          if (resume === undefined) {
            response.pause();
            resume = () => response.resume();
            paused();
          }
        });
        response.on('end', resolve);
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    await firstBytes;
    // The export is under way and its reader has stopped reading: the service still answers.
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      expect((await call(port, 'GET', '/health', { headers: { Connection: 'close' } })).status).toBe(200);
      latencies.push(performance.now() - started);
    }
    const written = await call(port, 'POST', '/api/v1/sessions', {
      token, body: { client_id: 'big', session_id: 'during', conversation_summary: 'x', emotional_state: 'neutral' },
    });
    expect(written.status).toBe(201);
    expect(Math.max(...latencies), `health took ${latencies.map(Math.round)} ms; the whole export ${Math.round(fullTime)} ms`)
      .toBeLessThan(fullTime / 3);
    resume();
    await done;
    const exported = JSON.parse(text);
    // One snapshot: the session written during the export is not in it.
    expect(exported.clients[0].sessions).toHaveLength(SESSIONS + 1);
    expect(exported.clients[0].sessions.some((s: { session_id: string }) => s.session_id === 'during')).toBe(false);
  }, 60_000);
});
