import { randomBytes } from 'node:crypto';
import type { PgPool } from './connect.js';
import { FieldCipher, fieldKeyFrom, type FieldKey, type KeyMaterial } from './field-cipher.js';
import { inTransaction } from './transaction.js';

/** The settings row that holds the salt of a passphrase's field key, as hex. */
export const SALT_SETTING = 'field_key_salt';
const SALT_BYTES = 16;

/**
 * The field cipher of a database from tpt's key material: the first key seals, every key given
 * opens (the keys from before a rekey follow the current one). A raw key (the key file) needs
 * nothing from the database; a passphrase needs the database's salt, made by the first caller
 * that needs one. Two callers making it at once agree: the insert keeps the first, and both read
 * what was kept.
 */
export async function fieldCipherFor(db: PgPool, materials: readonly [KeyMaterial, ...KeyMaterial[]]): Promise<FieldCipher> {
  return new FieldCipher(await fieldKeysFor(db, materials));
}

/** The field keys themselves, the current one first (the audit chain derives its keys from them). */
export async function fieldKeysFor(db: PgPool, materials: readonly [KeyMaterial, ...KeyMaterial[]]): Promise<[FieldKey, ...FieldKey[]]> {
  const salt = materials.some((material) => material.kind === 'passphrase') ? await databaseSalt(db) : undefined;
  const [first, ...rest] = materials.map((material) => fieldKeyFrom(material, salt));
  return [first!, ...rest];
}

async function databaseSalt(db: PgPool): Promise<Buffer> {
  return inTransaction(db, async (client) => {
    await client.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [SALT_SETTING, randomBytes(SALT_BYTES).toString('hex')]);
    const { rows } = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [SALT_SETTING]);
    return Buffer.from(rows[0]!.value, 'hex');
  });
}
