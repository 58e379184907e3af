import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import type { Database } from '../../src/db/driver.js';
import { readKeyFile } from '../../src/db/key-file.js';
import { Sandbox } from '../helpers.js';

/**
 * Two processes change the state of one session at once (issue 22). The test holds the database's
 * write lock while both start, and lets go only once both wait for it inside SQLite's busy handler:
 * a command that read the state before taking the lock has read it by then, so both act on the
 * same old state and the race is certain, not a matter of luck. With the checks inside the
 * write's transaction, the second to get the lock sees the first's change and refuses.
 */
const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
  box.spawnOk(['init']);
  box.spawnOk(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'a', '--mood', 'neutral']);
});
afterEach(() => box.cleanup());

interface Exit { code: number | null; stderr: string }

function start(args: string[]): { pid: number; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { env: box.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return { pid: child.pid!, exit: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr }))) };
}

/**
 * Whether the process waits for the write lock: SQLite's busy handler sleeps in a timed sleep
 * between its retries; the store port (src/db/engine.ts) retries BEGIN IMMEDIATE between turns
 * of the event loop instead, so it waits in epoll with the database open (Linux's /proc).
 */
function inLockWait(pid: number): boolean {
  try {
    const wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8');
    if (wchan === 'hrtimer_nanosleep') return true;
    return wchan === 'do_epoll_wait' && readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === box.dbPath;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * Both commands wait for the lock: each seen so at least once, then half a second more (a command
 * also passes through epoll with the file open while it loads its modules, never for that long;
 * the port's retries wake it briefly between its waits, so the two are not seen so at one instant).
 */
async function bothWaiting(pids: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  const seen = new Set<number>();
  while (seen.size < pids.length) {
    if (Date.now() > deadline) throw new Error('the two commands never waited for the write lock');
    for (const pid of pids) if (inLockWait(pid)) seen.add(pid);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}

async function race(first: string[], second: string[]): Promise<Exit[]> {
  const holder: Database = openDatabase(box.dbPath, readKeyFile(box.keyPath));
  try {
    holder.exec('BEGIN IMMEDIATE');
    const a = start(first);
    const b = start(second);
    await bothWaiting([a.pid, b.pid]);
    holder.exec('COMMIT');
    return await Promise.all([a.exit, b.exit]);
  } finally {
    holder.close();
  }
}

function stateOf(): { signed_at: string | null; voided_at: string | null; actions: string[] } {
  const show = JSON.parse(box.spawnOk(['--json', 'session', 'show', 's1'])) as { signed_at: string | null; voided_at: string | null };
  const audit = JSON.parse(box.spawnOk(['--json', 'audit', 'c1'])) as { action: string; object_id: string | null }[];
  return {
    signed_at: show.signed_at,
    voided_at: show.voided_at,
    actions: audit.filter((entry) => entry.object_id === 's1' && /^session\.(void|sign)$/.test(entry.action)).map((entry) => entry.action),
  };
}

const onLinux = process.platform === 'linux';

it.runIf(onLinux)('a void and a signature at once: one wins, the other is refused, never both', async () => {
  const exits = await race(['session', 'void', 's1', '--reason', 'wrong client'], ['session', 'sign', 's1']);
  expect(exits.map((exit) => exit.code).sort(), JSON.stringify(exits)).toEqual([0, 1]);
  const loser = exits.find((exit) => exit.code !== 0)!;
  expect(loser.stderr).toMatch(/is signed and cannot be voided|is voided: restore it before signing/);
  const state = stateOf();
  expect(state.signed_at === null || state.voided_at === null).toBe(true);
  expect(state.actions).toHaveLength(1);
}, 60_000);

it.runIf(onLinux)('two voids at once: one is recorded, the other is told it is voided already', async () => {
  const exits = await race(['session', 'void', 's1', '--reason', 'one'], ['session', 'void', 's1', '--reason', 'two']);
  expect(exits.map((exit) => exit.code).sort(), JSON.stringify(exits)).toEqual([0, 1]);
  expect(exits.find((exit) => exit.code !== 0)!.stderr).toMatch(/is voided already/);
  expect(stateOf().actions).toEqual(['session.void']);
}, 60_000);

it.runIf(onLinux)('two signatures at once: one is recorded, the other is told it was signed already', async () => {
  const exits = await race(['session', 'sign', 's1'], ['session', 'sign', 's1']);
  expect(exits.map((exit) => exit.code).sort(), JSON.stringify(exits)).toEqual([0, 1]);
  expect(exits.find((exit) => exit.code !== 0)!.stderr).toMatch(/was signed already/);
  expect(stateOf().actions).toEqual(['session.sign']);
}, 60_000);
