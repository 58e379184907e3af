import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSupervision, assignClient, transferClient, unassignClient } from '../../src/core/assignments.js';
import { changeRole, createAccount, listAccounts, setAccountDisabled } from '../../src/core/accounts.js';
import { ConflictError as CoreConflictError, InputError, NotFoundError as CoreNotFoundError } from '../../src/core/errors.js';
import { ConflictError, NotFoundError } from '../../src/store/errors.js';
import type { AccountRow } from '../../src/store/port-practice.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for the practice (issue 23) over every engine: accounts, caseloads by the
 * client's present id, supervisions; a pair or name taken is the unique key's to refuse, and the
 * use cases' refusals change nothing.
 */

const T0 = '2026-03-02T09:30:00.000Z';
const T1 = '2026-03-03T10:00:00.000Z';
const T2 = '2026-03-04T10:00:00.000Z';
const T3 = '2026-03-05T10:00:00.000Z';
const at = (iso: string) => ({ actor: 'office', now: new Date(iso) });
/** Hashing is core's and src/access's business, tested there: here a stand-in that marks its input. */
const hash = async (password: string) => `hashed:${password}`;

function account(id: string, role: AccountRow['role']): AccountRow {
  return { account_id: id, role, password_hash: `h-${id}`, created_at: T0, disabled_at: null };
}

for (const engine of ENGINES) {
  describe(`the practice through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        for (const client of ['c1', 'c2']) await tx.clients.ensure(client, T0);
        await tx.practice.insertAccount(account('dana', 'clinician'));
        await tx.practice.insertAccount(account('sam', 'supervisor'));
        await tx.practice.insertAccount(account('lee', 'practice_manager'));
      });
    });
    afterEach(async () => dispose());

    it('gives accounts back as written, by id, and changes their state and role', async () => {
      expect(await stores[1].read((tx) => tx.practice.accounts())).toEqual([
        account('dana', 'clinician'), account('lee', 'practice_manager'), account('sam', 'supervisor'),
      ]);
      await stores[1].write(async (tx) => {
        expect(await tx.practice.lockAccount('dana')).toEqual(account('dana', 'clinician'));
        expect(await tx.practice.lockAccount('nobody')).toBeUndefined();
        await tx.practice.setDisabled('dana', T1);
        await tx.practice.setRole('dana', 'clinician_all_clients');
      });
      expect(await stores[0].read((tx) => tx.practice.account('dana')))
        .toEqual({ ...account('dana', 'clinician_all_clients'), disabled_at: T1 });
    });

    it('refuses a taken account name with a ConflictError, and a caseload pair taken too', async () => {
      await expect(stores[1].write((tx) => tx.practice.insertAccount(account('dana', 'auditor')))).rejects.toBeInstanceOf(ConflictError);
      await stores[0].write((tx) => tx.practice.assign({ account_id: 'dana', client_id: 'c1', assigned_at: T0 }));
      await expect(stores[1].write((tx) => tx.practice.assign({ account_id: 'dana', client_id: 'c1', assigned_at: T1 })))
        .rejects.toBeInstanceOf(ConflictError);
      await expect(stores[1].write((tx) => tx.practice.assign({ account_id: 'dana', client_id: 'c9', assigned_at: T1 })))
        .rejects.toBeInstanceOf(NotFoundError);
      await expect(stores[1].write((tx) => tx.practice.addSupervision({ supervisor_id: 'sam', clinician_id: 'nobody', since: T1 })))
        .rejects.toBeInstanceOf(NotFoundError);
      expect(await stores[0].read((tx) => tx.practice.caseload())).toEqual([{ account_id: 'dana', client_id: 'c1', assigned_at: T0 }]);
    });

    it('keeps caseloads by account then client, under the client\'s present id after a rename', async () => {
      await stores[0].write(async (tx) => {
        await tx.practice.assign({ account_id: 'sam', client_id: 'c2', assigned_at: T1 });
        await tx.practice.assign({ account_id: 'dana', client_id: 'c2', assigned_at: T0 });
        await tx.practice.assign({ account_id: 'dana', client_id: 'c1', assigned_at: T1 });
      });
      await stores[1].write((tx) => tx.admin.renameClient('c1', 'c3'));
      expect(await stores[1].read((tx) => tx.practice.caseload())).toEqual([
        { account_id: 'dana', client_id: 'c2', assigned_at: T0 },
        { account_id: 'dana', client_id: 'c3', assigned_at: T1 },
        { account_id: 'sam', client_id: 'c2', assigned_at: T1 },
      ]);
      expect(await stores[1].read((tx) => tx.practice.caseload('sam'))).toEqual([{ account_id: 'sam', client_id: 'c2', assigned_at: T1 }]);
      expect(await stores[0].write((tx) => tx.practice.unassign('dana', 'c3'))).toBe(true);
      expect(await stores[0].write((tx) => tx.practice.unassign('dana', 'c3'))).toBe(false);
    });

    it('keeps supervisions by supervisor then clinician, and ends them once', async () => {
      await stores[0].write(async (tx) => {
        await tx.practice.insertAccount(account('ada', 'clinician'));
        await tx.practice.addSupervision({ supervisor_id: 'sam', clinician_id: 'dana', since: T1 });
        await tx.practice.addSupervision({ supervisor_id: 'sam', clinician_id: 'ada', since: T0 });
      });
      await expect(stores[1].write((tx) => tx.practice.addSupervision({ supervisor_id: 'sam', clinician_id: 'ada', since: T1 })))
        .rejects.toBeInstanceOf(ConflictError);
      expect(await stores[1].read((tx) => tx.practice.supervisions())).toEqual([
        { supervisor_id: 'sam', clinician_id: 'ada', since: T0 },
        { supervisor_id: 'sam', clinician_id: 'dana', since: T1 },
      ]);
      expect(await stores[0].write((tx) => tx.practice.removeSupervision('sam', 'ada'))).toBe(true);
      expect(await stores[0].write((tx) => tx.practice.removeSupervision('sam', 'ada'))).toBe(false);
    });

    describe('the use cases on it', () => {
      const everything = (store: RecordStore) => store.read(async (tx) => ({
        accounts: await tx.practice.accounts(), caseload: await tx.practice.caseload(),
        supervisions: await tx.practice.supervisions(), audit: (await tx.audit.entries(null)).length,
      }));

      it('creates, assigns, transfers and supervises, each write audited with its actor', async () => {
        const created = await createAccount(stores[0], { name: 'ada', role: 'clinician-full', password: 'typed' }, hash, at(T0));
        expect(created).toEqual({ account_id: 'ada', role: 'clinician-full', created_at: T0, disabled_at: null, clients: [], supervises: [], supervised_by: [] });
        expect((await stores[1].read((tx) => tx.practice.account('ada')))!.password_hash).toBe('hashed:typed');
        await assignClient(stores[0], 'c1', 'dana', at(T0));
        await transferClient(stores[1], 'c1', 'dana', 'ada', at(T1));
        await addSupervision(stores[0], 'sam', 'ada', at(T2));
        await setAccountDisabled(stores[1], 'dana', true, at(T3));
        expect((await listAccounts(stores[0])).map(({ account_id, role, disabled_at, clients, supervises, supervised_by }) =>
          ({ account_id, role, disabled_at, clients, supervises, supervised_by }))).toEqual([
          { account_id: 'ada', role: 'clinician-full', disabled_at: null, clients: ['c1'], supervises: [], supervised_by: ['sam'] },
          { account_id: 'dana', role: 'clinician', disabled_at: T3, clients: [], supervises: [], supervised_by: [] },
          { account_id: 'lee', role: 'manager', disabled_at: null, clients: [], supervises: [], supervised_by: [] },
          { account_id: 'sam', role: 'supervisor', disabled_at: null, clients: [], supervises: ['ada'], supervised_by: [] },
        ]);
        const audit = await stores[0].read((tx) => tx.audit.entries(null));
        expect(audit.map(({ actor, action, client_id, object_id }) => [actor, action, client_id, object_id])).toEqual([
          ['office', 'account.create', null, 'ada'],
          ['office', 'caseload.assign', 'c1', 'dana'],
          ['office', 'caseload.transfer', 'c1', 'dana>ada'],
          ['office', 'supervision.add', null, 'sam>ada'],
          ['office', 'account.disable', null, 'dana'],
        ]);
      });

      it('refuses what the rules forbid and changes nothing', async () => {
        await assignClient(stores[0], 'c1', 'dana', at(T0));
        const before = await everything(stores[0]);
        await expect(createAccount(stores[1], { name: 'dana', role: 'auditor', password: 'x' }, hash, at(T1)))
          .rejects.toThrow(new CoreConflictError('account "dana" exists already: choose another name (see `tpt account list`)'));
        await expect(assignClient(stores[1], 'c1', 'dana', at(T1))).rejects.toBeInstanceOf(CoreConflictError);
        await expect(assignClient(stores[1], 'c9', 'dana', at(T1)))
          .rejects.toThrow(new CoreNotFoundError('no client "c9": see `tpt clients` for the ids on record'));
        await expect(assignClient(stores[1], 'c2', 'lee', at(T1))).rejects.toThrow(/"lee" has the role manager, which has no caseload/);
        await expect(assignClient(stores[1], 'c2', 'nobody', at(T1))).rejects.toThrow('no account "nobody"');
        await expect(unassignClient(stores[1], 'c2', 'dana', at(T1))).rejects.toThrow('client "c2" is not on dana\'s caseload');
        await expect(transferClient(stores[1], 'c2', 'dana', 'sam', at(T1))).rejects.toThrow('client "c2" is not on dana\'s caseload');
        await expect(transferClient(stores[1], 'c1', 'dana', 'lee', at(T1))).rejects.toThrow(/which has no caseload/);
        await expect(addSupervision(stores[1], 'dana', 'sam', at(T1))).rejects.toThrow(/"dana" has the role clinician, which cannot supervise/);
        await expect(addSupervision(stores[1], 'sam', 'lee', at(T1))).rejects.toThrow(/"lee" has the role manager, which writes no notes/);
        await expect(changeRole(stores[1], 'dana', 'auditor', at(T1))).rejects.toThrow(/has 1 client on its caseload/);
        await expect(changeRole(stores[1], 'dana', 'boss', at(T1))).rejects.toBeInstanceOf(InputError);
        await expect(setAccountDisabled(stores[1], 'sam', false, at(T1))).rejects.toThrow('account "sam" is enabled already');
        expect(await everything(stores[1])).toEqual(before);
      });

      it('two transfers of one client at once: one moves it, the other finds it gone', async () => {
        await assignClient(stores[0], 'c1', 'dana', at(T0));
        const results = await Promise.allSettled([
          transferClient(stores[0], 'c1', 'dana', 'sam', at(T1)),
          transferClient(stores[1], 'c1', 'dana', 'sam', at(T1)),
        ]);
        expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(await stores[0].read((tx) => tx.practice.caseload())).toEqual([{ account_id: 'sam', client_id: 'c1', assigned_at: T1 }]);
      });
    });
  });
}
