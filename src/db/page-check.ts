import { closeSync, openSync, readSync } from 'node:fs';
import { nodeCrypto } from '../node-crypto.js';
import type { DatabaseKey } from './connection.js';

/** SQLCipher 4 layout (connection.ts): 4096-byte pages ending in a 16-byte IV and a 64-byte HMAC. */
const PAGE = 4096;
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
