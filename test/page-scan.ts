import { createDecipheriv } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a text survives in the files under a directory: in clear, or in any page encrypted with
 * one of `keys` (raw 256-bit keys, as tpt's key files hold), free pages included. SQLCipher
 * encrypts each 4096-byte page's first 4016 bytes (page 1: from byte 16, after the salt) with
 * AES-256-CBC under an IV stored after them. Inside a page every 16-byte block is decrypted by the
 * block before it, so a whole file decrypted as one CBC stream reads every block of every page but
 * each page's first, wherever the file keeps its pages: a database (a backup, a rekey's copy) from
 * byte 0, a WAL from byte 56 in frames of 4120 bytes, a rollback journal from byte 516 (or 4100) in
 * records of 4104. Those start at offsets of 0, 4, 8 or 12 modulo 16: the stream is read at each of
 * these alignments (every alignment for a file under 4 MB). A text repeated more than a block long
 * cannot hide in the first blocks.
 */
export function filesHolding(dir: string, keys: Buffer[], text: string): string[] {
  return textsHeld(dir, keys, [text]).get(text)!;
}

/** The same for several texts at once, one pass over the files: each text → the files holding it. */
export function textsHeld(dir: string, keys: Buffer[], texts: string[]): Map<string, string[]> {
  const found = new Map(texts.map((text) => [text, [] as string[]]));
  const needles = texts.map((text) => Buffer.from(text));
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    const held = new Set<number>();
    const search = (view: Buffer) => needles.forEach((needle, i) => {
      if (!held.has(i) && view.includes(needle)) held.add(i);
    });
    search(bytes);
    for (const key of keys) {
      for (const align of alignments(bytes)) {
        if (held.size < needles.length) search(cbcStream(bytes, key, align));
      }
    }
    for (const i of held) found.get(texts[i]!)!.push(file);
  }
  return found;
}

const alignments = (bytes: Buffer) => (bytes.length < 4 * 1024 * 1024 ? [...Array(16).keys()] : [0, 4, 8, 12]);

/** The file from `align` decrypted as one CBC stream: each block by AES, then XOR the ciphertext block before it. */
function cbcStream(bytes: Buffer, key: Buffer, align: number): Buffer {
  const length = Math.floor((bytes.length - align) / 16) * 16;
  if (length < 32) return Buffer.alloc(0);
  const cipher = new Uint8Array(length);
  cipher.set(bytes.subarray(align, align + length));
  const decipher = createDecipheriv('aes-256-ecb', key, null).setAutoPadding(false);
  const plain = new Uint8Array(length);
  plain.set(Buffer.concat([decipher.update(cipher), decipher.final()]));
  const plain32 = new Uint32Array(plain.buffer);
  const cipher32 = new Uint32Array(cipher.buffer);
  for (let i = plain32.length - 1; i >= 4; i--) plain32[i]! ^= cipher32[i - 4]!;
  return Buffer.from(plain.buffer);
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
