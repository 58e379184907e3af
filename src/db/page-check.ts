import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { nodeCrypto } from '../node-crypto.js';
import type { DatabaseKey } from './connection.js';

/** SQLCipher 4 layout (connection.ts): 4096-byte pages ending in a 16-byte IV and a 64-byte HMAC. */
const PAGE = 4096;
export const PAGE_SIZE = PAGE;
const RESERVE = 80;

/**
 * Whether page `number` (from 1) of the file authenticates under `key`, checked by the SQLCipher
 * 4 format itself: HMAC-SHA512 over the page's ciphertext, IV and number, keyed by PBKDF2 (2
 * rounds) of the encryption key with the file's salt XOR 0x3a. It tells a wrong key (no page
 * authenticates) from a damaged page (the others do). Undefined when the file has no such page.
 */
export function pageAuthenticates(path: string, key: DatabaseKey, number: number): boolean | undefined {
  const { createHmac, pbkdf2Sync } = nodeCrypto();
  const salt = Buffer.alloc(16);
  const page = Buffer.alloc(PAGE);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, salt, 0, 16, 0) !== 16) return undefined;
    if (readSync(fd, page, 0, PAGE, (number - 1) * PAGE) !== PAGE) return undefined;
  } finally {
    closeSync(fd);
  }
  const encryptionKey = key.kind === 'raw'
    ? Buffer.from(key.hex, 'hex')
    : pbkdf2Sync(key.passphrase, salt, 256_000, 32, 'sha512');
  const hmacKey = pbkdf2Sync(encryptionKey, Buffer.from(salt.map((byte) => byte ^ 0x3a)), 2, 32, 'sha512');
  const start = number === 1 ? 16 : 0;
  const pageNumber = Buffer.alloc(4);
  pageNumber.writeUInt32LE(number);
  const mac = createHmac('sha512', hmacKey)
    .update(page.subarray(start, PAGE - RESERVE + 16))
    .update(pageNumber)
    .digest();
  return mac.equals(page.subarray(PAGE - 64));
}

/**
 * Damage the file itself shows, told apart from a wrong key; undefined when the file cannot tell
 * (a wrong key and a damaged salt look the same under a passphrase). A tpt database is a whole
 * number of 4096-byte pages; a first page that fails where the second authenticates is damaged;
 * under a raw key (no key derivation from the salt), a first page that decrypts to SQLite's
 * header but does not authenticate has a damaged salt or HMAC.
 */
export function fileDamage(path: string, key: DatabaseKey): string | undefined {
  const size = statSync(path).size;
  if (size % PAGE !== 0) {
    return `it is ${size} bytes long, not a whole number of ${PAGE}-byte pages: it was cut short or written over`;
  }
  const first = pageAuthenticates(path, key, 1);
  if (first === false && pageAuthenticates(path, key, 2) === true) {
    return 'its first page does not authenticate, though the key opens the others';
  }
  if (first === false && key.kind === 'raw' && decryptsToHeader(path, key.hex)) {
    return 'its first page decrypts with the key but does not authenticate (its salt or checksum was changed)';
  }
  return undefined;
}

/**
 * Whether page 1 decrypts (AES-256-CBC, the raw key, the page's IV) to the fixed bytes of SQLite's
 * header that follow the salt: page size 4096 at offset 16, and 64, 32, 32 at offsets 21–23.
 */
function decryptsToHeader(path: string, hex: string): boolean {
  const page = Buffer.alloc(PAGE);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, page, 0, PAGE, 0) !== PAGE) return false;
  } finally {
    closeSync(fd);
  }
  const { createDecipheriv } = nodeCrypto();
  const iv = page.subarray(PAGE - RESERVE, PAGE - RESERVE + 16);
  const decipher = createDecipheriv('aes-256-cbc', Buffer.from(hex, 'hex'), iv).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(page.subarray(16, 48)), decipher.final()]);
  return plain.readUInt16BE(0) === PAGE && plain[5] === 64 && plain[6] === 32 && plain[7] === 32;
}
