/**
 * Account passwords (issue 23): strength judged as passphrases are (the check is passed in, so this
 * floor module imports nothing from core; the caller passes core's refuseWeakPassphrase), stored
 * with scrypt, verified in constant time. The stored form names its own parameters, so they can be
 * raised later without locking anyone out: `scrypt$ln=16,r=8,p=2$<salt b64>$<hash b64>`.
 */
import { nodeCrypto } from '../node-crypto.js';

/**
 * scrypt's cost: N = 2^16, r = 8, p = 2 (OWASP's password-storage setting of equal strength to
 * 2^17/8/1): 128 · N · r = 64 MiB of memory per hash, each of the p = 2 lanes once. Measured on
 * the project's 2-core machine (Node 20): 0.36–0.5 s a hash (ln 14: 37 ms, 15: 79 ms, 16: 181 ms,
 * 17: 517 ms at p = 1). docs/practice.md records the measurement.
 */
export const SCRYPT_PARAMS = { ln: 16, r: 8, p: 2 } as const;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** The most a stored hash may ask for: a tampered row must not make a login eat the server. */
const MAX_LN = 20;
const MAX_R = 16;
const MAX_P = 4;

export type StrengthCheck = (password: string, context: string[]) => Promise<void>;

interface ScryptParams { ln: number; r: number; p: number }

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses more than maxmem (32 MiB by default); allow what these parameters need, and a margin.
  const maxmem = 128 * N * params.r * 2 + 1024 * 1024;
  return new Promise((resolve, reject) => {
    nodeCrypto().scrypt(password.normalize('NFC'), salt, HASH_BYTES, { N, r: params.r, p: params.p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function encode(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function decode(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  const match = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  if (params.ln < 1 || params.ln > MAX_LN || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) return undefined;
  return { params, salt: Buffer.from(match[4]!, 'base64'), hash: Buffer.from(match[5]!, 'base64') };
}

/**
 * The stored form of a new password, after `refuseWeak` (core's refuseWeakPassphrase) has judged
 * it with the words an attacker would try first (the account's name, the practice's).
 */
export async function hashNewPassword(
  password: string, context: string[], refuseWeak: StrengthCheck, params: ScryptParams = SCRYPT_PARAMS,
): Promise<string> {
  await refuseWeak(password, context);
  const salt = nodeCrypto().randomBytes(SALT_BYTES);
  return encode(params, salt, await scrypt(password, salt, params));
}

/**
 * Whether `password` is the one `stored` was made from, compared in constant time. A malformed
 * or absent stored value (an unknown account: pass undefined) still costs one full hash, so a
 * login's time does not say whether the account exists.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const decoded = stored === undefined ? undefined : decode(stored);
  if (decoded === undefined) {
    await scrypt(password, Buffer.alloc(SALT_BYTES), SCRYPT_PARAMS);
    return false;
  }
  const hash = await scrypt(password, decoded.salt, decoded.params);
  return hash.length === decoded.hash.length && nodeCrypto().timingSafeEqual(hash, decoded.hash);
}

/** Whether a stored hash was made with weaker parameters than today's: rehash it at the next login. */
export function needsRehash(stored: string): boolean {
  const decoded = decode(stored);
  if (decoded === undefined) return true;
  const { ln, r, p } = decoded.params;
  return ln < SCRYPT_PARAMS.ln || r < SCRYPT_PARAMS.r || p < SCRYPT_PARAMS.p;
}
