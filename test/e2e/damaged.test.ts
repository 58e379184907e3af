import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/driver.js';
import { Sandbox } from '../helpers.js';

/** Defect 6: damage and unopenable files were reported as a wrong key, and writes went on. */
let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  for (let i = 1; i <= 6; i++) {
    expect(box.spawn(['log-session', '--client', `c${i}`, '--summary', `text ${i}`, '--mood', 'neutral']).code).toBe(0);
  }
});
afterEach(() => box.cleanup());

/** The page that holds the sessions table (a few sessions fit in its root page). */
function sessionsRootPage(): number {
  const db = new Database(box.dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.key(Buffer.from(`x'${readFileSync(box.keyPath, 'utf8').trim()}'`));
    return (db.prepare(`SELECT rootpage FROM sqlite_schema WHERE name = 'sessions'`).get() as { rootpage: number }).rootpage;
  } finally {
    db.close();
  }
}

function flipByte(offset: number): void {
  const bytes = readFileSync(box.dbPath);
  bytes[offset]! ^= 0xff;
  writeFileSync(box.dbPath, bytes);
}

describe('a damaged database', () => {
  it('a damaged first page is named as such, not as a wrong key', () => {
    flipByte(100);
    const result = box.spawn(['sessions', 'c1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is damaged: its first page does not authenticate, though the key opens the others; .*restore it from a backup/);
    expect(result.stderr).not.toMatch(/wrong key/);
  });

  it('side files that cannot be opened are named, not taken for a wrong key', () => {
    mkdirSync(`${box.dbPath}-wal`); // where SQLite must create its log: as a directory it cannot, as in a read-only directory
    const result = box.spawn(['clients']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot open the database at .*: .*its directory must be writable by you/);
    expect(result.stderr).not.toMatch(/wrong key/);
  });

  it('a damaged page elsewhere points to tpt check and backups, and stops every write until a check passes', () => {
    const backup = `${box.home}/backup.db`;
    expect(box.spawn(['backup', backup]).code).toBe(0);
    flipByte((sessionsRootPage() - 1) * 4096 + 100);
    const exported = box.spawn(['export', '--all']);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toMatch(/is damaged \(.*\): nothing was written, .*run `tpt check`, and restore it from a backup/);
    expect(existsSync(`${box.dbPath}.damaged`)).toBe(true);

    const write = box.spawn(['log-session', '--client', 'new', '--summary', 'x', '--mood', 'neutral']);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/was found damaged .* so tpt writes nothing more to it: run `tpt check`/);
    const read = box.spawn(['audit']); // a read that does not touch the damaged page still works
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).toMatch(/not in the audit log: audit\.list by tester/);
    expect(box.spawn(['check']).code).toBe(1);

    copyFileSync(backup, box.dbPath); // the restore
    expect(box.spawn(['check']).code).toBe(0);
    expect(existsSync(`${box.dbPath}.damaged`)).toBe(false);
    expect(box.spawn(['log-session', '--client', 'new', '--summary', 'x', '--mood', 'neutral']).code).toBe(0);
  });
});
