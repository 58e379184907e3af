import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/driver.js';
import { Sandbox } from '../helpers.js';

/**
 * The defects of issue 15 that the command line shows, each as it was found. The HTTP ones are in
 * hostile-http.test.ts.
 */

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

function ok(args: string[], env: Record<string, string> = {}): string {
  return box.spawnOk(args, env);
}

function withRaw<T>(fn: (db: Database) => T): T {
  const db = new Database(box.dbPath, { fileMustExist: true });
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.key(Buffer.from(`x'${readFileSync(box.keyPath, 'utf8').trim()}'`));
    return fn(db);
  } finally {
    db.close();
  }
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('defect 2: a database made read-only', () => {
  it('stays read-only: reads work (and say they went unlogged), writes are refused, nothing changes', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'kept', '--mood', 'neutral']);
    chmodSync(box.dbPath, 0o444);
    const before = sha(box.dbPath);

    const read = box.spawn(['sessions', 'c1']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('kept');
    expect(read.stderr).toMatch(/warning: .*read-only.*not in the audit log: session\.list of c1 by tester/);

    const write = box.spawn(['log-session', '--client', 'c1', '--summary', 'new', '--mood', 'neutral']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/is read-only .* nothing was written: make it writable/);

    expect(statSync(box.dbPath).mode & 0o777).toBe(0o444);
    expect(sha(box.dbPath)).toBe(before);
    chmodSync(box.dbPath, 0o600);
    expect(JSON.parse(ok(['--json', 'sessions', 'c1']))).toHaveLength(1);
    expect(ok(['check'])).toMatch(/intact/);
  });

  it('still loses group and other permissions of a writable file', () => {
    ok(['init']);
    chmodSync(box.dbPath, 0o644);
    ok(['clients']);
    expect(statSync(box.dbPath).mode & 0o777).toBe(0o600);
  });
});

describe('defect 3: impossible dates with Z or an offset', () => {
  it('refuses each in --at (exit 2, nothing stored)', () => {
    ok(['init']);
    for (const at of [
      '2026-02-30T10:00:00Z', '2026-02-29T10:00:00+02:00', '2026-04-31T10:00Z', '2026-01-10T24:00:00Z',
      '2026-01-10T10:60:00Z', '2026-13-01T10:00:00Z', '2026-01-10T10:00:00+25:00',
    ]) {
      const result = box.spawn(['log-session', '--client', 'c1', '--summary', 'x', '--mood', '0', '--at', at]);
      expect(result.code, at).toBe(2);
      expect(result.stderr).toMatch(/invalid session time .*no such date or time/);
    }
    expect(box.spawn(['sessions', 'c1']).code).toBe(2); // no client: nothing was stored
  });

  it('refuses them in --since and in an imported file, and keeps a real leap day', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', '0', '--at', '2024-02-29T10:00:00Z', '--id', 's1']);
    expect(box.spawn(['sessions', 'c1', '--since', '2026-02-30T00:00:00+01:00']).code).toBe(2);
    const file = join(box.home, 'in.json');
    const doc = JSON.parse(ok(['--json', 'export', 'c1']));
    doc.clients[0].sessions[0].session_id = 's2';
    doc.clients[0].sessions[0].timestamp = '2026-02-30T10:00:00.000Z';
    writeFileSync(file, JSON.stringify(doc));
    const imported = box.spawn(['import', file]);
    expect(imported.code).toBe(2);
    expect(JSON.parse(ok(['--json', 'session', 'show', 's1'])).timestamp).toBe('2024-02-29T10:00:00.000Z');
    expect(box.spawn(['session', 'show', 's2']).code).toBe(2);
  });
});

describe('defect 4: the metadata key rule on every way in', () => {
  it('an imported session with a metadata key _x, "a b", "" or __proto__ is refused', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', '0', '--id', 's1']);
    const doc = JSON.parse(ok(['--json', 'export', 'c1']));
    doc.clients[0].sessions[0].session_id = 's2';
    const file = join(box.home, 'in.json');
    for (const key of ['_x', 'a b', '', '__proto__']) {
      const text = JSON.stringify(doc).replace('"metadata":{}', `"metadata":{${JSON.stringify(key)}:"v"}`);
      expect(text).toContain(`{${JSON.stringify(key)}:"v"}`);
      writeFileSync(file, text);
      const result = box.spawn(['import', file]);
      expect(result.code, key).toBe(2);
      expect(result.stderr).toMatch(/metadata key/);
    }
    expect(box.spawn(['session', 'show', 's2']).code).toBe(2);
  });
});

describe('defect 5: a --limit too large for a whole number', () => {
  it('is a usage error (exit 2), not a database error', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', '0']);
    const result = box.spawn(['sessions', 'c1', '--limit', '99999999999999999999']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--limit.*positive whole number up to 9007199254740991/);
    expect(JSON.parse(ok(['--json', 'sessions', 'c1', '--limit', '9007199254740991']))).toHaveLength(1);
  });
});

describe('defect 10: the partial file of an export killed outright', () => {
  it('is removed by the next export to the same file', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'SECRET_TEXT', '--mood', '0']);
    const out = join(box.home, 'c1.json');
    // What SIGKILL leaves: a partial file of a process that is gone (pid 2^22+1 is never running).
    const abandoned = join(box.home, '.c1.json.4194305.partial');
    writeFileSync(abandoned, '{"clients":[{"sessions":[{"conversation_summary":"SECRET_TEXT"', { mode: 0o600 });
    ok(['export', 'c1', '--out', out]);
    expect(existsSync(abandoned)).toBe(false);
    expect(readdirSync(box.home).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(readFileSync(out, 'utf8')).toContain('SECRET_TEXT');
  });
});

describe('defect 11: a --tls-cert that is not PEM', () => {
  it('is a usage error that names the files, not a bug', () => {
    ok(['init']);
    const cert = join(box.home, 'cert.pem');
    writeFileSync(cert, 'not a certificate');
    const result = box.spawn(['serve', '--host', '0.0.0.0', '--port', '0', '--tls-cert', cert, '--tls-key', cert]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tls-cert .*cert\.pem and --tls-key .* are not a PEM certificate and its private key/);
    expect(result.stderr).not.toMatch(/bug/);
  });
});

describe('defect 15: an emptied audit log', () => {
  it('fails audit verify and check, even without --head', () => {
    ok(['init']);
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', '0']);
    withRaw((db) => {
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.exec('DELETE FROM audit_log');
    });
    const verify = box.spawn(['audit', 'verify']);
    expect(verify.code).toBe(1);
    expect(verify.stderr + verify.stdout).toMatch(/audit log broken: client "c1" is on record but no entry names it/);
    // The refusal above started the log again at entry 1: still not intact.
    const check = box.spawn(['check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/check failed: audit log broken: client "c1" is on record but no entry names it, so entries were deleted/);
  });

  it('an empty log of an empty database is intact', () => {
    ok(['init']);
    expect(ok(['check'])).toMatch(/audit log intact: 0 entries/);
  });
});
