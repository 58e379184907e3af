import { rmSync } from 'node:fs';
import { Database } from '../src/db/driver.js';
import { prepareLikeTpt, sessionInserter } from './driver.js';
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
const PLAIN_4K: CipherVariant = { label: 'plain, 4 KB pages', pageSize: 4096, pragmas: null };
const PLAIN_16K: CipherVariant = { label: 'plain, 16 KB pages', pageSize: 16384, pragmas: null };

/** Each variant and the plain database it is compared with (the same page size). */
export const CIPHER_VARIANTS: { variant: CipherVariant; plain: CipherVariant }[] = [
  { variant: { label: 'SQLCipher 4 (AES-256-CBC, HMAC-SHA512), 4 KB pages: tpt\'s', pageSize: 4096, pragmas: SQLCIPHER4 }, plain: PLAIN_4K },
  { variant: { label: 'SQLCipher 4 without its HMAC (pages no longer authenticated)', pageSize: 4096, pragmas: [...SQLCIPHER4, 'hmac_use = 0'] }, plain: PLAIN_4K },
  { variant: { label: 'ChaCha20-Poly1305 (sqleet), 4 KB pages', pageSize: 4096, pragmas: [`cipher = 'chacha20'`] }, plain: PLAIN_4K },
  { variant: { label: 'SQLCipher 4, 16 KB pages', pageSize: 16384, pragmas: [...SQLCIPHER4, 'legacy_page_size = 16384'] }, plain: PLAIN_16K },
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
  prepareLikeTpt(db, true);
  const pageSize = db.pragma('page_size', { simple: true });
  if (pageSize !== variant.pageSize) throw new Error(`${variant.label}: page size ${String(pageSize)}, not ${variant.pageSize}`);
  const insertClient = db.prepare('INSERT INTO clients (client_id, created_at) VALUES (?, ?)');
  const insertSession = sessionInserter(db);
  db.pragma('journal_mode = DELETE');
  let insertMs = 0;
  db.exec('BEGIN IMMEDIATE');
  generatePractice(scale, seed, ({ client, sessions }) => {
    const started = now();
    insertClient.run(client.client_id, client.created_at);
    for (const s of sessions) insertSession(s);
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
 * Every database of CIPHER_VARIANTS written `rounds` times, all of them in each round (the order
 * turned by one each round), medians: a variant's cost is its share above its plain database.
 */
export function cipherBreakdown(dir: string, scale: Scale, seed: number, rounds = 3): CipherFigure[] {
  const all = [...new Set(CIPHER_VARIANTS.flatMap(({ variant, plain }) => [variant, plain]))];
  const times = new Map<CipherVariant, number[]>(all.map((variant) => [variant, []]));
  // Untimed: the first write of a process also compiles the loop and fills the allocator.
  writeSessions(`${dir}/cipher-variant.db`, scale, seed, PLAIN_4K);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < all.length; i++) {
      const variant = all[(i + round) % all.length]!;
      times.get(variant)!.push(writeSessions(`${dir}/cipher-variant.db`, scale, seed, variant));
    }
  }
  const median = (variant: CipherVariant) => {
    const sorted = times.get(variant)!.slice().sort((a, b) => a - b);
    return sorted[sorted.length >> 1]!;
  };
  return CIPHER_VARIANTS.map(({ variant, plain }) => ({
    label: variant.label, plainLabel: plain.label, encryptedMs: median(variant), plainMs: median(plain),
  }));
}
