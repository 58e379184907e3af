import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher, envelopeKeyId, fieldKeyFrom, type FieldPlace } from '../../src/pg/field-cipher.js';
import { DamagedError, WrongKeyError } from '../../src/store/errors.js';

const KEY_A = { kind: 'raw', hex: '00'.repeat(31) + '01' } as const;
const KEY_B = { kind: 'raw', hex: '00'.repeat(31) + '02' } as const;
const SUMMARY: FieldPlace = { table: 'sessions', column: 'conversation_summary', row: 'c0ffee/S1' };

describe('field cipher', () => {
  it('derives the field key by HKDF-SHA256 and names it by an HMAC, as the envelope comment says', () => {
    const secret = Buffer.from(hkdfSync('sha256', Buffer.from(KEY_A.hex, 'hex'), 'tpt', 'tpt field cipher v1', 32));
    const key = fieldKeyFrom(KEY_A);
    expect(key.secret.equals(secret)).toBe(true);
    expect(key.id).toBe(createHmac('sha256', secret).update('tpt field key id').digest('hex').slice(0, 16));
    // Not the raw key itself: the SQLite file's key is never used for a second purpose.
    expect(key.secret.toString('hex')).not.toBe(KEY_A.hex);
  });

  it('seals into the documented layout, which a plain AES-256-GCM decryption opens', () => {
    const key = fieldKeyFrom(KEY_A);
    const envelope = new FieldCipher([key]).seal('slept badly; better', SUMMARY);
    // 1 format byte + 8 key id + 12 nonce + 19 text bytes + 16 tag.
    expect(envelope.length).toBe(1 + 8 + 12 + 19 + 16);
    expect(envelope[0]).toBe(1);
    expect(envelope.subarray(1, 9).toString('hex')).toBe(key.id);
    // The associated data written out by hand: header, then length-prefixed table, column, row.
    const aad = Buffer.concat([
      envelope.subarray(0, 21),
      Buffer.from([0, 0, 0, 8]), Buffer.from('sessions'),
      Buffer.from([0, 0, 0, 20]), Buffer.from('conversation_summary'),
      Buffer.from([0, 0, 0, 9]), Buffer.from('c0ffee/S1'),
    ]);
    const decipher = createDecipheriv('aes-256-gcm', key.secret, envelope.subarray(9, 21));
    decipher.setAAD(aad);
    decipher.setAuthTag(envelope.subarray(envelope.length - 16));
    const text = Buffer.concat([decipher.update(envelope.subarray(21, envelope.length - 16)), decipher.final()]);
    expect(text.toString('utf8')).toBe('slept badly; better');
    expect(envelope.includes(Buffer.from('slept'))).toBe(false);
  });

  it('round-trips text, empty text and non-ASCII text', () => {
    const cipher = new FieldCipher([fieldKeyFrom(KEY_A)]);
    for (const text of ['', 'a', 'Überforderung im Job — „zu viel“ 😔', 'x'.repeat(100_000)]) {
      expect(cipher.open(cipher.seal(text, SUMMARY), SUMMARY)).toBe(text);
    }
  });

  it('takes a fresh nonce for every value: the same text twice seals differently', () => {
    const cipher = new FieldCipher([fieldKeyFrom(KEY_A)]);
    const nonces = new Set<string>();
    // 3,000: past two refills of the nonce pool (1,024 nonces), so no refill repeats one.
    for (let i = 0; i < 3000; i++) nonces.add(cipher.seal('same', SUMMARY).subarray(9, 21).toString('hex'));
    expect(nonces.size).toBe(3000);
  });

  it('refuses a value with any byte altered: format, key id, nonce, text or tag', () => {
    const cipher = new FieldCipher([fieldKeyFrom(KEY_A)]);
    const envelope = cipher.seal('homework: walk daily', SUMMARY);
    // Offsets 1 (key id) fails as a key not given; every other flip fails the seal or the format.
    for (const offset of [0, 9, 20, 21, 30, envelope.length - 1]) {
      const tampered = Buffer.from(envelope);
      tampered[offset]! ^= 0x01;
      expect(() => cipher.open(tampered, SUMMARY), `byte ${offset}`).toThrow(DamagedError);
    }
    const otherId = Buffer.from(envelope);
    otherId[1]! ^= 0x01;
    expect(() => cipher.open(otherId, SUMMARY)).toThrow(WrongKeyError);
    expect(() => cipher.open(envelope.subarray(0, 36), SUMMARY)).toThrow(/not a tpt sealed value/);
  });

  it('refuses a value moved to another row, of the same client or another', () => {
    const cipher = new FieldCipher([fieldKeyFrom(KEY_A)]);
    const envelope = cipher.seal('disclosed abuse', SUMMARY);
    expect(() => cipher.open(envelope, { ...SUMMARY, row: 'c0ffee/S2' })).toThrow(DamagedError);
    expect(() => cipher.open(envelope, { ...SUMMARY, row: 'beef/S1' })).toThrow(/moved from another row or column/);
  });

  it('refuses a value moved to another column or table, and keeps length-prefixed names apart', () => {
    const cipher = new FieldCipher([fieldKeyFrom(KEY_A)]);
    const envelope = cipher.seal('disclosed abuse', SUMMARY);
    expect(() => cipher.open(envelope, { ...SUMMARY, column: 'progress_notes' })).toThrow(DamagedError);
    expect(() => cipher.open(envelope, { ...SUMMARY, table: 'session_versions' })).toThrow(DamagedError);
    // Without the lengths, "sessionsc" + "onversation_summary" would read as the same bytes.
    expect(() => cipher.open(envelope, { ...SUMMARY, table: 'sessionsc', column: 'onversation_summary' })).toThrow(DamagedError);
  });

  it('a wrong key is named, not taken for damage; an older key still opens during a rekey', () => {
    const a = fieldKeyFrom(KEY_A);
    const b = fieldKeyFrom(KEY_B);
    const underA = new FieldCipher([a]).seal('note', SUMMARY);
    const error = (() => {
      try {
        new FieldCipher([b]).open(underA, SUMMARY);
      } catch (caught) {
        return caught as WrongKeyError;
      }
      throw new Error('opened under the wrong key');
    })();
    expect(error).toBeInstanceOf(WrongKeyError);
    expect(error.keyId).toBe(a.id);
    expect(error.message).toBe(
      `the value of sessions.conversation_summary in row c0ffee/S1 is sealed under key ${a.id}, which was not given: give the key file (or passphrase) of that key`,
    );

    const rekeying = new FieldCipher([b, a]);
    expect(rekeying.open(underA, SUMMARY)).toBe('note');
    expect(rekeying.isStale(underA)).toBe(true);
    const underB = rekeying.seal('note', SUMMARY);
    expect(envelopeKeyId(underB)).toBe(b.id);
    expect(rekeying.isStale(underB)).toBe(false);
  });

  it('a key with a forged id (the id of a key given, the secret of another) fails the seal', () => {
    const a = fieldKeyFrom(KEY_A);
    const forged = { id: a.id, secret: fieldKeyFrom(KEY_B).secret };
    const envelope = new FieldCipher([a]).seal('note', SUMMARY);
    expect(() => new FieldCipher([forged]).open(envelope, SUMMARY)).toThrow(DamagedError);
  });

  it('derives a passphrase key with the database salt, and refuses one without', () => {
    const salt = Buffer.alloc(16, 7);
    const one = fieldKeyFrom({ kind: 'passphrase', passphrase: 'correct horse' }, salt);
    const two = fieldKeyFrom({ kind: 'passphrase', passphrase: 'correct horse' }, salt);
    expect(one.id).toBe(two.id);
    expect(fieldKeyFrom({ kind: 'passphrase', passphrase: 'correct horse' }, Buffer.alloc(16, 8)).id).not.toBe(one.id);
    expect(() => fieldKeyFrom({ kind: 'passphrase', passphrase: 'correct horse' })).toThrow(/salt/);
  });
});
