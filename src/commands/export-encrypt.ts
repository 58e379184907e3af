import type { Context } from '../context.js';
import { askNewPassphrase } from './ask-passphrase.js';

/**
 * `tpt export --encrypt`: the export as an age file (age-encryption.org/v1), the format of the
 * `age` tool, so whoever receives it decrypts it with a standard tool. To the `--recipient` public
 * keys given (`age1…`), else to a passphrase (age's scrypt recipient) asked for twice on the
 * terminal, or TPT_EXPORT_PASSPHRASE without one; judged like a database's passphrase.
 */
export async function exportEncrypter(ctx: Context, recipients: string[]) {
  const { InputError } = await import('../core/errors.js');
  const { Encrypter } = await import('age-encryption');
  const encrypter = new Encrypter();
  if (recipients.length > 0) {
    for (const recipient of recipients) {
      try {
        encrypter.addRecipient(recipient.trim());
      } catch {
        throw new InputError(`--recipient ${recipient} is not an age public key (age1…): give the key the receiver's \`age-keygen\` printed`);
      }
    }
    return encrypter;
  }
  if (!ctx.canPrompt && !ctx.env.TPT_EXPORT_PASSPHRASE) {
    throw new InputError('--encrypt needs --recipient age1… (a public key of the receiver), or a passphrase: on a terminal, or in TPT_EXPORT_PASSPHRASE');
  }
  encrypter.setPassphrase(await askNewPassphrase(ctx, 'TPT_EXPORT_PASSPHRASE', 'tpt export --encrypt'));
  return encrypter;
}

type Encrypter = Awaited<ReturnType<typeof exportEncrypter>>;

/**
 * The ciphertext of `chunks`, produced as it is read: the export is pulled from the database
 * only as fast as the ciphertext is written, so memory stays flat. Plaintext goes to age in
 * pieces of about 64 KiB, the size of age's own chunks.
 */
export async function encryptChunks(chunks: AsyncIterable<string>, encrypter: Encrypter): Promise<AsyncIterable<Uint8Array>> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const plaintext = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let batch = '';
      while (batch.length < 65_536) {
        const next = await iterator.next();
        if (next.done) {
          if (batch !== '') controller.enqueue(encoder.encode(batch));
          controller.close();
          return;
        }
        batch += next.value;
      }
      controller.enqueue(encoder.encode(batch));
    },
  });
  const ciphertext = await encrypter.encrypt(plaintext);
  return {
    async *[Symbol.asyncIterator]() {
      const reader = ciphertext.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    },
  };
}
