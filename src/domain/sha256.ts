/** SHA-256 on the floor below core and the engines: the audit chain hashes with it. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { nodeCrypto } from '../node-crypto.js';

/** Hashes worth loading node:crypto for: it hashes twice as fast, but loading it costs more than a few. */
const BEFORE_NODE_CRYPTO = 32;
let hashed = 0;

/** SHA-256 of a text's UTF-8, in hex: the same digest either way (test/core/sha256.test.ts). */
export function sha256Hex(text: string): string {
  hashed += 1;
  if (hashed > BEFORE_NODE_CRYPTO) return nodeCrypto().createHash('sha256').update(text, 'utf8').digest('hex');
  return bytesToHex(sha256(utf8ToBytes(text)));
}
