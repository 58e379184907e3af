import { pbkdf2Sync, createDecipheriv, createHmac } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../../src/db/driver.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

/**
 * A connection opened outside tpt with the key, as an attacker who has the key (or another
 * SQLCipher 4 reader) would open it: only the cipher settings and the key.
 */
function openRaw(path: string, key: { hex: string } | { passphrase: string }): Database {
  const db = new Database(path, { fileMustExist: true });
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  db.key(Buffer.from('hex' in key ? `x'${key.hex}'` : key.passphrase));
  db.prepare('SELECT count(*) FROM sqlite_schema').get();
  return db;
}

/** The key file the default database opens with: the newest `tpt rekey` wrote, else the default one. */
function currentKeyPath(): string {
  const dir = join(box.home, 'config', 'tpt', 'keys');
  const rotated = existsSync(dir) ? readdirSync(dir).sort() : [];
  return rotated.length > 0 ? join(dir, rotated[rotated.length - 1]!) : box.keyPath;
}

function keyHex(path = currentKeyPath()): { hex: string } {
  return { hex: readFileSync(path, 'utf8').trim() };
}

function withRaw<T>(fn: (db: Database) => T, path = box.dbPath, key: { hex: string } | { passphrase: string } = keyHex()): T {
  const db = openRaw(path, key);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function lastAudit(): { seq: number; action: string; client_id: string | null; object_id: string | null; outcome: string } | undefined {
  return withRaw((db) => db.prepare('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get()) as never;
}

function ok(args: string[], env: Record<string, string> = {}): string {
  return box.spawnOk(args, env);
}

/** Client c1 with text found nowhere else, in every kind of record; client c2 beside it. */
async function twoClients(): Promise<string[]> {
  ok(['init']);
  const texts = ['SUMMARY_c1_zq7', 'NOTES_c1_xv3', 'GOALDESC_c1_wk9', 'GOALNOTE_c1_jh4', 'MILESTONE_c1_pd2', 'HOMEWORK_c1_rt5'];
  ok(['log-session', '--client', 'c1', '--id', 's1', '--summary', texts[0]!, '--mood', 'negative', '--notes', texts[1]!,
    '--homework', texts[5]!, '--at', '2026-02-01T10:00']);
  ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', texts[2]!]);
  ok(['goal', 'update', 'g1', '--progress', '40', '--note', texts[3]!]);
  ok(['milestone', 'add', '--goal', 'g1', '--description', texts[4]!]); // today: a milestone is never dated before its goal was set
  ok(['log-session', '--client', 'c2', '--id', 's2', '--summary', 'SUMMARY_c2_keep', '--mood', 'positive']);
  ok(['goal', 'create', '--client', 'c2', '--id', 'g2', '--description', 'GOALDESC_c2_keep']);
  return texts;
}

describe('the audit log', () => {
  it('gets an entry from every command that reads or writes client data, and for refused attempts', () => {
    ok(['init']);
    const steps: [string[], string, string | null][] = [
      [['log-session', '--client', 'c1', '--id', 's1', '--summary', 'x', '--mood', 'neutral'], 'session.create', 'c1'],
      [['sessions', 'c1'], 'session.list', 'c1'],
      [['session', 'show', 's1'], 'session.read', 'c1'],
      [['clients'], 'client.list', null],
      [['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'd'], 'goal.create', 'c1'],
      [['goal', 'update', 'g1', '--progress', '10'], 'goal.update', 'c1'],
      [['goal', 'list', 'c1'], 'goal.list', 'c1'],
      [['goal', 'show', 'g1'], 'goal.read', 'c1'],
      [['milestone', 'add', '--goal', 'g1', '--description', 'm', '--id', 'm1'], 'milestone.create', 'c1'],
      [['milestone', 'list', 'c1'], 'milestone.list', 'c1'],
      [['audit', 'c1'], 'audit.list', 'c1'],
      [['retention', 'set', '--years', '7'], 'retention.set', null],
      [['retention', 'apply', '--dry-run'], 'retention.review', null],
      [['backup', join(box.home, 'b.db')], 'database.backup', null],
      [['rekey'], 'database.rekey', null],
      [['client', 'delete', 'c1', '--purge', '--yes'], 'client.purge', 'c1'],
    ];
    let seq = lastAudit()?.seq ?? 0;
    for (const [args, action, client] of steps) {
      ok(args);
      const entry = lastAudit()!;
      expect(entry.seq, `tpt ${args.join(' ')}`).toBeGreaterThan(seq);
      expect({ action: entry.action, client_id: entry.client_id, outcome: entry.outcome }).toEqual({ action, client_id: client, outcome: 'ok' });
      seq = entry.seq;
    }
    expect(box.spawn(['goal', 'update', 'nope', '--progress', '5']).code).toBe(2);
    expect(lastAudit()).toMatchObject({ action: 'goal update', outcome: 'refused' });
    ok(['log-session', '--client', 'c9', '--id', 'sdup', '--summary', 'x', '--mood', 'neutral']);
    expect(box.spawn(['log-session', '--client', 'c9', '--id', 'sdup', '--summary', 'x', '--mood', 'neutral']).code).toBe(1);
    expect(lastAudit()).toMatchObject({ action: 'log-session', outcome: 'failed' });
    expect(box.spawn(['audit', 'verify']).code).toBe(0);
  });

  it('lists entries of one client inside a timeframe, oldest first', async () => {
    await box.run(['init']);
    await box.run(['log-session', '--client', 'c1', '--summary', 'a', '--mood', 'neutral'], { now: new Date('2026-01-10T10:00:00Z') });
    await box.run(['log-session', '--client', 'c2', '--summary', 'b', '--mood', 'neutral'], { now: new Date('2026-02-10T10:00:00Z') });
    await box.run(['sessions', 'c1'], { now: new Date('2026-03-10T10:00:00Z') });
    const all = await box.json<{ seq: number; action: string }[]>(['audit', '--client', 'c1'], { now: new Date('2026-03-11T10:00:00Z') });
    expect(all.map((entry) => entry.action)).toEqual(['session.create', 'session.list', 'audit.list']);
    const march = await box.json<{ action: string; client_id: string }[]>(['audit', '--since', '2026-02-01', '--until', '2026-02-28'], { now: new Date('2026-03-12T10:00:00Z') });
    expect(march).toEqual([expect.objectContaining({ action: 'session.create', client_id: 'c2' })]);
  });

  it('verifies an honest log: exit 0 with the count and the head hash', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    ok(['sessions', 'c1']);
    const text = box.spawn(['audit', 'verify']);
    expect(text.code).toBe(0);
    const head = withRaw((db) => (db.prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { hash: string }).hash);
    expect(text.stdout).toContain(`intact: 2 entries, head ${head}`);
    const json = JSON.parse(ok(['--json', 'audit', 'verify']));
    expect(json).toMatchObject({ intact: true, entries: 2, head, head_seq: 2, broken_seq: null });
  });

  describe('fails, naming the first broken entry, after tampering through a raw connection with the key', () => {
    beforeEach(() => {
      ok(['init']);
      for (let i = 1; i <= 5; i++) ok(['log-session', '--client', 'c1', '--id', `s${i}`, '--summary', 'x', '--mood', 'neutral']);
    });

    it('an edited entry', () => {
      withRaw((db) => {
        db.exec('DROP TRIGGER audit_log_no_update');
        db.prepare(`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`).run();
      });
      const result = box.spawn(['audit', 'verify']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^tpt: audit log broken at entry 2: its contents do not match its hash/);
      expect(result.stdout).toBe('');
    });

    it('a deleted entry', () => {
      withRaw((db) => {
        db.exec('DROP TRIGGER audit_log_no_delete');
        db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
      });
      const result = box.spawn(['--json', 'audit', 'verify']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/audit log broken at entry 4: entry 3 is missing before it/);
      expect(JSON.parse(result.stdout)).toMatchObject({ intact: false, broken_seq: 4 });
    });

    it('two entries that traded places', () => {
      withRaw((db) => {
        db.exec('DROP TRIGGER audit_log_no_update');
        // Swap every column but seq between rows 2 and 3.
        db.exec(`
          UPDATE audit_log SET seq = -2 WHERE seq = 2;
          UPDATE audit_log SET seq = 2 WHERE seq = 3;
          UPDATE audit_log SET seq = 3 WHERE seq = -2;`);
      });
      const result = box.spawn(['audit', 'verify']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/audit log broken at entry 2:/);
    });

    it('entries cut from its end: only with --head', () => {
      const { head } = JSON.parse(ok(['--json', 'audit', 'verify'])) as { head: string };
      withRaw((db) => {
        db.exec('DROP TRIGGER audit_log_no_delete');
        db.prepare('DELETE FROM audit_log WHERE seq >= 4').run();
      });
      expect(box.spawn(['audit', 'verify']).code).toBe(0);
      const result = box.spawn(['audit', 'verify', '--head', head]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^tpt: audit log not intact: no entry has the head hash you gave: .*now ends at entry 3; the entries after it are missing/);
      // Verifying writes nothing, even when it fails: the log still ends at entry 3.
      expect(box.spawn(['check', '--head', head]).code).toBe(1);
      expect(JSON.parse(box.spawn(['--json', 'audit', 'verify']).stdout)).toMatchObject({ intact: true, head_seq: 3 });
    });
  });

  it('passes --head when entries were appended honestly since the head was written down', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const { head } = JSON.parse(ok(['--json', 'audit', 'verify'])) as { head: string };
    ok(['sessions', 'c1']);
    const result = JSON.parse(ok(['--json', 'audit', 'verify', '--head', head]));
    expect(result).toMatchObject({ intact: true, entries: 2, given_head_seq: 1 });
  });
});

it('refuses a --head that is not a hash (exit 2) and logs the refusal', () => {
  ok(['init']);
  const result = box.spawn(['audit', 'verify', '--head', 'xyz']);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe('tpt: invalid --head "xyz": give the 64 hex digits `tpt audit verify` printed as the head\n');
  expect(lastAudit()).toMatchObject({ action: 'audit verify', outcome: 'refused' });
});

describe('tpt check', () => {
  it('passes a sound database and fails on a tampered audit log', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const good = JSON.parse(ok(['--json', 'check']));
    expect(good).toMatchObject({ ok: true, integrity_problems: [], audit: { intact: true, entries: 1 } });
    withRaw((db) => {
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare(`UPDATE audit_log SET outcome = 'refused' WHERE seq = 1`).run();
    });
    const bad = box.spawn(['check']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/check failed: audit log broken at entry 1/);
  });
});

it('tpt check names a page changed on disk', () => {
  ok(['init']);
  for (let i = 1; i <= 20; i++) ok(['log-session', '--client', `c${i}`, '--summary', `text ${i}`, '--mood', 'neutral']);
  const bytes = readFileSync(box.dbPath);
  bytes[bytes.length - 4096 + 100]! ^= 0xff; // inside the last page's encrypted data
  writeFileSync(box.dbPath, bytes);
  const result = box.spawn(['check']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^tpt: check failed: integrity check: a page does not decrypt or authenticate/);
});

describe('file modes under umask 000', () => {
  const sh = (command: string, env: Record<string, string> = {}) =>
    spawnSync('sh', ['-c', `umask 000; ${command}`], { env: { ...box.env, ...env }, encoding: 'utf8' });

  it('creates the database, its key and backups 0600', () => {
    expect(sh(`"${process.execPath}" "${BIN}" init`).status).toBe(0);
    expect(sh(`"${process.execPath}" "${BIN}" log-session --client c1 --summary x --mood neutral`).status).toBe(0);
    const backup = join(box.home, 'backup.db');
    expect(sh(`"${process.execPath}" "${BIN}" backup "${backup}"`).status).toBe(0);
    expect(sh(`"${process.execPath}" "${BIN}" rekey`).status).toBe(0);
    for (const file of [box.dbPath, box.keyPath, backup]) {
      expect(statSync(file).mode & 0o777, file).toBe(0o600);
    }
    expect(statSync(join(box.home, 'config', 'tpt')).mode & 0o777).toBe(0o700);
  });

  it('keeps -wal and -shm 0600 while a connection holds them, even without the CLI\'s own umask', () => {
    expect(box.spawn(['init']).code).toBe(0);
    // A process that opens the database through tpt's own code under umask 000, and reports the
    // modes while the write-ahead log and shared memory files exist.
    const script = `
      const { openDatabase } = await import(${JSON.stringify(new URL('../../dist/db/connection.js', import.meta.url).pathname)});
      const { readFileSync, statSync } = await import('node:fs');
      const db = openDatabase(${JSON.stringify(box.dbPath)}, { kind: 'raw', hex: readFileSync(${JSON.stringify(box.keyPath)}, 'utf8').trim() });
      db.prepare("INSERT INTO settings (key, value) VALUES ('probe', 'x')").run();
      const mode = (f) => (statSync(f).mode & 0o777).toString(8);
      console.log(JSON.stringify({ umask: process.umask().toString(8), db: mode(${JSON.stringify(box.dbPath)}), wal: mode(${JSON.stringify(`${box.dbPath}-wal`)}), shm: mode(${JSON.stringify(`${box.dbPath}-shm`)}) }));
      db.close();`;
    const result = sh(`"${process.execPath}" --input-type=module -e '${script.replaceAll("'", `'"'"'`)}'`);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ umask: '0', db: '600', wal: '600', shm: '600' });
  });
});

describe('tpt client delete --purge', () => {
  it('needs --yes without a terminal, and refuses an unknown client, deleting nothing', async () => {
    await twoClients();
    const refused = box.spawn(['client', 'delete', 'c1', '--purge']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add --yes/);
    expect(box.spawn(['client', 'delete', 'c1', '--yes']).code).toBe(2);
    expect(box.spawn(['client', 'delete', 'nobody', '--purge', '--yes']).code).toBe(2);
    expect(withRaw((db) => db.prepare(`SELECT count(*) AS n FROM sessions WHERE client_id = 'c1'`).get())).toEqual({ n: 1 });
    expect(lastAudit()).toMatchObject({ action: 'client delete', outcome: 'refused' });
  });

  it('leaves no trace of the client\'s text in any page of the file, and the other client intact', async () => {
    const texts = await twoClients();
    // The decrypted image (every page, free ones too) holds the text before the purge.
    const before = withRaw((db) => db.serialize().toString('utf8'));
    for (const text of texts) expect(before).toContain(text);

    const result = box.spawn(['--json', 'client', 'delete', 'c1', '--purge', '--yes']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      client_id: 'c1',
      deleted: { goal_history: 2, goal_edits: 0, goals: 1, ingested: 0, measure_versions: 0, measures: 0, milestone_edits: 0, milestones: 1, sessions: 1, session_versions: 0, clients: 1, risks: 0, risk_events: 0, courses: 0, measure_schedules: 0, caseload: 0 },
    });

    expect(existsSync(`${box.dbPath}-wal`) ? statSync(`${box.dbPath}-wal`).size : 0).toBe(0);
    withRaw((db) => {
      const image = db.serialize();
      const decrypted = image.toString('utf8');
      for (const text of texts) expect(decrypted).not.toContain(text);
      expect(db.pragma('freelist_count', { simple: true })).toBe(0);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const table of ['sessions', 'goals', 'milestones', 'clients']) {
        expect(db.prepare(`SELECT count(*) AS n FROM ${table} WHERE client_id = 'c1'`).get(), table).toEqual({ n: 0 });
      }
      expect(db.prepare(`SELECT count(*) AS n FROM goal_history WHERE goal_id = 'g1'`).get()).toEqual({ n: 0 });
      expect(db.prepare(`SELECT conversation_summary FROM sessions WHERE client_id = 'c2'`).all()).toEqual([{ conversation_summary: 'SUMMARY_c2_keep' }]);
      expect(db.prepare(`SELECT description FROM goals WHERE client_id = 'c2'`).all()).toEqual([{ description: 'GOALDESC_c2_keep' }]);
      const purge = db.prepare(`SELECT * FROM audit_log WHERE action = 'client.purge'`).all();
      expect(purge).toEqual([expect.objectContaining({ client_id: 'c1', object_id: null, outcome: 'ok' })]);
      // The log never held the client's text, only ids.
      const log = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
      for (const text of texts) expect(log).not.toContain(text);
    });
    const encrypted = box.raw(box.dbPath) + box.raw(`${box.dbPath}-wal`);
    for (const text of [...texts, 'SUMMARY_c2_keep']) expect(encrypted).not.toContain(text);
    expect(box.spawn(['check']).code).toBe(0);
    expect(ok(['sessions', 'c2'])).toContain('SUMMARY_c2_keep');
  });
});

describe('tpt retention', () => {
  /** old: contact in 2017; goal-only: a goal last changed 2017; recent: a session last month;
   *  revived: an old session but a milestone achieved this year. Today is 2026-03-01. */
  async function clinic(): Promise<void> {
    await box.run(['init']);
    const at = (iso: string) => ({ now: new Date(iso) });
    await box.run(['log-session', '--client', 'old', '--summary', 'a', '--mood', 'neutral'], at('2017-05-01T10:00:00Z'));
    await box.run(['goal', 'create', '--client', 'goalonly', '--id', 'g-old', '--description', 'd'], at('2017-01-01T10:00:00Z'));
    await box.run(['log-session', '--client', 'recent', '--summary', 'b', '--mood', 'neutral'], at('2026-02-01T10:00:00Z'));
    await box.run(['goal', 'create', '--client', 'revived', '--id', 'g-rev', '--description', 'd'], at('2016-01-01T10:00:00Z'));
    await box.run(['milestone', 'add', '--goal', 'g-rev', '--description', 'm', '--date', '2026-01-15'], at('2026-02-01T10:00:00Z'));
  }
  const NOW = '2026-03-01T10:00:00Z';
  const counts = () => withRaw((db) => Object.fromEntries(['clients', 'sessions', 'goals', 'goal_history', 'milestones']
    .map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n])));

  it('keeps the policy in the database and shows it', async () => {
    await box.run(['init']);
    expect(await box.json(['retention', 'show'])).toEqual({ retention_years: null, cutoff: null });
    const noPolicy = await box.run(['retention', 'apply', '--dry-run']);
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toMatch(/no retention policy yet/);
    const set = await box.run(['retention', 'set', '--years', '5'], { now: new Date(NOW) });
    expect(set.stderr).toMatch(/less than the 6 years HIPAA/);
    expect(await box.json(['retention', 'show'], { now: new Date(NOW) }))
      .toEqual({ retention_years: 5, cutoff: '2021-03-01T10:00:00.000Z' });
    expect((await box.run(['retention', 'set', '--years', 'seven'])).code).toBe(2);
  });

  it('--dry-run lists the clients past the policy and changes nothing', async () => {
    await clinic();
    await box.run(['retention', 'set', '--years', '7'], { now: new Date(NOW) });
    const dump = () => withRaw((db) => Object.fromEntries(['clients', 'sessions', 'goals', 'goal_history', 'milestones', 'settings', 'audit_log']
      .map((table) => [table, db.prepare(`SELECT * FROM ${table}`).all()])));
    const before = dump();
    const plan = await box.json<{ dry_run: boolean; cutoff: string; clients: { client_id: string; last_contact: string }[] }>(
      ['retention', 'apply', '--dry-run'], { now: new Date(NOW) });
    // 7 years before 2026-03-01 11:00 Berlin → 2019-03-01 (10:00Z)
    expect(plan).toMatchObject({ dry_run: true, cutoff: '2019-03-01T10:00:00.000Z' });
    expect(plan.clients).toEqual([
      { client_id: 'goalonly', last_contact: '2017-01-01T10:00:00.000Z' },
      { client_id: 'old', last_contact: '2017-05-01T10:00:00.000Z' },
    ]);
    // Every record as it was; the log only gained the entry that the review was read.
    const after = dump();
    expect({ ...after, audit_log: after.audit_log!.slice(0, -1) }).toEqual(before);
    expect(after.audit_log!.at(-1)).toMatchObject({ action: 'retention.review', client_id: null });
  });

  it('apply needs --yes without a terminal, then purges exactly the clients past the policy', async () => {
    await clinic();
    await box.run(['retention', 'set', '--years', '7'], { now: new Date(NOW) });
    const refused = await box.run(['retention', 'apply'], { now: new Date(NOW) });
    expect(refused.code).toBe(2);
    expect(counts().clients).toBe(4);
    const applied = await box.json<{ purged: string[] }>(['retention', 'apply', '--yes'], { now: new Date(NOW) });
    expect(applied.purged).toEqual(['goalonly', 'old']);
    const left = withRaw((db) => db.prepare('SELECT client_id FROM clients ORDER BY client_id').all());
    expect(left).toEqual([{ client_id: 'recent' }, { client_id: 'revived' }]);
    const purges = withRaw((db) => db.prepare(`SELECT client_id FROM audit_log WHERE action = 'retention.purge' ORDER BY seq`).all());
    expect(purges).toEqual([{ client_id: 'goalonly' }, { client_id: 'old' }]);
    expect(counts()).toMatchObject({ sessions: 1, goals: 1, milestones: 1 });
  });
});

describe('tpt rekey', () => {
  it('writes a new key file and keeps the old one: the old key is refused, the new one works', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const before = readFileSync(box.keyPath, 'utf8');
    const result = box.spawn(['--json', 'rekey']);
    expect(result.code).toBe(0);
    const rekeyed = JSON.parse(result.stdout) as { key_file: string };
    expect(rekeyed).toEqual({ database: box.dbPath, key: 'key_file', key_file: expect.stringMatching(/\/config\/tpt\/keys\/tpt-\d{8}T\d{6}Z\.key$/), previous_key_file: box.keyPath });
    expect(readFileSync(box.keyPath, 'utf8')).toBe(before);
    expect(readFileSync(rekeyed.key_file, 'utf8')).not.toBe(before);
    expect(statSync(rekeyed.key_file).mode & 0o777).toBe(0o600);
    const refused = box.spawn(['--key-file', box.keyPath, 'sessions', 'c1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot unlock the database/);
    expect(ok(['sessions', 'c1'])).toContain('1 session');
    expect(ok(['check'])).toContain(`key: the key file ${rekeyed.key_file}`);
    expect(box.raw(box.dbPath)).not.toContain('SQLite format 3');
  });

  it('leaves the database on the old key, and no new key file, when rekeying cannot start (another process holds it)', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const holder = openRaw(box.dbPath, keyHex());
    holder.exec('BEGIN');
    holder.prepare('SELECT count(*) FROM sessions').get(); // a reader keeps the WAL in use
    try {
      const result = box.spawn(['rekey']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/another process/);
    } finally {
      holder.exec('COMMIT');
      holder.close();
    }
    expect(existsSync(join(box.home, 'config', 'tpt', 'keys')) ? readdirSync(join(box.home, 'config', 'tpt', 'keys')) : []).toEqual([]);
    expect(ok(['sessions', 'c1'])).toContain('1 session');
  });

  it('changes a passphrase: the old one is refused, the new one works', () => {
    ok(['init'], { TPT_PASSPHRASE: 'old horse battery' });
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral'], { TPT_PASSPHRASE: 'old horse battery' });
    expect(box.spawn(['rekey', '--passphrase'], { TPT_PASSPHRASE: 'old horse battery' }).code).toBe(2);
    const result = box.spawn(['rekey', '--passphrase'], { TPT_PASSPHRASE: 'old horse battery', TPT_NEW_PASSPHRASE: 'new staple correct' });
    expect(result.code).toBe(0);
    expect(box.spawn(['sessions', 'c1'], { TPT_PASSPHRASE: 'old horse battery' }).code).toBe(1);
    expect(box.spawn(['sessions', 'c1'], { TPT_PASSPHRASE: 'new staple correct' }).stdout).toContain('1 session');
    const backup = join(box.home, 'after-rekey.db');
    ok(['backup', backup], { TPT_PASSPHRASE: 'new staple correct' });
    for (const file of [box.dbPath, backup]) {
      withRaw((db) => expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 }),
        file, { passphrase: 'new staple correct' });
    }
  });
});

describe('tpt backup', () => {
  it('writes an encrypted copy, 0600, that opens with the key and holds the same data', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'BACKUP_TEXT_q8', '--mood', 'neutral']);
    const file = join(box.home, 'tpt-backup.db');
    const result = JSON.parse(ok(['--json', 'backup', file])) as { backup: string; tables: Record<string, number> };
    expect(result.backup).toBe(file);
    expect(result.tables).toMatchObject({ sessions: 1, clients: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(box.raw(file)).not.toContain('BACKUP_TEXT_q8');
    expect(box.raw(file).startsWith('SQLite format 3')).toBe(false);
    const copied = withRaw((db) => db.prepare('SELECT conversation_summary FROM sessions').all(), file);
    expect(copied).toEqual([{ conversation_summary: 'BACKUP_TEXT_q8' }]);
    const live = withRaw((db) => db.prepare('SELECT * FROM sessions').all());
    expect(withRaw((db) => db.prepare('SELECT * FROM sessions').all(), file)).toEqual(live);
  });

  it('never overwrites a file, and refuses a missing directory', () => {
    ok(['init']);
    const file = join(box.home, 'exists.db');
    writeFileSync(file, 'precious');
    const again = box.spawn(['backup', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(box.spawn(['backup', join(box.home, 'no', 'such', 'dir.db')]).code).toBe(2);
  });
});

describe('SQLCipher 4 compatibility', () => {
  it('a passphrase database opens in another reader given only cipher=sqlcipher, legacy=4 and the passphrase', () => {
    const env = { TPT_PASSPHRASE: 'correct horse battery staple' };
    ok(['init'], env);
    ok(['log-session', '--client', 'c1', '--summary', 'COMPAT_TEXT', '--mood', 'neutral'], env);
    withRaw((db) => {
      expect(db.prepare('SELECT conversation_summary FROM sessions').all()).toEqual([{ conversation_summary: 'COMPAT_TEXT' }]);
      // The SQLCipher 4 defaults that legacy=4 selects.
      expect(Number(db.pragma('kdf_iter', { simple: true }))).toBe(256000);
      expect(Number(db.pragma('hmac_algorithm', { simple: true }))).toBe(2); // HMAC-SHA512
      expect(Number(db.pragma('kdf_algorithm', { simple: true }))).toBe(2); // PBKDF2-HMAC-SHA512
      expect(db.pragma('page_size', { simple: true })).toBe(4096);
      // SQLite3MultipleCiphers' names for SQLCipher's cipher_page_size and the HMAC key derivation.
      expect(Number(db.pragma('legacy_page_size', { simple: true }))).toBe(4096);
      expect(Number(db.pragma('fast_kdf_iter', { simple: true }))).toBe(2);
      expect(Number(db.pragma('hmac_salt_mask', { simple: true }))).toBe(0x3a);
    }, box.dbPath, { passphrase: 'correct horse battery staple' });
  });

  it('page 1 decrypts by the SQLCipher 4 format alone (PBKDF2-HMAC-SHA512 256,000, AES-256-CBC, HMAC-SHA512)', () => {
    ok(['init'], { TPT_PASSPHRASE: 'correct horse battery staple' });
    const page = readFileSync(box.dbPath).subarray(0, 4096);
    const salt = page.subarray(0, 16);
    const key = pbkdf2Sync('correct horse battery staple', salt, 256_000, 32, 'sha512');
    // Reserve per page: 16-byte IV + 64-byte HMAC = 80 bytes at the end; page 1's first 16 bytes are the salt.
    const data = page.subarray(16, 4096 - 80);
    const iv = page.subarray(4096 - 80, 4096 - 64);
    const mac = page.subarray(4096 - 64);
    const hmacKey = pbkdf2Sync(key, Buffer.from(salt.map((byte) => byte ^ 0x3a)), 2, 32, 'sha512');
    const pageNumber = Buffer.alloc(4);
    pageNumber.writeUInt32LE(1);
    expect(createHmac('sha512', hmacKey).update(data).update(iv).update(pageNumber).digest().equals(mac)).toBe(true);
    const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    // Decrypted page 1 continues the SQLite header at byte 16: page size 4096, then reserve 80 at byte 20.
    expect(plain.readUInt16BE(0)).toBe(4096);
    expect(plain[4]).toBe(80);
  });
});
