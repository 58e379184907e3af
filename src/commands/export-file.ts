import { createWriteStream, existsSync, linkSync, lstatSync, readdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, TptError } from '../core/errors.js';
import type { Context } from '../context.js';

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
export async function openExportFile(path: string, force: boolean, ctx: Pick<Context, 'registerWork'>): Promise<ExportFile> {
  const target = resolve(path);
  if (!existsSync(dirname(target))) {
    throw new InputError(`cannot write ${path}: its directory does not exist; create it first`);
  }
  if (existsSync(target)) {
    if (!force) throw new TptError(`${path} already exists: choose another --out file, or add --force to replace it`);
    // --force replaces a file, never a device, a directory or whatever a link points at.
    if (!lstatSync(target).isFile()) {
      throw new InputError(`${path} is not a regular file: --out replaces only files; choose another path`);
    }
  }
  removeAbandonedPartials(target);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  // Killed outright, this process cannot remove it: the next tpt command on the database does.
  const work = await ctx.registerWork([temporary]);
  const stream = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  await new Promise<void>((ready, fail) => {
    stream.once('open', () => ready());
    stream.once('error', (error) => fail(new TptError(`cannot write ${path}: ${error.message}`)));
  });
  // The partial file holds records in clear: an interrupted export must not leave it behind.
  const onSignal = (signal: NodeJS.Signals) => {
    stream.destroy();
    rmSync(temporary, { force: true });
    work.done();
    process.stderr.write(`tpt: export interrupted; ${path} was not written\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const forgetSignals = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return {
    path: target,
    stream,
    async finish() {
      await new Promise<void>((done, fail) => {
        stream.end(() => done());
        stream.once('error', fail);
      });
      forgetSignals();
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
      } finally {
        work.done();
      }
    },
    abandon() {
      forgetSignals();
      stream.destroy();
      rmSync(temporary, { force: true });
      work.done();
    },
  };
}

/**
 * A run killed outright (SIGKILL, power loss) cannot remove its partial file, which holds records
 * in clear: the next export to the same file removes those whose process is gone.
 */
function removeAbandonedPartials(target: string): void {
  const prefix = `.${basename(target)}.`;
  for (const name of readdirSync(dirname(target))) {
    if (!name.startsWith(prefix) || !name.endsWith('.partial')) continue;
    const pid = name.slice(prefix.length, -'.partial'.length);
    if (/^\d+$/.test(pid) && !isRunning(Number(pid))) rmSync(join(dirname(target), name), { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
