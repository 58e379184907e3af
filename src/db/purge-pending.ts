import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { Database } from './driver.js';
import { syncDirectory } from './key-file.js';
import { dirname } from 'node:path';
import { checkpointTruncate, compact } from './maintenance.js';

/**
 * A purge deletes rows in one transaction and then compacts the file (VACUUM, and the WAL emptied):
 * until the compaction is done, the purged text can still sit in free pages, in the unused part of
 * live pages and in the WAL. A process killed between the commit and the end of the compaction
 * cannot finish it, and the client no longer exists to be purged again: so `<db>.purge-pending`
 * is written (and synced) before the purge's transaction, says how far the compaction got, and is
 * removed only when it is complete. Every open of the database finishes what it names.
 */
const markPath = (dbPath: string) => `${dbPath}.purge-pending`;

/** `vacuumed`: the file is rebuilt, only the WAL is left to empty. */
export type PurgeStage = 'deleting' | 'vacuumed';

export function markPurgePending(dbPath: string, stage: PurgeStage): void {
  const fd = openSync(markPath(dbPath), 'w', 0o600);
  try {
    writeSync(fd, `${stage}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(dbPath));
}

export function purgePending(dbPath: string): PurgeStage | undefined {
  if (!existsSync(markPath(dbPath))) return undefined;
  try {
    return readFileSync(markPath(dbPath), 'utf8').trim() === 'vacuumed' ? 'vacuumed' : 'deleting';
  } catch {
    return 'deleting';
  }
}

export function clearPurgePending(dbPath: string): void {
  rmSync(markPath(dbPath), { force: true });
}

/**
 * The compaction of a purge, stage by stage, the mark kept until the WAL is emptied (another
 * connection can keep it from that: then the next open tries again). Returns whether the WAL
 * was emptied.
 */
export function compactAfterPurge(db: Database, dbPath: string): boolean {
  if (purgePending(dbPath) !== 'vacuumed') {
    compact(db);
    markPurgePending(dbPath, 'vacuumed');
  }
  const emptied = checkpointTruncate(db).busy === 0;
  if (emptied) clearPurgePending(dbPath);
  return emptied;
}

/**
 * On open: finishes the compaction of a purge cut short. It never makes the command wait for
 * others (no busy wait) and never fails it: what it cannot do now, a later open does.
 */
export function finishPendingPurge(db: Database, dbPath: string): void {
  if (purgePending(dbPath) === undefined) return;
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  try {
    db.pragma('busy_timeout = 0');
    compactAfterPurge(db, dbPath);
  } catch {
    // busy, a full disk or a damaged page: the mark stays, and the next open tries again
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}
