import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../core/errors.js';

const CHUNK_BYTES = 1 << 20;

/**
 * The import file as text, read in 1 MB chunks (UTF-8 split safely between chunks), once per
 * pass. Reads are synchronous because the passes run inside one database transaction.
 */
export function fileSource(path: string, progress?: (pass: number, done: number, total: number) => void) {
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
  let pass = 0;
  return {
    open(): () => string | null {
      pass++;
      const decoder = new StringDecoder('utf8');
      let position = 0;
      let ended = false;
      return () => {
        if (ended) return null;
        const read = readSync(fd, buffer, 0, CHUNK_BYTES, position);
        position += read;
        progress?.(pass, position, stat.size);
        if (read === 0) {
          ended = true;
          const rest = decoder.end();
          return rest === '' ? null : rest;
        }
        return decoder.write(buffer.subarray(0, read));
      };
    },
    done(): void {
      closeSync(fd);
    },
  };
}
