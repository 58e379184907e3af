import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Files tpt writes besides the database while it works (a rekey's copy, a backup or export being
 * written, an init's new file, a note in the editor) hold records, some in clear. A process killed
 * outright (SIGKILL, power loss) cannot remove them, and nothing else knows where they are: so
 * before such a file is made, its path is written into `<db>.work/`, under the process's id, and
 * the next tpt command on that database that finds the process gone removes the files and the entry.
 */

/** The files one process is writing, until it calls `done`. */
export interface WorkFiles {
  done(): void;
}

const workDir = (dbPath: string) => `${dbPath}.work`;
/** SQLite's files beside a database file: a work file that is a database has them too. */
const SIDE_FILES = ['', '-journal', '-wal', '-shm'];

let sequence = 0;

/**
 * Registers `paths` (a directory is removed with all it holds) before they are made. The entry is
 * synced, so a crash right after it still finds them.
 */
export function registerWork(dbPath: string, paths: string[]): WorkFiles {
  const dir = workDir(dbPath);
  const entry = join(dir, `${process.pid}-${++sequence}`);
  let fd: number;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = openSync(entry, 'w', 0o600);
  } catch {
    // Another process removed the directory as it emptied it (done): once more.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    fd = openSync(entry, 'w', 0o600);
  }
  try {
    writeSync(fd, `${JSON.stringify(paths)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return {
    done: () => {
      rmSync(entry, { force: true });
      removeIfEmpty(dir);
    },
  };
}

/** The entries' directory goes with its last entry: nothing stays beside the database for nothing. */
function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // other entries, or gone already
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the work files of processes that are gone, and the rekey copy no running rekey owns
 * (older versions of tpt left it unregistered). Returns the paths removed, for a note.
 */
export function sweepWork(dbPath: string): string[] {
  const removed: string[] = [];
  const live = new Set<string>();
  const dir = workDir(dbPath);
  let names: string[] | undefined;
  try {
    names = readdirSync(dir);
  } catch {
    names = undefined;
  }
  for (const name of names ?? []) {
    const entry = join(dir, name);
    const pid = Number(name.split('-')[0]);
    let paths: string[];
    try {
      paths = JSON.parse(readFileSync(entry, 'utf8')) as string[];
    } catch {
      // An entry cut short by a crash while it was written: its files were not made yet.
      if (Number.isInteger(pid) && !isRunning(pid)) rmSync(entry, { force: true });
      continue;
    }
    if (Number.isInteger(pid) && isRunning(pid)) {
      for (const path of paths) live.add(path);
      continue;
    }
    for (const path of paths) removed.push(...removeWithSideFiles(path));
    rmSync(entry, { force: true });
  }
  // Empty too when a run was killed between making it and writing its entry.
  if (names !== undefined) removeIfEmpty(dir);
  const copy = rekeyCopyOf(dbPath);
  if (copy && !live.has(copy)) removed.push(...removeWithSideFiles(copy));
  return removed;
}

/** The name `tpt rekey` gives its copy of the database (maintenance.ts), beside the real file. */
export function rekeyCopyOf(dbPath: string): string | undefined {
  try {
    return `${realpathSync(dbPath)}.rekeying`;
  } catch {
    return undefined;
  }
}

function removeWithSideFiles(path: string): string[] {
  const removed: string[] = [];
  for (const suffix of SIDE_FILES) {
    const file = `${path}${suffix}`;
    // Most are not there: a look costs less than rmSync's error (and its loading Node's rimraf).
    if (!existsSync(file)) continue;
    try {
      rmSync(file, { recursive: true });
      removed.push(file);
    } catch {
      // not there: nothing to remove
    }
  }
  return removed;
}
