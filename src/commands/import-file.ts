import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { isAscii, isUtf8 } from 'node:buffer';
import { InputError } from '../core/errors.js';

/** Bytes read from the file at a time, into one buffer reused to the end. */
const READ_BYTES = 1 << 20;
/**
 * Bytes handed to the reader as one piece of text. A string this small lives in V8's young
 * generation, whose memory is reused at every collection; a string of megabytes is allocated in
 * fresh pages each time (and joined to the rest of the last piece, copied again), which measured
 * several times the cost of parsing it (docs/export-import-performance.md, issue 16).
 */
const TEXT_BYTES = 64 << 10;

/** The length of the bytes that end on a whole UTF-8 character (a cut one waits for the next read). */
export function completeUtf8(bytes: Buffer, length: number): number {
  let lead = length - 1;
  while (lead > 0 && lead > length - 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  const byte = bytes[lead]!;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + size > length ? lead : length;
}

/** Text of `bytes` from `start`: up to TEXT_BYTES, ending on a whole character unless `last`. */
function pieceOf(bytes: Buffer, start: number, end: number, last: boolean): { text: string; end: number } {
  let stop = Math.min(end, start + TEXT_BYTES);
  if (stop < end || !last) stop = start + completeUtf8(bytes.subarray(start, stop), stop - start);
  const part = bytes.subarray(start, stop);
  // Pure ASCII (the usual case) decodes as latin1 without UTF-8 decoding work.
  return { text: isAscii(part) ? part.toString('latin1') : part.toString('utf8'), end: stop };
}

const notARegularFile = (path: string) =>
  new InputError(`${path} is not a regular file: give the path of a file written by \`tpt export\``);

/**
 * Checked before anything opens the file: opening a FIFO waits for a writer, for ever (finding
 * 11), and a device or a directory is no export either. A missing file is left to the reader's message.
 */
export function requireRegularFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    return;
  }
  if (!isFile) throw notARegularFile(path);
}

/**
 * The import file as text, read in 1 MB reads into one buffer and handed out in pieces of 64 KB
 * (a UTF-8 character cut by a piece's end waits for the next). Reads are synchronous: the import
 * runs inside one transaction.
 */
export function fileSource(path: string, progress?: (done: number, total: number) => void) {
  const notAFile = notARegularFile(path);
  let fd: number;
  try {
    requireRegularFile(path);
    // Opened without waiting, in case it was swapped for a FIFO since the check.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `no file ${path}: give the path of a file written by \`tpt export\`` : `cannot read ${path}: ${(error as Error).message}`);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw notAFile;
  }
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  let position = 0;
  // The bytes read and not yet handed out: buffer[start, end).
  let start = 0;
  let end = 0;
  let ended = false;
  return {
    read(): string | null {
      if (end - start < TEXT_BYTES && !ended) {
        buffer.copy(buffer, 0, start, end);
        end -= start;
        start = 0;
        const count = readSync(fd, buffer, end, READ_BYTES - end, position);
        position += count;
        end += count;
        ended = count === 0;
        progress?.(position, stat.size);
      }
      if (start === end) return null;
      const piece = pieceOf(buffer, start, end, ended);
      if (piece.text.includes('\ufffd')) refuseInvalidUtf8(path, buffer.subarray(start, piece.end), position - (end - start));
      start = piece.end;
      return piece.text;
    },
    done(): void {
      closeSync(fd);
    },
  };
}

/**
 * Bytes that are not UTF-8 would become U+FFFD without a word, and the record would be stored
 * changed (finding 12): refused, at the byte where it goes wrong. A U+FFFD written as such is text.
 */
function refuseInvalidUtf8(path: string, bytes: Buffer, offset: number): void {
  if (isUtf8(bytes)) return;
  const text = bytes.toString('utf8');
  let at = 0;
  for (let index = text.indexOf('\ufffd'); index !== -1; index = text.indexOf('\ufffd', index + 1)) {
    at = Buffer.byteLength(text.slice(0, index));
    if (!bytes.subarray(at, at + 3).equals(REPLACEMENT)) break;
  }
  throw new InputError(`${path} is not valid UTF-8 at byte ${offset + at}: save it as UTF-8 (as \`tpt export\` writes it); nothing was imported`);
}

const REPLACEMENT = Buffer.from('\ufffd');

/** The same reader over text already in memory (a decrypted export), in pieces of the same size. */
export function bufferSource(bytes: Buffer, progress?: (done: number, total: number) => void): ReturnType<typeof fileSource> {
  let position = 0;
  return {
    read(): string | null {
      if (position >= bytes.length) return null;
      const piece = pieceOf(bytes, position, bytes.length, true);
      if (piece.text.includes('\ufffd')) refuseInvalidUtf8('the decrypted file', bytes.subarray(position, piece.end), position);
      position = piece.end;
      progress?.(position, bytes.length);
      return piece.text;
    },
    done(): void {
      bytes.fill(0); // the plaintext does not linger in memory longer than needed
    },
  };
}
