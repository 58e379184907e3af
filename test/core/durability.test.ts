import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { readKeyFile } from '../../src/db/key-file.js';
import type { Database } from '../../src/db/driver.js';
import { Sandbox } from '../helpers.js';

// A session logged must survive a power cut: every commit syncs the write-ahead log (FULL, 2),
// not only the checkpoints (NORMAL, 1: the driver's build default for WAL mode).
describe('every connection commits durably', () => {
  let box: Sandbox;
  let db: Database | undefined;
  beforeEach(async () => {
    box = new Sandbox();
    expect((await box.run(['init'])).code).toBe(0);
  });
  afterEach(() => {
    db?.close();
    box.cleanup();
  });

  it('in WAL mode with synchronous FULL', () => {
    db = openDatabase(box.dbPath, readKeyFile(box.keyPath));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('read-only connections too (they may check-point the log)', () => {
    db = openDatabase(box.dbPath, readKeyFile(box.keyPath), { readonly: true });
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
