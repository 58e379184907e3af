import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '../helpers.js';

/**
 * state-races.test.ts on PostgreSQL (issue 22): two tpt processes on one database, through
 * TPT_DATABASE_URL, change one session at once, or create one id at once. The test holds the
 * sessions table in EXCLUSIVE mode while both start, which lets them read but not lock or insert
 * a row, and lets go only once the server reports both waiting for a lock: a command that read
 * the state (or found the id free) before it locked has read it by then, so the race is certain.
 * With the checks on locked rows and the id a unique key, exactly one wins, every round.
 * It runs in the `e2e-pg` project, whose test server it needs; elsewhere (the `tpt` project) it skips.
 */
const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const ROUNDS = 3;

describe.runIf(inject('postgres'))('races on PostgreSQL', () => {
  let box: Sandbox;
  beforeAll(() => {
    box = new Sandbox({ engine: 'postgres' });
    box.spawnOk(['init']);
    box.spawnOk(['log-session', '--client', 'c1', '--id', 'seed', '--summary', 'a', '--mood', 'neutral']);
  });
  afterAll(() => box?.cleanup());

  interface Exit { code: number | null; stderr: string }

  function start(args: string[]): Promise<Exit> {
    const child = spawn(process.execPath, [BIN, ...args], { env: box.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  }

  /** Runs both commands while the sessions table is held; lets go once both wait for a lock. */
  async function race(first: string[], second: string[]): Promise<Exit[]> {
    const holder = new pg.Client({ connectionString: box.postgres!.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE sessions IN EXCLUSIVE MODE');
      const exits = Promise.all([start(first), start(second)]);
      const deadline = Date.now() + 20_000;
      for (;;) {
        // The server's activity is read once per transaction unless its snapshot is cleared.
        await holder.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await holder.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`);
        if (rows[0]!.n >= 2) break;
        if (Date.now() > deadline) throw new Error('the two commands never waited for a lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await holder.query('COMMIT');
      return await exits;
    } finally {
      await holder.end();
    }
  }

  async function logSession(id: string): Promise<void> {
    const exit = await start(['log-session', '--client', 'c1', '--id', id, '--summary', 'a', '--mood', 'neutral']);
    expect(exit.code, exit.stderr).toBe(0);
  }

  function stateOf(id: string): { signed_at: string | null; voided_at: string | null; actions: string[] } {
    const show = JSON.parse(box.spawnOk(['--json', 'session', 'show', id])) as { signed_at: string | null; voided_at: string | null };
    const audit = JSON.parse(box.spawnOk(['--json', 'audit', 'c1'])) as { action: string; object_id: string | null }[];
    return {
      signed_at: show.signed_at,
      voided_at: show.voided_at,
      actions: audit.filter((entry) => entry.object_id === id && /^session\.(void|sign)$/.test(entry.action)).map((entry) => entry.action),
    };
  }

  function oneWon(exits: Exit[]): Exit {
    expect(exits.map((exit) => exit.code).sort(), JSON.stringify(exits)).toEqual([0, 1]);
    return exits.find((exit) => exit.code !== 0)!;
  }

  it('a void and a signature at once: one wins, the other is refused, never both, every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `vs${round}`;
      await logSession(id);
      const loser = oneWon(await race(['session', 'void', id, '--reason', 'wrong client'], ['session', 'sign', id]));
      expect(loser.stderr).toMatch(/is signed and cannot be voided|is voided: restore it before signing/);
      const state = stateOf(id);
      expect(state.signed_at === null || state.voided_at === null).toBe(true);
      expect(state.actions).toHaveLength(1);
    }
  }, 120_000);

  it('two voids at once: one is recorded, the other is told it is voided already, every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `vv${round}`;
      await logSession(id);
      expect(oneWon(await race(['session', 'void', id, '--reason', 'one'], ['session', 'void', id, '--reason', 'two'])).stderr)
        .toMatch(/is voided already/);
      expect(stateOf(id).actions).toEqual(['session.void']);
    }
  }, 120_000);

  it('two signatures at once: one is recorded, the other is told it was signed already, every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `ss${round}`;
      await logSession(id);
      expect(oneWon(await race(['session', 'sign', id], ['session', 'sign', id])).stderr).toMatch(/was signed already/);
      expect(stateOf(id).actions).toEqual(['session.sign']);
    }
  }, 120_000);

  it('two sessions logged with one id at once: one is kept, the other is told the id is taken, every round', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const id = `new${round}`;
      const log = (summary: string) => ['log-session', '--client', 'c1', '--id', id, '--summary', summary, '--mood', 'neutral'];
      expect(oneWon(await race(log('first'), log('second'))).stderr).toMatch(new RegExp(`a session with id "${id}" already exists`));
      const show = JSON.parse(box.spawnOk(['--json', 'session', 'show', id])) as { conversation_summary: string };
      expect(['first', 'second']).toContain(show.conversation_summary);
      const logged = (JSON.parse(box.spawnOk(['--json', 'audit', 'c1'])) as { action: string; object_id: string | null }[])
        .filter((entry) => entry.object_id === id && entry.action === 'session.create');
      expect(logged).toHaveLength(1);
    }
  }, 120_000);
});
