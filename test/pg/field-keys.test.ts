import { pbkdf2Sync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { FieldCipher, fieldKeyFrom, keyIdOf } from '../../src/pg/field-cipher.js';
import { SALT_SETTING, fieldCipherFor } from '../../src/pg/field-keys.js';
import { migrate } from '../../src/pg/migrate.js';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
let db: PgPool;
beforeAll(async () => {
  db = await openPool(database.url());
  await migrate(db);
});
afterAll(async () => {
  await db?.pool.end();
});

const PLACE = { table: 'goals', column: 'notes', row: '["k","G1"]' };

describe('field keys from tpt\'s key material', () => {
  it('a key file needs no salt, and none is made', async () => {
    const hex = '3c'.repeat(32);
    const cipher = await fieldCipherFor(db, [{ kind: 'raw', hex }]);
    expect(cipher.currentKeyId).toBe(fieldKeyFrom({ kind: 'raw', hex }).id);
    const { rows } = await db.pool.query('SELECT 1 FROM settings WHERE key = $1', [SALT_SETTING]);
    expect(rows).toEqual([]);
  });

  it('a passphrase uses one salt per database, made once even by writers at once', async () => {
    const material = { kind: 'passphrase', passphrase: 'a long walk by the river' } as const;
    const ciphers = await Promise.all([fieldCipherFor(db, [material]), fieldCipherFor(db, [material])]);
    const salts = (await db.pool.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [SALT_SETTING])).rows;
    expect(salts).toHaveLength(1);
    expect(salts[0]!.value).toMatch(/^[0-9a-f]{32}$/);
    // The key is PBKDF2-HMAC-SHA512 of the passphrase with that salt, 256,000 rounds.
    const secret = pbkdf2Sync('a long walk by the river', Buffer.from(salts[0]!.value, 'hex'), 256_000, 32, 'sha512');
    expect(ciphers[0].currentKeyId).toBe(keyIdOf(secret));
    expect(ciphers[1].currentKeyId).toBe(ciphers[0].currentKeyId);
    // A value sealed by one opens with the other, and with a cipher made later the same way.
    const sealed = ciphers[0].seal('note', PLACE);
    expect((await fieldCipherFor(db, [material])).open(sealed, PLACE)).toBe('note');
  });

  it('seals with the first key given and opens with any, for a rekey from a passphrase to a key file', async () => {
    const old = { kind: 'passphrase', passphrase: 'a long walk by the river' } as const;
    const sealedUnderOld = (await fieldCipherFor(db, [old])).seal('note', PLACE);
    const rekeying = await fieldCipherFor(db, [{ kind: 'raw', hex: '4d'.repeat(32) }, old]);
    expect(rekeying).toBeInstanceOf(FieldCipher);
    expect(rekeying.open(sealedUnderOld, PLACE)).toBe('note');
    expect(rekeying.isStale(sealedUnderOld)).toBe(true);
  });
});
