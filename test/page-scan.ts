import { createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a text survives in the files under a directory: in clear, or in any page encrypted with
 * one of `keys` (raw 256-bit keys, as tpt's key files hold), free pages included. SQLCipher
 * encrypts each 4096-byte page's first 4016 bytes (page 1: from byte 16, after the salt) with
 * AES-256-CBC under the IV stored right after them. Pages are read where each file keeps them: a
 * database (and a backup, a rekey's copy) page after page; a WAL after its 32-byte header, in
 * frames of a 24-byte header and a page; a rollback journal after its header sector, in records
 * of a page number, a page and a checksum. Any other file of under 4 MB is read as one CBC stream
 * at each of the 16 alignments (every block but each page's first).
 */
export function filesHolding(dir: string, keys: Buffer[], text: string): string[] {
  const needle = Buffer.from(text);
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file);
    if (bytes.includes(needle)) return true;
    return keys.some((key) => decryptsToText(bytes, key, needle));
  });
}

const PAGE = 4096;
const LAYOUTS = [
  { start: 0, stride: PAGE }, // a database
  { start: 32 + 24, stride: 24 + PAGE }, // a WAL
  { start: 512 + 4, stride: 4 + PAGE + 4 }, // a rollback journal, 512-byte sectors
  { start: 4096 + 4, stride: 4 + PAGE + 4 }, // a rollback journal, 4096-byte sectors
];

function decryptsToText(bytes: Buffer, key: Buffer, needle: Buffer): boolean {
  for (const { start, stride } of LAYOUTS) {
    for (let at = start; at + PAGE <= bytes.length; at += stride) {
      const from = at === 0 ? 16 : 0;
      const iv = bytes.subarray(at + PAGE - 80, at + PAGE - 64);
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(bytes.subarray(at + from, at + PAGE - 80)), decipher.final()]);
      if (plain.includes(needle)) return true;
    }
  }
  return bytes.length < 4 * 1024 * 1024 && anyAlignment(bytes, key, needle);
}

function anyAlignment(bytes: Buffer, key: Buffer, needle: Buffer): boolean {
  for (let align = 0; align < 16; align++) {
    const length = Math.floor((bytes.length - align) / 16) * 16;
    if (length < 32) continue;
    const cipher = bytes.subarray(align, align + length);
    const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(cipher), decipher.final()]);
    for (let i = length - 1; i >= 16; i--) plain[i]! ^= cipher[i - 16]!;
    if (plain.includes(needle)) return true;
  }
  return false;
}

/** The raw keys of every key file under `dir` (64 hex digits each). */
export function keysUnder(dir: string): Buffer[] {
  return filesUnder(dir)
    .filter((file) => statSync(file).size < 200)
    .map((file) => readFileSync(file, 'utf8').trim())
    .filter((text) => /^[0-9a-f]{64}$/i.test(text))
    .map((hex) => Buffer.from(hex, 'hex'));
}

export function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() && statSync(path).size > 0 ? [path] : [];
  });
}
