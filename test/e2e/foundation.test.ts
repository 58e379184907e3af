import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

const SESSION_KEYS = [
  'session_id', 'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score',
  'therapeutic_goals', 'progress_notes', 'therapist_observations', 'next_session_focus',
  'session_duration_minutes', 'techniques_used', 'homework_assigned', 'crisis_flags', 'metadata',
];

describe('tpt init', () => {
  it('creates an encrypted database and a 0600 key file in a 0700 directory, and refuses to overwrite', () => {
    const first = box.spawn(['init']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(box.dbPath);
    expect(first.stdout).toContain(box.keyPath);
    expect(first.stdout).toMatch(/back up the key file apart from the data/i);
    expect(statSync(box.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(box.keyPath, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(box.dbPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(box.keyPath, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(box.raw(box.dbPath).startsWith('SQLite format 3')).toBe(false);
    const keyBefore = readFileSync(box.keyPath, 'utf8');
    const again = box.spawn(['init']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(box.keyPath, 'utf8')).toBe(keyBefore);
  });

  it('locks the database with TPT_PASSPHRASE instead of a key file when one is given', () => {
    const env = { TPT_PASSPHRASE: "correct horse 'battery' staple" };
    expect(box.spawn(['init'], env).code).toBe(0);
    expect(box.spawn(['log-session', '--client', 'c1', '--mood', '1', '--summary', 'ok'], env).code).toBe(0);
    const wrong = box.spawn(['sessions', 'c1'], { TPT_PASSPHRASE: 'wrong' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tpt: cannot unlock the database .*wrong key or passphrase/);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('every command but init and demo', () => {
  it('refuses a database that does not exist yet, exit 1, pointing at tpt init', () => {
    for (const args of [['sessions', 'c1'], ['clients'], ['goal', 'list', 'c1'], ['log-session', '--client', 'c', '--mood', '0', '--summary', 's']]) {
      const result = box.spawn(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/run `tpt init`/);
    }
  });
});

describe('with a database', () => {
  beforeEach(() => {
    expect(box.spawn(['init']).code).toBe(0);
  });

  it('logs a session and shows it back in full, keys in SPEC order', () => {
    const logged = box.spawn([
      '--json', 'log-session', '--client', 'client_123', '--mood', 'positive', '--summary', 'Discussed coping, "quotes", commas',
      '--at', '2026-03-02T10:00', '--duration', '50', '--technique', 'CBT', '--technique', 'breathing',
      '--notes', 'better', '--observations', 'engaged', '--next-focus', 'sleep', '--homework', 'diary',
      '--crisis-flag', 'self_harm_risk', '--meta', 'room=3', '--id', 'ses_one',
    ]);
    expect(logged.code, logged.stderr).toBe(0);
    expect(JSON.parse(logged.stdout)).toEqual({ session_id: 'ses_one' });

    const shown = box.spawn(['--json', 'session', 'show', 'ses_one']);
    const session = JSON.parse(shown.stdout);
    expect(Object.keys(session).slice(0, SESSION_KEYS.length)).toEqual(SESSION_KEYS);
    expect(session).toMatchObject({
      client_id: 'client_123', timestamp: '2026-03-02T09:00:00.000Z', emotional_state: 'positive',
      emotional_score: 1, session_duration_minutes: 50, techniques_used: ['CBT', 'breathing'],
      crisis_flags: ['self_harm'] /* a common spelling, stored as the vocabulary's word */, metadata: { room: '3' }, conversation_summary: 'Discussed coping, "quotes", commas',
    });

    const table = box.spawn(['sessions', 'client_123']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('ses_one');
    expect(table.stdout).toContain('2026-03-02 10:00');
    expect(table.stdout).toContain('⚠ self_harm');
  });

  it('creates, updates, lists and shows goals and milestones, and sums them up per client', () => {
    // The real clock: a target is never before the day the goal is set, so it lies well ahead.
    const created = box.spawn(['--json', 'goal', 'create', '--client', 'c9', '--description', 'Sleep 7h', '--target', '2036-06-30']);
    expect(created.code, created.stderr).toBe(0);
    const { goal_id: goalId } = JSON.parse(created.stdout) as { goal_id: string };
    expect(goalId).toMatch(/^goal_[a-z2-9]{8}$/);
    expect(box.spawn(['goal', 'update', goalId, '--progress', '55', '--note', 'better nights']).code).toBe(0);
    const milestone = box.spawn(['--json', 'milestone', 'add', '--goal', goalId, '--description', 'First good week', '--significance', 'high']); // today: not before its goal
    expect(milestone.code, milestone.stderr).toBe(0);
    const { milestone_id: milestoneId } = JSON.parse(milestone.stdout) as { milestone_id: string };

    const shown = JSON.parse(box.spawn(['--json', 'goal', 'show', goalId]).stdout);
    expect(shown).toMatchObject({ goal_id: goalId, client_id: 'c9', completion_percentage: 55, status: 'active', target_date: '2036-06-30', milestones: [milestoneId] });
    expect(shown.history.map((entry: { completion_percentage: number; note: string; actor: string }) => [entry.completion_percentage, entry.note, entry.actor]))
      .toEqual([[0, 'created', 'tester'], [55, 'better nights', 'tester']]);
    expect(box.spawn(['goal', 'list', 'c9']).stdout).toMatch(new RegExp(`${goalId} .*55%`));
    expect(box.spawn(['milestone', 'list', 'c9']).stdout).toMatch(/\d{4}-\d{2}-\d{2} .*high .*First good week/);
    const clients = JSON.parse(box.spawn(['--json', 'clients']).stdout);
    expect(clients).toMatchObject([{ client_id: 'c9', sessions: 0, active_goals: 1, average_goal_progress: 55 }]);
  });

  it('keeps no client text in the database file, its WAL or its journal', () => {
    const phrase = 'zebra-marmalade-4471';
    expect(box.spawn(['log-session', '--client', 'c1', '--mood', '0', '--summary', `said ${phrase}`, '--notes', phrase]).code).toBe(0);
    expect(box.spawn(['goal', 'create', '--client', 'c1', '--description', phrase]).code).toBe(0);
    for (const suffix of ['', '-wal', '-shm', '-journal']) {
      expect(box.raw(box.dbPath + suffix)).not.toContain(phrase);
    }
    expect(box.raw(box.dbPath).startsWith('SQLite format 3')).toBe(false);
    expect(statSync(box.dbPath).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong key with exit 1 and writes nothing', () => {
    const otherKey = join(box.home, 'other.key');
    writeFileSync(otherKey, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const before = readFileSync(box.dbPath);
    const result = box.spawn(['--key-file', otherKey, 'log-session', '--client', 'c1', '--mood', '0', '--summary', 's']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wrong key/);
    expect(readFileSync(box.dbPath).equals(before)).toBe(true);
  });

  it('refuses an empty file or a directory where a database or key should be, in one line', () => {
    const empty = join(box.home, 'empty.db');
    writeFileSync(empty, '');
    const result = box.spawn(['--db', empty, 'clients']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is an empty file, not a tpt database/);
    expect(statSync(empty).size).toBe(0);
    const keyDir = box.spawn(['--key-file', box.home, 'clients']);
    expect(keyDir.code).toBe(1);
    expect(keyDir.stderr).not.toMatch(/this is a bug/);
  });

  it('exports over a regular file only, and never leaves a partial file behind', () => {
    expect(box.spawn(['log-session', '--client', 'c1', '--mood', '0', '--summary', 's']).code).toBe(0);
    const intoDirectory = box.spawn(['export', 'c1', '--out', box.home, '--force']);
    expect(intoDirectory.code).toBe(2);
    expect(intoDirectory.stderr).toMatch(/is not a regular file/);
    const noDirectory = box.spawn(['export', 'c1', '--out', join(box.home, 'missing', 'x.json')]);
    expect(noDirectory.code).toBe(2);
    expect(noDirectory.stderr).toMatch(/directory does not exist/);
    expect(readdirSync(box.home).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('refuses a key file that others can read, as ssh does', () => {
    chmodSync(box.keyPath, 0o644);
    const result = box.spawn(['clients']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/readable by others.*chmod 600/);
  });

  it('asks for nothing without a terminal: a missing value is exit 2, at once', () => {
    const started = Date.now();
    const result = box.spawn(['log-session', '--client', 'c1', '--mood', 'neutral']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing --summary/);
    const update = box.spawn(['--no-input', 'goal', 'update', 'goal_x']);
    expect(update.code).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('prints one line, never a stack trace, for an unknown option', () => {
    const result = box.spawn(['sessions', 'c1', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tpt: unknown option '--bogus'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('tpt demo', () => {
  it('builds its own database and key, never the user\'s, and starts afresh when run again', () => {
    expect(box.spawn(['init']).code).toBe(0);
    const userKey = readFileSync(box.keyPath, 'utf8');
    const userDb = readFileSync(box.dbPath);
    const first = box.spawn(['demo']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('demo-');
    const demoDb = join(box.home, 'data', 'tpt', 'demo.db');
    expect(statSync(`${demoDb}.key`).mode & 0o777).toBe(0o600);
    expect(box.raw(demoDb).startsWith('SQLite format 3')).toBe(false);
    expect(readFileSync(box.keyPath, 'utf8')).toBe(userKey);
    expect(readFileSync(box.dbPath).equals(userDb)).toBe(true);

    const second = box.spawn(['demo']);
    expect(second.code, second.stderr).toBe(0);
    const clients = box.spawn(['--json', '--db', demoDb, '--key-file', `${demoDb}.key`, 'clients']);
    expect(clients.code, clients.stderr).toBe(0);
    const list = JSON.parse(clients.stdout) as { client_id: string; sessions: number }[];
    expect(list.length).toBeGreaterThanOrEqual(3);
    // Afresh: the second run did not add to the first run's sessions.
    const firstCount = list.reduce((sum, client) => sum + client.sessions, 0);
    expect(firstCount).toBeLessThan(400);
  });

  it('never replaces a key file it did not create', () => {
    const target = join(box.home, 'clinic');
    writeFileSync(`${target}.key`, 'precious\n', { mode: 0o600 });
    const result = box.spawn(['--db', target, 'demo']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/never replaces a key/);
    expect(readFileSync(`${target}.key`, 'utf8')).toBe('precious\n');
  });

  it('never replaces a database that is not a demo', () => {
    expect(box.spawn(['init']).code).toBe(0);
    const before = readFileSync(box.dbPath);
    const result = box.spawn(['--db', box.dbPath, 'demo']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not a tpt demo database/);
    expect(readFileSync(box.dbPath).equals(before)).toBe(true);
  });
});

describe('tpt completion', () => {
  it('prints the scripts shipped in completions/', () => {
    for (const [shell, file] of [['bash', 'tpt.bash'], ['zsh', '_tpt'], ['fish', 'tpt.fish']] as const) {
      const result = box.spawn(['completion', shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(readFileSync(new URL(`../../completions/${file}`, import.meta.url), 'utf8'));
      expect(result.stdout).toContain('log-session');
    }
    expect(box.spawn(['completion', 'tcsh']).code).toBe(2);
  });
});
