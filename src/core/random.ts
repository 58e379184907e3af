import { closeSync, openSync, readSync } from 'node:fs';
import { nodeCrypto } from '../node-crypto.js';

/**
 * `count` random bytes from the kernel's generator, read from /dev/urandom (where node:crypto's
 * come from too) so that a new id does not load node:crypto; node:crypto where there is none.
 */
export function randomBytes(count: number): Buffer {
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return nodeCrypto().randomBytes(count);
  }
  try {
    const bytes = Buffer.alloc(count);
    for (let read = 0; read < count;) read += readSync(fd, bytes, read, count - read, null);
    return bytes;
  } finally {
    closeSync(fd);
  }
}
