import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

/**
 * `tpt account`, `tpt caseload assign|unassign|transfer` and `tpt supervision` as a practice's
 * administrator runs them: on SQLite, and on PostgreSQL when this file runs in the `e2e-pg`
 * project (TPT_TEST_ENGINE). What the records hold afterwards is read back with `account list`.
 * One sandbox for the file (a password costs a strength check and a scrypt hash): the tests run
 * in order, each on what the ones before left.
 */

const STRONG = 'violet tractor umbrella seventeen harbour';
const NOW = new Date('2026-03-02T09:30:00.000Z');
let box: Sandbox;

const run = (args: string[], env: Record<string, string> = {}) => box.run(args, { env, now: NOW });
async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await run(args, env);
  expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}
const accounts = async () => JSON.parse(await ok(['--json', 'account', 'list'])) as {
  account_id: string; role: string; disabled_at: string | null; clients: string[]; supervises: string[]; supervised_by: string[];
}[];

/** A refusal: one line on stderr, the exit code, and the accounts as they were. */
async function refused(args: string[], code: number, message: string | RegExp, env: Record<string, string> = {}): Promise<void> {
  const before = await accounts();
  const result = await run(args, env);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(result.stdout).toBe('');
  expect(await accounts()).toEqual(before);
}

/** Clients on record, made as a person makes them: with a first session. */
async function newClients(ids: string[]): Promise<void> {
  for (const client of ids) await ok(['log-session', '--client', client, '--summary', 'intake', '--mood', '0']);
}

beforeAll(async () => {
  box = new Sandbox();
  await ok(['init']);
  await newClients(['c1', 'c2']);
  for (const [name, role] of [['dana', 'clinician'], ['sam', 'supervisor'], ['lee', 'manager']]) {
    await ok(['account', 'create', name!, '--role', role!], { TPT_ACCOUNT_PASSWORD: `${STRONG} ${name}` });
  }
});
afterAll(() => box.cleanup());

describe('tpt account', () => {
  it('creates accounts with a role and lists them, never with a password', async () => {
    const created = JSON.parse(await ok(['--json', 'account', 'create', 'ada', '--role', 'clinician-full'], { TPT_ACCOUNT_PASSWORD: STRONG }));
    expect(created).toEqual({
      account_id: 'ada', role: 'clinician-full', created_at: NOW.toISOString(), disabled_at: null, clients: [], supervises: [], supervised_by: [],
    });
    expect((await accounts()).map((account) => [account.account_id, account.role])).toEqual([
      ['ada', 'clinician-full'], ['dana', 'clinician'], ['lee', 'manager'], ['sam', 'supervisor'],
    ]);
    const text = await ok(['account', 'list']);
    expect(text.split('\n')[0]).toMatch(/^Account\s+Role\s+Created\s+State$/);
    expect(text).toMatch(/^ada\s+clinician-full\s+2026-03-02 10:30\s+active$/m);
    expect(text).not.toMatch(/scrypt/);
    expect(await ok(['--json', 'account', 'list'])).not.toMatch(/scrypt|hash|violet/);
  });

  it('asks for the password twice on a terminal', async () => {
    const result = await box.runOnTerminal(['account', 'create', 'kim', '--role', 'auditor'], [
      { when: /Password for kim/, type: STRONG },
      { when: /same password again/, type: STRONG },
    ], { now: NOW });
    expect(result.code, result.errors.join('\n')).toBe(0);
    expect(result.stdout).toBe('Created account kim (auditor)\n');
    const typo = await box.runOnTerminal(['account', 'create', 'bo', '--role', 'auditor'], [
      { when: /Password for bo/, type: STRONG },
      { when: /same password again/, type: `${STRONG}x` },
    ], { now: NOW });
    expect(typo.code).toBe(2);
    expect(typo.errors).toEqual(['tpt: the two passwords differ: run `tpt account create bo` again; nothing changed']);
    expect((await accounts()).map((account) => account.account_id)).toEqual(['ada', 'dana', 'kim', 'lee', 'sam']);
  });

  it('refuses a taken name, a weak password, an unknown role and a missing password, changing nothing', async () => {
    await refused(['account', 'create', 'dana', '--role', 'auditor'], 1,
      'tpt: account "dana" exists already: choose another name (see `tpt account list`)', { TPT_ACCOUNT_PASSWORD: STRONG });
    await refused(['account', 'create', 'bo', '--role', 'auditor'], 2, /^tpt: the password is too weak to protect health records/,
      { TPT_ACCOUNT_PASSWORD: 'password1' });
    await refused(['account', 'create', 'bo', '--role', 'boss'], 2,
      'tpt: unknown role "boss": use one of clinician, clinician-full, supervisor, manager, auditor, admin', { TPT_ACCOUNT_PASSWORD: STRONG });
    await refused(['account', 'create', 'bo', '--role', 'auditor'], 2, /^tpt: no password for account "bo": set TPT_ACCOUNT_PASSWORD/);
    await refused(['account', 'create', 'a b', '--role', 'auditor'], 2, /^tpt: invalid account name "a b"/, { TPT_ACCOUNT_PASSWORD: STRONG });
  });

  it('disables, enables and changes a role, each once', async () => {
    expect(JSON.parse(await ok(['--json', 'account', 'disable', 'dana']))).toEqual({ account_id: 'dana', disabled_at: NOW.toISOString() });
    await refused(['account', 'disable', 'dana'], 2, 'tpt: account "dana" is disabled already; nothing changed');
    expect(await ok(['account', 'enable', 'dana'])).toBe('Enabled account dana\n');
    expect(await ok(['account', 'role', 'dana', 'supervisor'])).toBe('Account dana is now a supervisor\n');
    await refused(['account', 'role', 'dana', 'supervisor'], 2, 'tpt: account "dana" has the role supervisor already; nothing changed');
    await refused(['account', 'role', 'nobody', 'auditor'], 2, 'tpt: no account "nobody": see `tpt account list` for the accounts on record');
    expect((await accounts()).find((account) => account.account_id === 'dana')).toMatchObject({ role: 'supervisor', disabled_at: null });
    await ok(['account', 'role', 'dana', 'clinician']);
  });
});

describe('tpt caseload assign|unassign|transfer and tpt supervision', () => {
  it('moves clients between caseloads and keeps supervisions', async () => {
    expect(await ok(['caseload', 'assign', 'c1', '--to', 'dana'])).toBe("c1 is on dana's caseload\n");
    await ok(['caseload', 'assign', 'c2', '--to', 'dana']);
    expect(JSON.parse(await ok(['--json', 'caseload', 'transfer', 'c1', '--from', 'dana', '--to', 'sam'])))
      .toEqual({ client_id: 'c1', from: 'dana', to: 'sam', at: NOW.toISOString() });
    expect(await ok(['caseload', 'unassign', 'c2', '--from', 'dana'])).toBe("c2 is off dana's caseload\n");
    expect(await ok(['supervision', 'add', 'sam', '--of', 'dana'])).toBe('sam now supervises dana\n');
    expect((await accounts()).map(({ account_id, clients, supervises, supervised_by }) => ({ account_id, clients, supervises, supervised_by }))).toEqual([
      { account_id: 'ada', clients: [], supervises: [], supervised_by: [] },
      { account_id: 'dana', clients: [], supervises: [], supervised_by: ['sam'] },
      { account_id: 'kim', clients: [], supervises: [], supervised_by: [] },
      { account_id: 'lee', clients: [], supervises: [], supervised_by: [] },
      { account_id: 'sam', clients: ['c1'], supervises: ['dana'], supervised_by: [] },
    ]);
    // Every write names its actor (TPT_ACTOR of the sandbox: "tester").
    const audit = JSON.parse(await ok(['--json', 'audit'])) as { actor: string; action: string; client_id: string | null; object_id: string | null }[];
    // On PostgreSQL each client has its own chain: entries of the same time come chain by chain.
    const sorted = (entries: unknown[][]) => entries.map((entry) => JSON.stringify(entry)).sort();
    expect(sorted(audit.filter((entry) => /^(caseload|supervision)\./.test(entry.action))
      .map(({ actor, action, client_id, object_id }) => [actor, action, client_id, object_id]))).toEqual(sorted([
      ['tester', 'caseload.assign', 'c1', 'dana'],
      ['tester', 'caseload.assign', 'c2', 'dana'],
      ['tester', 'caseload.transfer', 'c1', 'dana>sam'],
      ['tester', 'caseload.unassign', 'c2', 'dana'],
      ['tester', 'supervision.add', null, 'sam>dana'],
    ]));
    expect(audit.filter((entry) => entry.action.startsWith('account.')).map(({ actor, action, object_id }) => [actor, action, object_id])).toEqual([
      ['tester', 'account.create', 'dana'], ['tester', 'account.create', 'sam'], ['tester', 'account.create', 'lee'],
      ['tester', 'account.create', 'ada'], ['tester', 'account.create', 'kim'],
      ['tester', 'account.disable', 'dana'], ['tester', 'account.enable', 'dana'], ['tester', 'account.role', 'dana'], ['tester', 'account.role', 'dana'],
    ]);
    expect(await ok(['supervision', 'remove', 'sam', '--of', 'dana'])).toBe('sam no longer supervises dana\n');
    await ok(['caseload', 'unassign', 'c1', '--from', 'sam']);
  });

  it('refuses an unknown client, a taken pair and a role without a caseload, changing nothing', async () => {
    await ok(['caseload', 'assign', 'c1', '--to', 'dana']);
    await refused(['caseload', 'assign', 'c9', '--to', 'dana'], 2, 'tpt: no client "c9": see `tpt clients` for the ids on record');
    await refused(['caseload', 'assign', 'c1', '--to', 'dana'], 1, "tpt: client \"c1\" is on dana's caseload already: see `tpt account list`");
    await refused(['caseload', 'assign', 'c2', '--to', 'lee'], 2, /^tpt: account "lee" has the role manager, which has no caseload/);
    await refused(['caseload', 'transfer', 'c2', '--from', 'dana', '--to', 'sam'], 2, /^tpt: client "c2" is not on dana's caseload/);
    await refused(['caseload', 'transfer', 'c1', '--from', 'dana', '--to', 'dana'], 2, /^tpt: --from and --to are both "dana"/);
    await refused(['supervision', 'add', 'dana', '--of', 'sam'], 2, /^tpt: account "dana" has the role clinician, which cannot supervise/);
    await refused(['supervision', 'add', 'sam', '--of', 'sam'], 2, /^tpt: "sam" cannot supervise themselves/);
    await refused(['supervision', 'remove', 'sam', '--of', 'dana'], 2, 'tpt: sam does not supervise dana: see `tpt account list`; nothing changed');
    await refused(['account', 'role', 'dana', 'auditor'], 2, /^tpt: account "dana" has 1 client on its caseload and the role auditor has none/);
    // `tpt caseload` with no subcommand is still the triage listing.
    expect(JSON.parse(await ok(['--json', 'caseload'])).map((row: { client_id: string }) => row.client_id).sort()).toEqual(['c1', 'c2']);
  });

  it('runs from bin/tpt.js as a user would', () => {
    const made = box.spawn(['--json', 'caseload', 'assign', 'c2', '--to', 'sam']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ client_id: 'c2', from: null, to: 'sam' });
    const wrong = box.spawn(['caseload', 'assign', 'c2', '--to', 'nobody']);
    expect([wrong.code, wrong.stderr]).toEqual([2, 'tpt: no account "nobody": see `tpt account list` for the accounts on record\n']);
  });
});
