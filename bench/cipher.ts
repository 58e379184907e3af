import { rmSync } from 'node:fs';
import { Database } from '../src/db/driver.js';
import { MIGRATIONS } from '../src/db/migrations.js';
import { generatePractice, type Scale } from './generate.js';

/**
 * Where the encryption cost of a bulk write goes: the same sessions written by a bare loop
 * (tpt's schema, pragmas, page cache and import journal) under ciphers and page sizes that
 * differ from tpt's in one thing each, every one beside a plain database of the same page size.
 * It measures what would reach the target and what each way gives up; tpt's own setting
 * (SQLCipher 4, 4 KB pages) is the first row.
 */

export interface CipherVariant {
  label: string;
  pageSize: number;
  /** Cipher pragmas before the key; null: unencrypted. */
  pragmas: string[] | null;
}

const SQLCIPHER4 = [`cipher = 'sqlcipher'`, 'legacy = 4'];

export const CIPHER_VARIANTS: { variant: CipherVariant; plain: CipherVariant }[] = [
  {
    variant: { label: 'SQLCipher 4 (AES-256-CBC, HMAC-SHA512), 4 KB pages: tpt', pageSize: 4096, pragmas: SQLCIPHER4 },
    plain: { label: 'plain, 4 KB pages', pageSize: 4096, pragmas: null },
  },
  {
    variant: { label: 'SQLCipher 4 without its HMAC (pages no longer authenticated)', pageSize: 4096, pragmas: [...SQLCIPHER4, 'hmac_use = 0'] },
    plain: { label: 'plain, 4 KB pages', pageSize: 4096, pragmas: null },
  },
  {
    variant: { label: 'ChaCha20-Poly1305 (sqleet), 4 KB pages', pageSize: 4096, pragmas: [`cipher = 'chacha20'`] },
    plain: { label: 'plain, 4 KB pages', pageSize: 4096, pragmas: null },
  },
  {
    variant: { label: 'SQLCipher 4, 16 KB pages', pageSize: 16384, pragmas: [...SQLCIPHER4, 'legacy_page_size = 16384'] },
    plain: { label: 'plain, 16 KB pages', pageSize: 16384, pragmas: null },
  },
];

const KEY = Buffer.from(`x'${'a'.repeat(64)}'`);
/** CPU time of this process (ms): on a shared machine it moves far less with the load than the clock does. */
const now = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Writes the practice's sessions into a new database at `path`; returns the CPU time inside the inserts. */
export function writeSessions(path: string, scale: Scale, seed: number, variant: CipherVariant): number {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  const db = new Database(path);
  if (variant.pragmas) {
    for (const pragma of variant.pragmas) db.pragma(pragma);
    db.key(KEY);
  } else {
    db.pragma(`page_size = ${variant.pageSize}`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  for (const step of MIGRATIONS) db.exec(step);
  const pageSize = db.pragma('page_size', { simple: true });
  if (pageSize !== variant.pageSize) throw new Error(`${variant.label}: page size ${String(pageSize)}, not ${variant.pageSize}`);
  db.pragma('cache_size = -65536');
  const insertClient = db.prepare('INSERT INTO clients (client_id, created_at) VALUES (?, ?)');
  const insertSession = db.prepare(`
    INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score, therapeutic_goals,
      progress_notes, therapist_observations, next_session_focus, session_duration_minutes, techniques_used,
      homework_assigned, crisis_flags, metadata)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.pragma('journal_mode = DELETE');
  let insertMs = 0;
  db.exec('BEGIN IMMEDIATE');
  generatePractice(scale, seed, ({ client, sessions }) => {
    const started = now();
    insertClient.run(client.client_id, client.created_at);
    for (const s of sessions) {
      insertSession.run(s.session_id, s.client_id, s.timestamp, s.conversation_summary, s.emotional_score,
        JSON.stringify(s.therapeutic_goals), s.progress_notes, s.therapist_observations, s.next_session_focus,
        s.session_duration_minutes, JSON.stringify(s.techniques_used), s.homework_assigned,
        JSON.stringify(s.crisis_flags), JSON.stringify(s.metadata));
    }
    insertMs += now() - started;
  });
  const started = now();
  db.exec('COMMIT');
  insertMs += now() - started;
  db.close();
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
  return insertMs;
}

export interface CipherFigure {
  label: string;
  plainLabel: string;
  encryptedMs: number;
  plainMs: number;
}

/**
 * Each variant beside its plain database, `rounds` rounds alternating (the order swapped each
 * round), medians: the cost is the variant's share above plain.
 */
export function cipherBreakdown(dir: string, scale: Scale, seed: number, rounds = 3): CipherFigure[] {
  const median = (values: number[]) => values.slice().sort((a, b) => a - b)[values.length >> 1]!;
  return CIPHER_VARIANTS.map(({ variant, plain }) => {
    const encrypted: number[] = [];
    const plainRuns: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const runEncrypted = () => encrypted.push(writeSessions(`${dir}/cipher-variant.db`, scale, seed, variant));
      const runPlain = () => plainRuns.push(writeSessions(`${dir}/cipher-plain.db`, scale, seed, plain));
      if (round % 2 === 0) {
        runEncrypted();
        runPlain();
      } else {
        runPlain();
        runEncrypted();
      }
    }
    return { label: variant.label, plainLabel: plain.label, encryptedMs: median(encrypted), plainMs: median(plainRuns) };
  });
}
