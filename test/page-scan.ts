import { createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a text survives in the files under a directory: in clear, or in any page encrypted with
 * one of `keys` (raw 256-bit keys, as tpt's key files hold). SQLCipher encrypts each page with
 * AES-256-CBC from its own IV; inside a page every 16-byte block is decrypted by the block before
 * it, so decrypting a whole file as one CBC stream, at each of the 16 alignments, reads every
 * block of every page but the first of each, whatever the file's layout: database, WAL (24-byte
 * frame headers), rollback journal, free pages included. A text repeated more than a block long
 * cannot hide in those first blocks.
 */
export function filesHolding(dir: string, keys: Buffer[], text: string): string[] {
  const needle = Buffer.from(text);
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file);
    if (bytes.includes(needle)) return true;
    return keys.some((key) => decryptsToText(bytes, key, needle));
  });
}

function decryptsToText(bytes: Buffer, key: Buffer, needle: Buffer): boolean {
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
