import { createCipheriv, createDecipheriv, createHmac, hkdfSync, pbkdf2Sync, randomFillSync } from 'node:crypto';
import { DamagedError, WrongKeyError } from '../store/errors.js';

/**
 * Seals the free text that leaves the process for a server (PostgreSQL), so that the server's
 * administrator holds ciphertext only, and no ciphertext can be moved to another row or column.
 *
 * Envelope (bytea), 37 bytes plus the text:
 *
 *   offset  0  1 byte   format, 0x01
 *   offset  1  8 bytes  key id: the first 8 bytes of HMAC-SHA256(field key, "tpt field key id")
 *   offset  9 12 bytes  nonce, fresh from the system's random source for every value
 *   offset 21  n bytes  AES-256-GCM ciphertext of the UTF-8 text
 *   offset 21+n 16 bytes GCM tag
 *
 * Associated data (authenticated, not stored): the 21-byte header, then the table, the column and
 * the row, each as a 4-byte big-endian length and its UTF-8 bytes. The lengths keep ("ab", "c")
 * and ("a", "bc") apart. A value opened under any other table, column or row fails its tag.
 *
 * Random 96-bit nonces under one key stay within NIST SP 800-38D's bound (2^32 values per key)
 * for any practice's lifetime; a rekey starts a new key anyway.
 */
export const ENVELOPE_FORMAT = 0x01;
export const KEY_ID_BYTES = 8;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

/** Where a value lives: the table, the column, and the row's key as the engine spells it. */
export interface FieldPlace {
  table: string;
  column: string;
  row: string;
}

/** tpt's key material as the key file (64 hex digits) or a passphrase gives it. */
export type KeyMaterial = { kind: 'raw'; hex: string } | { kind: 'passphrase'; passphrase: string };

/**
 * Nonces are cut from a pool that the system's random source fills, 12 bytes used once each: a
 * call of randomBytes(12) cost 1.9 µs and a cut of the pool 0.06 µs (Node 20, measured), and an
 * import seals about ten values a session (randomBytes was a fifth of a PostgreSQL import's CPU).
 * A nonce is no secret (the envelope holds it in clear); it must never repeat under one key, and
 * no byte of the pool is used twice.
 */
const NONCE_POOL = Buffer.allocUnsafe(NONCE_BYTES * 1024);
let noncePoolUsed = NONCE_POOL.length;

function freshNonceInto(target: Buffer, offset: number): void {
  if (noncePoolUsed + NONCE_BYTES > NONCE_POOL.length) {
    randomFillSync(NONCE_POOL);
    noncePoolUsed = 0;
  }
  NONCE_POOL.copy(target, offset, noncePoolUsed, noncePoolUsed + NONCE_BYTES);
  noncePoolUsed += NONCE_BYTES;
}

export interface FieldKey {
  /** 8 bytes, hex: names the key in every envelope sealed with it. */
  readonly id: string;
  readonly secret: Buffer;
}

const HEX_KEY = /^[0-9a-f]{64}$/i;
/** As SQLCipher 4 takes a passphrase (PBKDF2-HMAC-SHA512, 256,000 iterations). */
export const PASSPHRASE_ITERATIONS = 256_000;

/**
 * The field key from tpt's key material. A raw key goes through HKDF-SHA256 with its own label,
 * so the key that encrypts an SQLite file is never itself used for a second purpose. A passphrase
 * needs the salt stored beside the data (16 random bytes or more, made once per database).
 */
export function fieldKeyFrom(material: KeyMaterial, salt?: Buffer): FieldKey {
  let secret: Buffer;
  if (material.kind === 'raw') {
    if (!HEX_KEY.test(material.hex)) throw new TypeError('a raw tpt key is 64 hex digits');
    secret = Buffer.from(hkdfSync('sha256', Buffer.from(material.hex, 'hex'), 'tpt', 'tpt field cipher v1', 32));
  } else {
    if (salt === undefined || salt.length < 16) throw new TypeError('a passphrase needs the database\'s salt of 16 bytes or more');
    secret = pbkdf2Sync(Buffer.from(material.passphrase, 'utf8'), salt, PASSPHRASE_ITERATIONS, 32, 'sha512');
  }
  return { id: keyIdOf(secret), secret };
}

/** A key id says which key sealed a value and nothing about the key (an HMAC under it). */
export function keyIdOf(secret: Buffer): string {
  return createHmac('sha256', secret).update('tpt field key id').digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/** The id of the key that sealed an envelope, for a rekey that picks what it still has to do. */
export function envelopeKeyId(envelope: Buffer): string {
  if (envelope.length < HEADER_BYTES + TAG_BYTES || envelope[0] !== ENVELOPE_FORMAT) {
    throw new DamagedError('a stored value is not a tpt sealed value (wrong format or too short): restore the database from a backup');
  }
  return envelope.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
}

export function associatedData(header: Buffer, place: FieldPlace): Buffer {
  const parts: Buffer[] = [header];
  for (const text of [place.table, place.column, place.row]) {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}

/**
 * Seals with the first key given and opens with any of them (the one the envelope names), so a
 * rekey can run in batches: values still under the old key open while new ones go under the new.
 */
export class FieldCipher {
  private readonly current: FieldKey;
  private readonly byId: Map<string, FieldKey>;

  constructor(keys: readonly [FieldKey, ...FieldKey[]]) {
    this.current = keys[0];
    this.byId = new Map(keys.map((key) => [key.id, key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  seal(text: string, place: FieldPlace): Buffer {
    const header = Buffer.alloc(HEADER_BYTES);
    header[0] = ENVELOPE_FORMAT;
    Buffer.from(this.current.id, 'hex').copy(header, 1);
    freshNonceInto(header, 1 + KEY_ID_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.secret, header.subarray(1 + KEY_ID_BYTES), { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(header, place));
    const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  }

  open(envelope: Buffer, place: FieldPlace): string {
    const keyId = envelopeKeyId(envelope);
    const key = this.byId.get(keyId);
    if (key === undefined) {
      throw new WrongKeyError(
        `${describe(place)} is sealed under key ${keyId}, which was not given: give the key file (or passphrase) of that key`,
        keyId,
      );
    }
    const header = envelope.subarray(0, HEADER_BYTES);
    const tag = envelope.subarray(envelope.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key.secret, header.subarray(1 + KEY_ID_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(header, place));
    decipher.setAuthTag(tag);
    try {
      const text = Buffer.concat([decipher.update(envelope.subarray(HEADER_BYTES, envelope.length - TAG_BYTES)), decipher.final()]);
      return text.toString('utf8');
    } catch (error) {
      throw new DamagedError(
        `${describe(place)} fails its seal (altered, or moved from another row or column): restore it from a backup`,
        { cause: error },
      );
    }
  }

  /** Whether a value was sealed under an older key (a rekey batch takes it). */
  isStale(envelope: Buffer): boolean {
    return envelopeKeyId(envelope) !== this.current.id;
  }
}

function describe(place: FieldPlace): string {
  return `the value of ${place.table}.${place.column} in row ${place.row}`;
}
