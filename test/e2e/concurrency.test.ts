import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { servedSandbox, type Sandbox } from '../helpers.js';
import { call, type RunningServer } from '../server.js';

/**
 * CONCURRENCY_WRITERS processes × CONCURRENCY_SESSIONS `log-session` each (4 × 4 in `npm test`;
 * the run was 4 × 250), while the HTTP service writes as many sessions at the same time:
 * every write exits 0 or answers 201, none is lost or doubled, and no SQLITE_BUSY reaches anyone.
 */
const WRITERS = Number(process.env.CONCURRENCY_WRITERS ?? 4);
const PER_WRITER = Number(process.env.CONCURRENCY_SESSIONS ?? 4);
const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;

let box: Sandbox;
let server: RunningServer;
let token = '';

beforeAll(async () => {
  ({ box, server, token } = await servedSandbox('writer', 'write'));
  // The client exists before the race: a log-session that makes a new client says so on stderr,
  // and which writer comes first is not what this test is about.
  expect(box.spawn(['goal', 'create', '--client', 'shared', '--description', 'the client of the race']).code).toBe(0);
});
afterAll(async () => {
  await server.stop();
  box.cleanup();
});

function logSession(id: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'log-session', '--client', 'shared', '--id', id, '--summary', id, '--mood', 'neutral'],
      { env: box.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

it(`${WRITERS} processes × ${PER_WRITER} log-session and the HTTP service write at once: nothing lost or doubled`, async () => {
  const writer = async (w: number) => {
    for (let i = 0; i < PER_WRITER; i++) {
      const result = await logSession(`w${w}-${i}`);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
    }
  };
  const http = async () => {
    for (let i = 0; i < WRITERS * PER_WRITER; i++) {
      const answer = await call(server.port, 'POST', '/api/v1/sessions', {
        token, body: { client_id: 'shared', session_id: `h-${i}`, conversation_summary: `h-${i}`, emotional_state: 'neutral' },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    }
  };
  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), http()]);
  expect(server.stderr()).not.toMatch(/SQLITE_BUSY|database is locked/);

  const out = join(box.home, 'all.json');
  expect(box.spawn(['export', 'shared', '--out', out]).code).toBe(0);
  const ids = (JSON.parse(readFileSync(out, 'utf8')).clients[0].sessions as { session_id: string }[]).map((s) => s.session_id);
  const expected = [
    ...Array.from({ length: WRITERS }, (_, w) => Array.from({ length: PER_WRITER }, (_, i) => `w${w}-${i}`)).flat(),
    ...Array.from({ length: WRITERS * PER_WRITER }, (_, i) => `h-${i}`),
  ];
  expect(ids.length).toBe(expected.length);
  expect(new Set(ids)).toEqual(new Set(expected));
  const check = box.spawn(['--json', 'check']);
  expect(check.code, check.stderr).toBe(0);
  expect(JSON.parse(check.stdout).audit.intact).toBe(true);
}, 120_000);
