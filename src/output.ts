import { fstatSync, statSync, writeSync } from 'node:fs';
import type { OutputStream } from './context.js';

/**
 * Standard output or error as tpt writes it: a pipe, a socket (what a Node parent's pipes are),
 * a file or /dev/null is written directly with write(2), as Node does for a file or /dev/null,
 * instead of through process.stdout, whose stream for a pipe loads Node's net and stream modules
 * and for a file or /dev/null its stream modules (more than a command's own work takes for a short
 * listing). A terminal and anything else get Node's stream. `onError` gets a failed write's error.
 */
export function outputOf(fd: 1 | 2, onError: (error: NodeJS.ErrnoException) => void): OutputStream {
  let direct: boolean;
  try {
    const stat = fstatSync(fd);
    direct = stat.isFIFO() || stat.isSocket() || stat.isFile() || (stat.isCharacterDevice() && isDevNull(stat));
  } catch {
    direct = false;
  }
  if (!direct) {
    const stream = fd === 1 ? process.stdout : process.stderr;
    stream.on('error', onError);
    return stream;
  }
  return {
    fd,
    write(chunk: string | Uint8Array): boolean {
      try {
        writeAll(fd, typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      } catch (error) {
        onError(error as NodeJS.ErrnoException);
      }
      return true;
    },
  } as OutputStream;
}

/** /dev/null (a script's `>/dev/null`); any other device, a terminal first, is left to Node. */
function isDevNull(stat: { rdev: number }): boolean {
  const devNull = statSync('/dev/null', { throwIfNoEntry: false });
  return devNull !== undefined && devNull.isCharacterDevice() && devNull.rdev === stat.rdev;
}

/** Writes every byte; a pipe another process left non-blocking is waited for when full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    try {
      written += writeSync(fd, bytes, written, bytes.length - written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 1);
    }
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));
