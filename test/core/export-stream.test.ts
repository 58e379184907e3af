import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';
import { writeFile } from './import-fixture.js';

/** A stdout that asks for a pause after every write and drains a moment later. */
class SlowStdout extends EventEmitter {
  isTTY = false;
  text = '';
  writes = 0;
  private waiting = false;
  writesWhileWaiting = 0;

  write(chunk: string): boolean {
    if (this.waiting) this.writesWhileWaiting++;
    this.text += chunk;
    this.writes++;
    this.waiting = true;
    setImmediate(() => {
      this.waiting = false;
      this.emit('drain');
    });
    return false;
  }
}

function captured(isTTY: boolean) {
  const stream = { text: '', isTTY, write(chunk: string) { stream.text += chunk; return true; } };
  return stream;
}

const SESSIONS = 400;

let box: Sandbox;
beforeEach(async () => {
  box = new Sandbox();
  expect((await box.run(['init'])).code).toBe(0);
  const sessions = Array.from({ length: SESSIONS }, (_, i) => ({
    session_id: `s${String(i).padStart(4, '0')}`, client_id: 'c1',
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    conversation_summary: `Session ${i}: ${'talked about the week; '.repeat(8)}`.trim(), emotional_state: 'neutral',
  }));
  const doc = { format: 'tpt-export', version: 1, exported_at: '2026-03-01T00:00:00.000Z', clients: [{ client_id: 'c1', sessions }] };
  const result = await box.run(['import', writeFile(box, 'seed.json', JSON.stringify(doc))]);
  expect(result.code, result.stderr).toBe(0);
});
afterEach(() => box.cleanup());

async function runTpt(args: string[], stdout: SlowStdout, stderr: ReturnType<typeof captured>): Promise<number> {
  return main(['node', 'tpt', ...args], { stdin: new PassThrough(), stdout, stderr, env: box.env });
}

describe('tpt export streaming', () => {
  it('waits for the output to drain before writing more (backpressure)', async () => {
    const stdout = new SlowStdout();
    const stderr = captured(false);
    expect(await runTpt(['export', 'c1'], stdout, stderr)).toBe(0);
    // 400 sessions of ~500 bytes are ~200 KB: more than one 64 KB piece.
    expect(stdout.writes).toBeGreaterThan(2);
    expect(stdout.writesWhileWaiting).toBe(0);
    const doc = JSON.parse(stdout.text) as { clients: { sessions: unknown[] }[] };
    expect(doc.clients[0]!.sessions).toHaveLength(SESSIONS);
    expect(stderr.text).toBe('');
  });

  it('shows a progress bar on a terminal stderr, and none with --no-input', async () => {
    const stderr = captured(true);
    expect(await runTpt(['export', 'c1', '--format', 'csv'], new SlowStdout(), stderr)).toBe(0);
    expect(stderr.text).toMatch(/exporting .* 100% 400\/400 sessions\n$/);
    const quiet = captured(true);
    expect(await runTpt(['--no-input', 'export', 'c1'], new SlowStdout(), quiet)).toBe(0);
    expect(quiet.text).toBe('');
  });
});

describe('tpt import progress', () => {
  it('shows the share of the file read on a terminal stderr only', async () => {
    const file = writeFile(box, 'again.json', JSON.stringify({ format: 'tpt-export', version: 1, exported_at: '2026-03-01T00:00:00.000Z', clients: [] }));
    const stderr = captured(true);
    expect(await runTpt(['import', file], new SlowStdout(), stderr)).toBe(0);
    expect(stderr.text).toMatch(/^\rimporting █+ 100% 0\.0\/0\.0 MB\n$/);
    const quiet = captured(false);
    expect(await runTpt(['import', file], new SlowStdout(), quiet)).toBe(0);
    expect(quiet.text).toBe('');
  });
});
