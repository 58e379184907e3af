import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { InputError } from '../core/errors.js';

const CHUNK_BYTES = 4 << 20;

/** The length of the bytes that end on a whole UTF-8 character (a cut one waits for the next read). */
export function completeUtf8(bytes: Buffer, length: number): number {
  let lead = length - 1;
  while (lead > 0 && lead > length - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  const byte = bytes[lead]!;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + size > length ? lead : length;
}

/**
 * The import file as text, read in 4 MB chunks (a UTF-8 character cut by a chunk's end waits for
 * the rest from the next read). Reads are synchronous: the import runs inside one transaction.
 */
export function fileSource(path: string, progress?: (done: number, total: number) => void) {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no file ${path}: give the path of a file written by \`tpt export\`` : `cannot read ${path}: ${(error as Error).message}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new InputError(`${path} is not a file: give the path of a file written by \`tpt export\``);
  }
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  // Bytes of a character cut in two by the chunk's end, carried to the front of the next read.
  let carried = 0;
  return {
    read(): string | null {
      const count = readSync(fd, buffer, carried, CHUNK_BYTES - carried, position);
      position += count;
      progress?.(position, stat.size);
      const total = carried + count;
      if (total === 0) return null;
      const end = count === 0 ? total : completeUtf8(buffer, total);
      const part = buffer.subarray(0, end);
      // Pure ASCII (the usual case) decodes as latin1 without UTF-8 decoding work.
      const text = isAscii(part) ? part.toString('latin1') : part.toString('utf8');
      carried = total - end;
      buffer.copy(buffer, 0, end, total);
      return text;
    },
    done(): void {
      closeSync(fd);
    },
  };
}

/** The same reader over text already in memory (a decrypted export), in chunks of the same size. */
export function bufferSource(bytes: Buffer, progress?: (done: number, total: number) => void): ReturnType<typeof fileSource> {
  let position = 0;
  return {
    read(): string | null {
      if (position >= bytes.length) return null;
      const end = position + CHUNK_BYTES >= bytes.length
        ? bytes.length
        : position + completeUtf8(bytes.subarray(position, position + CHUNK_BYTES), CHUNK_BYTES);
      const text = bytes.toString('utf8', position, end);
      position = end;
      progress?.(position, bytes.length);
      return text;
    },
    done(): void {
      bytes.fill(0); // the plaintext does not linger in memory longer than needed
    },
  };
}
