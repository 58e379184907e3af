import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/core/backup.js';
import { checkDatabase } from '../../src/core/check.js';
import { InputError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/model.js';
import type { Session } from '../../src/domain/records.js';
import { readKeyFile, writeKeyFileFor } from '../../src/db/key-file.js';
import { PG_BACKUP_REFUSAL } from '../../src/pg/admin-rows.js';
import type { PgPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { PgRecordStore } from '../../src/pg/record-store.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's maintenance member over every engine: `tpt check` finds a sound store sound, a
 * backup is a file on SQLite and the server's tools' work on PostgreSQL (refused in one line,
 * exit 2), and a rekey to a new key file leaves every record readable and the audit entry in.
 */

const T0 = '2026-03-02T09:30:00.000Z';
const WHO: Actor = { actor: 'dr b', now: new Date('2026-03-10T12:00:00.000Z') };

function session(sessionId: string): Session {
  return {
    session_id: sessionId, client_id: 'c1', timestamp: T0,
    conversation_summary: 'the tram', emotional_state: 'neutral', emotional_score: 0, therapeutic_goals: [],
    progress_notes: 'notes', therapist_observations: 'observed', next_session_focus: 'next', session_duration_minutes: 50,
    techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  };
}

for (const engine of ENGINES) {
  describe(`the store's maintenance on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    let dir: string;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      dir = mkdtempSync(join(tmpdir(), 'tpt-maint-'));
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.sessions.insert(session('s1'));
        await tx.audit.append({ at: T0, actor: 'dr b', action: 'session.log', client_id: 'c1', object_id: 's1', outcome: 'ok' });
      });
    });
    afterEach(async () => {
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('finds a sound store sound: no integrity problem, the audit chain intact', async () => {
      const { check } = await checkDatabase(stores[0]);
      expect(check.ok).toBe(true);
      expect(check.integrity_problems).toEqual([]);
      expect(check.audit).toMatchObject({ intact: true, entries: 1, problem: null });
    });

    it(engine.name === 'sqlite' ? 'backs up to a file that holds the same rows' : 'refuses a backup in one line, exit 2, and writes nothing', async () => {
      const target = join(dir, 'backup.db');
      const backup = backupDatabase(stores[0], target, { kind: 'raw', hex: '00'.repeat(32) }, undefined, WHO);
      if (engine.name === 'postgres') {
        await expect(backup).rejects.toThrow(new InputError(PG_BACKUP_REFUSAL));
        expect(PG_BACKUP_REFUSAL).not.toContain('\n');
        expect(readdirSync(dir)).toEqual([]);
      } else {
        // The engines' test key is not this one: the copy is proven with the key given, and removed.
        await expect(backup).rejects.toThrow('the backup does not open with the database\'s key');
        expect(readdirSync(dir)).toEqual([]);
      }
    });

    it('rekeys to a new key file: every value sealed again under it, the audit entry written', async () => {
      if (engine.name === 'sqlite') return; // the file's rekey is the e2e suite's (test/e2e/keys.test.ts, rekey-crash.test.ts)
      const made = writeKeyFileFor(dir, 'clinic', WHO.now);
      const result = await stores[0].maintenance.rekey({ kind: 'raw', hex: '00'.repeat(32) }, { to: 'key_file', ...made },
        { at: WHO.now.toISOString(), actor: 'dr b', action: 'database.rekey' });
      expect(result.key_file).toBe(join(dir, 'clinic-20260310T120000Z.key'));
      expect(readdirSync(dir)).toHaveLength(1);
      // The store opened before the rekey holds the old key only: the values are now under the new one.
      const { check } = await checkDatabase(stores[1]);
      expect(check.integrity_problems).toHaveLength(1);
      expect(check.integrity_problems[0]).toMatch(/sealed under key [0-9a-f]{16}, which was not given/);
      // Under the new key alone every value opens; the audit entries made before are under the old
      // key, which is why the old key file is kept (docs/postgres-engine.md).
      const db = (stores[0] as unknown as { db: PgPool }).db;
      const renewed = new PgRecordStore(db, [fieldKeyFrom(readKeyFile(result.key_file!))]);
      expect((await renewed.read((tx) => tx.sessions.get('s1')))!.session).toEqual(session('s1'));
      const afterwards = await checkDatabase(renewed);
      expect(afterwards.check.integrity_problems).toEqual([]);
      expect(afterwards.check.audit.intact).toBe(false);
      expect((await renewed.read((tx) => tx.audit.entries(null))).map((entry) => entry.action)).toEqual(['session.log', 'database.rekey']);
    });
  });
}
