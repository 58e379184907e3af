import { createWriteStream, existsSync, linkSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { TptError } from '../core/errors.js';

export interface ExportFile {
  path: string;
  stream: WriteStream;
  /** Moves the finished file into place. */
  finish(): Promise<void>;
  /** Removes the partial file after a failure. */
  abandon(): void;
}

/**
 * An export file is written beside its target under a temporary name (mode 0600: it holds
 * records) and moved into place only when complete, so a failed export leaves no half file and
 * never destroys the old one. Without `force` an existing file is never replaced.
 */
export async function openExportFile(path: string, force: boolean): Promise<ExportFile> {
  const target = resolve(path);
  if (!force && existsSync(target)) {
    throw new TptError(`${path} already exists: choose another --out file, or add --force to replace it`);
  }
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const stream = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  await new Promise<void>((ready, fail) => {
    stream.once('open', () => ready());
    stream.once('error', (error) => fail(new TptError(`cannot write ${path}: ${error.message}`)));
  });
  return {
    path: target,
    stream,
    async finish() {
      await new Promise<void>((done, fail) => {
        stream.end(() => done());
        stream.once('error', fail);
      });
      try {
        if (force) {
          renameSync(temporary, target);
        } else {
          // link refuses a file that appeared meanwhile, where rename would replace it.
          linkSync(temporary, target);
          rmSync(temporary);
        }
      } catch (error) {
        rmSync(temporary, { force: true });
        const code = (error as NodeJS.ErrnoException).code;
        throw new TptError(code === 'EEXIST'
          ? `${path} already exists: choose another --out file, or add --force to replace it`
          : `cannot write ${path}: ${(error as Error).message}`);
      }
    },
    abandon() {
      stream.destroy();
      rmSync(temporary, { force: true });
    },
  };
}
