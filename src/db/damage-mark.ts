import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * A file beside the database, `<db>.damaged`, written when a page is found damaged. Other pages
 * may still read fine, so commands that never touch the damaged one would go on writing into a
 * file that has to be restored; the mark stops that until `tpt check` passes again.
 */
const markPath = (dbPath: string) => `${dbPath}.damaged`;

export function markDamaged(dbPath: string, what: string, at: Date): void {
  try {
    writeFileSync(markPath(dbPath), `${at.toISOString()} ${what.replace(/\s+/g, ' ')}\n`, { mode: 0o600 });
  } catch {
    // A directory that takes no file: the error the user sees says it all the same.
  }
}

/** The mark's line (when and what), or undefined when the database is not marked. */
export function damageMark(dbPath: string): string | undefined {
  return existsSync(markPath(dbPath)) ? readFileSync(markPath(dbPath), 'utf8').trim() : undefined;
}

export function clearDamaged(dbPath: string): void {
  rmSync(markPath(dbPath), { force: true });
}
