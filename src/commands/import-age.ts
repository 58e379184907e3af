import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Context } from '../context.js';

const BINARY_HEADER = 'age-encryption.org/v1\n';
const ARMOR_HEADER = '-----BEGIN AGE ENCRYPTED FILE-----';

/** Whether the file is an age file (binary or armored), by its first bytes. */
export function isAgeFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(ARMOR_HEADER.length);
    const count = readSync(fd, head, 0, head.length, 0);
    const text = head.subarray(0, count).toString('latin1');
    return text.startsWith(BINARY_HEADER) || text.startsWith(ARMOR_HEADER);
  } catch {
    return false; // the import itself reports a missing or unreadable file
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The plaintext of an encrypted export, with the identities of `--identity FILE` (an age
 * identity file, as `age-keygen` writes), else the passphrase asked for on the terminal. It is
 * decrypted whole, in memory, before anything is imported: age authenticates every chunk, so a
 * wrong key or a changed file is refused with nothing written, and no plaintext touches the disk.
 */
export async function decryptExport(ctx: Context, path: string, identityFile: string | undefined): Promise<Buffer> {
  const { InputError, TptError } = await import('../core/errors.js');
  const { Decrypter, armor } = await import('age-encryption');
  const decrypter = new Decrypter();
  if (identityFile !== undefined) {
    for (const identity of readIdentities(identityFile, InputError)) decrypter.addIdentity(identity);
  } else if (ctx.canPrompt) {
    const { password } = await ctx.prompts();
    decrypter.addPassphrase(await password({ message: `Passphrase of the encrypted export ${path}`, mask: true }));
  } else {
    throw new InputError(`${path} is an encrypted export: give --identity FILE (the receiver's age identity), or run on a terminal to type its passphrase`);
  }
  let file: Uint8Array = readFileSync(path);
  try {
    const text = Buffer.from(file.subarray(0, ARMOR_HEADER.length)).toString('latin1');
    if (text.startsWith(ARMOR_HEADER)) file = armor.decode(Buffer.from(file).toString('latin1'));
    return Buffer.from(await decrypter.decrypt(file));
  } catch (error) {
    throw new TptError(`cannot decrypt ${path}: ${describe(error)}; nothing was imported`);
  }
}

function readIdentities(path: string, InputError: new (message: string) => Error): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the identity file ${path}: ${(error as Error).message}`);
  }
  const identities = text.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('AGE-SECRET-KEY-'));
  if (identities.length === 0) {
    throw new InputError(`${path} holds no age identity (a line AGE-SECRET-KEY-1…): give the file \`age-keygen\` wrote`);
  }
  return identities;
}

/** age's reasons, said for a person: the usual one is a key or passphrase that does not fit. */
function describe(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/no identity matched|incorrect passphrase|scrypt/i.test(message)) return 'wrong identity or passphrase';
  return message.replace(/\.$/, '');
}
