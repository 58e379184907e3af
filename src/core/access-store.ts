import { accessLayers } from '../access/layers.js';
import { decide, type ClientAction, type Practice, type PracticeAction } from '../access/model.js';
import type { StoreMaintenance } from '../store/port-admin.js';
import type { ClientFigures, ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { NotFoundError } from './errors.js';

/**
 * Core's access checks (issue 23): `asCaller(records, account)` is the same store for one
 * account of the practice. Every transaction first loads the practice (accounts, caseloads,
 * supervisions) inside itself, so a check and the read or write it decides see one state; then
 * every facet method that touches a client's records asks `decide()` before it runs (or filters
 * what it returns), and every audit entry names the account. The use cases keep their
 * signatures: they get a RecordStore as before. Without a caller, the store is the local
 * single user's, unchecked, as it always was.
 *
 * A refusal never says whether the record exists: a client the caller may not see reads as one
 * not on record (`exists` is false, lists leave it out), a record found by its id as none
 * (`get` gives undefined), and a request naming a client the caller may not reach is an
 * AccessRefusedError worded from the request alone. A facet method no rule below names is
 * refused to every caller: a method added later stays closed until its rule is written here.
 */

/** A request the caller may not make; worded the same whether its record exists or not. */
export class AccessRefusedError extends NotFoundError {
  override name = 'AccessRefusedError';
}

export function refusedClient(clientId: string): AccessRefusedError {
  return new AccessRefusedError(`no client "${clientId}" on your caseload: see \`tpt clients\` for the clients you may reach`);
}

function refusedPractice(what: string): AccessRefusedError {
  return new AccessRefusedError(`${what} is not open to your role: ask your practice manager`);
}

type Args = readonly any[];

/** How one facet method is checked. */
type Rule =
  /** Holds no client's records (or only counts): runs for every caller. */
  | { free: true }
  /** An act on the practice as a whole: one of these actions must be allowed. */
  | { practice: readonly PracticeAction[] }
  /** An audit entry: written under the caller's account, whatever actor the use case named. */
  | { actor: true }
  /** Names its clients in its arguments: each must be allowed, or the call is refused (or gives `denied`). */
  | { action: ClientAction; clients: (args: Args) => readonly string[]; denied?: () => unknown }
  /** Names a record by its id: its client (looked up in this transaction) must be allowed. */
  | { action: ClientAction; owner: (tx: WriteTx, args: Args) => Promise<string | undefined>; denied?: () => unknown }
  /** Names several records by their ids: each one's client must be allowed. */
  | { action: ClientAction; owners: (tx: WriteTx, args: Args) => Promise<readonly (string | undefined)[]> }
  /** Gives one record or none: a record of a client not allowed is none. */
  | { action: ClientAction; result: (value: any) => string | undefined }
  /** Gives a list: the items of clients not allowed are left out (or, seen but not allowed, `seen` of them). */
  | { action: ClientAction; each: (item: any) => string; seen?: (item: any) => unknown };

const FREE: Rule = { free: true };
const read = (index = 0): Rule => ({ action: 'clinical.read', clients: (args) => [args[index] as string] });
const write = (index = 0): Rule => ({ action: 'clinical.write', clients: (args) => [args[index] as string] });
const writeOf = (clientOf: (args: Args) => string): Rule => ({ action: 'clinical.write', clients: (args) => [clientOf(args)] });
const writeEach = (args: Args): string[] => (args[0] as { client_id: string }[]).map((row) => row.client_id);
const readResult = (clientOf: (value: any) => string | undefined): Rule => ({ action: 'clinical.read', result: clientOf });
const readEach = (clientOf: (item: any) => string): Rule => ({ action: 'clinical.read', each: clientOf });

function blankFigures(row: ClientFigures): ClientFigures {
  return { ...row, sessions: 0, last_session: null, last_crisis: null, active_goals: 0, average_goal_progress: null, open_risks: [] };
}

type Owner = (tx: WriteTx, id: string) => Promise<string | undefined>;
const sessionOwner: Owner = async (tx, id) => (await tx.sessions.get(id))?.session.client_id;
const goalOwner: Owner = async (tx, id) => (await tx.goals.get(id))?.client_id;
const milestoneOwner: Owner = async (tx, id) => (await tx.milestones.get(id))?.client_id;
const measureOwner: Owner = async (tx, id) => (await tx.measures.get(id))?.measure.client_id;
const courseOwner: Owner = async (tx, id) => (await tx.exchange.course(id))?.client_id;
/** A read of a record's parts by the record's id: nothing (`empty`) when its client is not allowed. */
const readOwned = (owner: Owner, empty: () => unknown): Rule =>
  ({ action: 'clinical.read', owner: (tx, args) => owner(tx, args[0] as string), denied: empty });
/** A write to a record by its id: refused when its client is not the caller's to write. */
const writeOwned = (owner: Owner, idOf: (args: Args) => string = (args) => args[0] as string): Rule =>
  ({ action: 'clinical.write', owner: (tx, args) => owner(tx, idOf(args)) });
const practice = (...actions: PracticeAction[]): Rule => ({ practice: actions });

/** Per facet, per method; a facet or method not here is refused to every caller. */
const RULES: Readonly<Partial<Record<keyof WriteTx, Readonly<Record<string, Rule>>>>> = {
  clients: {
    exists: { action: 'client.see', clients: (args) => [args[0] as string], denied: () => false },
    ids: readEach((id: string) => id),
    // A client the caller may see but not read (the practice manager's) is listed without its
    // figures: what row-level security gives as well, where its records are out of sight.
    summaries: { action: 'clinical.read', each: (row: { client_id: string }) => row.client_id, seen: blankFigures },
    // Only a client already on the caller's caseload can be written: a caller makes no new client.
    ensure: write(),
  },
  sessions: {
    get: readResult((found?: { session: { client_id: string } }) => found?.session.client_id),
    lock: readResult((found?: { session: { client_id: string } }) => found?.session.client_id),
    ofClient: read(),
    techniques: read(),
    versions: readOwned(sessionOwner, () => []),
    insert: writeOf((args) => (args[0] as { client_id: string }).client_id),
    setVoided: writeOwned(sessionOwner),
    setSigned: writeOwned(sessionOwner),
    amend: writeOwned(sessionOwner, (args) => (args[0] as { session_id: string }).session_id),
    machineWritten: read(),
    markMachineWritten: {
      action: 'clinical.write',
      owners: (tx, args) => Promise.all((args[0] as readonly string[]).map((id) => sessionOwner(tx, id))),
    },
  },
  goals: {
    get: readResult((goal?: { client_id: string }) => goal?.client_id),
    lock: readResult((goal?: { client_id: string }) => goal?.client_id),
    ofClient: read(),
    history: readOwned(goalOwner, () => []),
    edits: readOwned(goalOwner, () => []),
    insert: writeOf((args) => (args[0] as { client_id: string }).client_id),
    appendHistory: writeOwned(goalOwner),
    setProgress: writeOwned(goalOwner),
    setText: writeOwned(goalOwner),
    moveSetTime: writeOwned(goalOwner),
    appendEdit: writeOwned(goalOwner),
  },
  milestones: {
    get: readResult((found?: { client_id: string }) => found?.client_id),
    lock: readResult((found?: { client_id: string }) => found?.client_id),
    ofClient: read(),
    edits: readOwned(milestoneOwner, () => []),
    recordedAt: readOwned(milestoneOwner, () => undefined),
    insert: writeOf((args) => (args[0] as { client_id: string }).client_id),
    setVoided: writeOwned(milestoneOwner),
    setFields: writeOwned(milestoneOwner),
    appendEdit: writeOwned(milestoneOwner),
  },
  measures: {
    get: readResult((found?: { measure: { client_id: string } }) => found?.measure.client_id),
    lock: readResult((found?: { measure: { client_id: string } }) => found?.measure.client_id),
    ofClient: read(),
    versions: readOwned(measureOwner, () => []),
    insert: writeOf((args) => (args[0] as { client_id: string }).client_id),
    setVoided: writeOwned(measureOwner),
    amend: writeOwned(measureOwner, (args) => (args[0] as { measure_id: string }).measure_id),
  },
  risks: {
    get: read(), lock: read(), ofClient: read(), events: read(),
    insert: writeOf((args) => (args[0] as { client_id: string }).client_id),
    update: writeOf((args) => (args[0] as { client_id: string }).client_id),
    appendEvent: write(),
  },
  tokens: { all: practice('keys.manage'), active: practice('keys.manage'), insert: practice('keys.manage'), revoke: practice('keys.manage') },
  audit: {
    append: { actor: true },
    entries: practice('audit.read', 'access-log.read'),
    listed: practice('audit.read', 'access-log.read'),
    unrecorded: practice('audit.read'),
    verify: practice('audit.read'),
  },
  settings: { get: FREE, set: practice('retention.manage') },
  admin: {
    clientActivity: practice('retention.manage'), hasOpenCourse: practice('retention.manage'), liveSchedules: practice('retention.manage'),
    lockClient: practice('retention.manage'), renameClient: practice('retention.manage'), mergeClient: practice('retention.manage'),
    deleteRisk: practice('retention.manage'), purgeClient: practice('retention.manage'),
  },
  care: {
    courses: read(), openCourse: read(), courseAt: read(), latestSchedules: read(), scheduleScores: read(),
    scheduleSessions: read(), sessionCount: read(), measuresBetween: read(), baselines: read(), goalsPastTarget: read(),
    unsignedBefore: read(), firstSessionAt: read(), lastSessionAtOrBefore: read(), scores: read(), reportSessions: read(),
    crisisSessions: read(), goalsCreatedBy: read(), goalHistoryUpTo: read(), milestonesBetween: read(),
    coursesForOutcomes: readEach((row: { client_id: string }) => row.client_id),
    clientFigures: readEach((row: { client_id: string }) => row.client_id),
    // Counts of the whole practice: no client, no text.
    practiceFigures: FREE,
    lockOpenCourse: write(),
    insertCourse: writeOf((args) => (args[0] as { client_id: string }).client_id),
    endCourse: writeOwned(courseOwner),
    insertSchedule: writeOf((args) => (args[0] as { client_id: string }).client_id),
    stopSchedule: write(),
    stopAllSchedules: write(),
  },
  exchange: {
    clients: readEach((row: { client_id: string }) => row.client_id),
    client: read(),
    sessionCount: { action: 'clinical.read', clients: (args) => args[0] as string[] },
    sessionRecord: readResult((row?: { client_id: string }) => row?.client_id),
    milestoneRecords: read(), goalHistoryRows: read(), courses: read(), schedules: read(),
    ownerOf: readResult((clientId?: string) => clientId),
    sessionFields: readResult((row?: { client_id: string }) => row?.client_id),
    goalRecord: readResult((row?: { client_id: string }) => row?.client_id),
    milestoneRecord: readResult((row?: { client_id: string }) => row?.client_id),
    course: readResult((row?: { client_id: string }) => row?.client_id),
    openCourse: read(), schedule: read(), liveSchedule: read(),
    // Edit logs by record id, and the bulk writes of an import: the local owner's, no caller's.
  },
  ingest: {
    // Which line ids and record ids are taken: what any writer's own id choice would learn.
    taken: FREE, existing: FREE,
    insertSessions: { action: 'clinical.write', clients: writeEach },
    insertMeasures: { action: 'clinical.write', clients: writeEach },
    record: { action: 'clinical.write', clients: writeEach },
  },
  search: { candidates: readEach((candidate: { client_id: string }) => candidate.client_id) },
  practice: {
    accounts: FREE, account: FREE, caseload: FREE, supervisions: FREE,
    insertAccount: practice('accounts.manage'), lockAccount: practice('accounts.manage'),
    setDisabled: practice('accounts.manage'), setRole: practice('accounts.manage'),
    assign: practice('caseload.manage'), unassign: practice('caseload.manage'),
    addSupervision: practice('caseload.manage'), removeSupervision: practice('caseload.manage'),
  },
};

/** The practice as this transaction sees it: what decide() rules on. */
export async function practiceIn(tx: ReadTx): Promise<Practice> {
  const accounts = await tx.practice.accounts();
  const caseload = await tx.practice.caseload();
  const supervisions = await tx.practice.supervisions();
  return {
    accounts: accounts.map((row) => ({ id: row.account_id, role: row.role, disabled: row.disabled_at !== null })),
    // Under row-level security a client the caller may not see has no id here: it decides nothing.
    assignments: caseload.filter((row) => row.client_id !== null).map((row) => ({ account: row.account_id, client: row.client_id })),
    supervisions: supervisions.map((row) => ({ supervisor: row.supervisor_id, clinician: row.clinician_id })),
  };
}

type Method = (...args: Args) => Promise<unknown>;

function guardMethod(rule: Rule | undefined, name: string, method: Method, tx: WriteTx, view: Practice, caller: string): Method {
  const allowed = (action: ClientAction, clientId: string): boolean => decide(view, caller, action, clientId) === 'allow';
  if (rule === undefined) return async () => { throw refusedPractice(`"${name}"`); };
  if ('free' in rule) return method;
  if ('practice' in rule) {
    return async (...args) => {
      if (!rule.practice.some((action) => decide(view, caller, action) === 'allow')) throw refusedPractice(`"${name}"`);
      return method(...args);
    };
  }
  if ('actor' in rule) return (event: object) => method({ ...event, actor: caller });
  if ('clients' in rule) {
    return async (...args) => {
      const denied = rule.clients(args).find((clientId) => !allowed(rule.action, clientId));
      if (denied !== undefined) {
        if (rule.denied) return rule.denied();
        throw refusedClient(denied);
      }
      return method(...args);
    };
  }
  if ('owner' in rule) {
    return async (...args) => {
      // A record that is not there is the engine's to answer (false, or its own not-found).
      const owner = await rule.owner(tx, args);
      if (owner !== undefined && !allowed(rule.action, owner)) {
        if (rule.denied) return rule.denied();
        // Reached only for a record the caller could read (its lock or get gave it): no existence leaks.
        throw new AccessRefusedError(`that record's client is not on your caseload to change (${name}): nothing changed`);
      }
      return method(...args);
    };
  }
  if ('owners' in rule) {
    return async (...args) => {
      const owners = await rule.owners(tx, args);
      if (owners.some((owner) => owner !== undefined && !allowed(rule.action, owner))) {
        throw new AccessRefusedError(`a record's client is not on your caseload to change (${name}): nothing changed`);
      }
      return method(...args);
    };
  }
  if ('result' in rule) {
    return async (...args) => {
      const value = await method(...args);
      const owner = rule.result(value);
      return owner !== undefined && !allowed(rule.action, owner) ? undefined : value;
    };
  }
  return async (...args) => ((await method(...args)) as unknown[]).flatMap((item) => {
    const clientId = rule.each(item);
    if (allowed(rule.action, clientId)) return [item];
    return rule.seen !== undefined && allowed('client.see', clientId) ? [rule.seen(item)] : [];
  });
}

/** The transaction `tx`, every facet's methods checked for `caller` against `view`. */
function guarded(tx: WriteTx, view: Practice, caller: string): WriteTx {
  const facets = {} as Record<string, unknown>;
  for (const [facetName, facet] of Object.entries(tx) as [keyof WriteTx, Record<string, unknown>][]) {
    const rules = RULES[facetName] ?? {};
    facets[facetName] = new Proxy(facet, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function' || typeof name !== 'string') return value;
        return guardMethod(rules[name], `${facetName}.${name}`, (value as Method).bind(target), tx, view, caller);
      },
    });
  }
  return facets as unknown as WriteTx;
}

/**
 * `records` for `caller`, an account of the practice: the engine's own layer first (on
 * PostgreSQL, row-level security for that account), core's checks around it. The test-only
 * TPT_TEST_ACCESS_LAYERS (src/access/layers.ts) may switch either off, never outside tests.
 */
export function asCaller(records: RecordStore, caller: string): RecordStore {
  const layers = accessLayers();
  const engineBound = records.as?.(caller) ?? records;
  if (layers === 'rls') return engineBound;
  const practiceAllows = async (actions: readonly PracticeAction[], what: string): Promise<void> => {
    const view = await engineBound.read(practiceIn);
    if (!actions.some((action) => decide(view, caller, action) === 'allow')) throw refusedPractice(what);
  };
  const maintenance = new Proxy(engineBound.maintenance, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: Args) => {
        await practiceAllows(['backup.run', 'keys.manage'], `"maintenance.${String(name)}"`);
        return (value as Method).apply(target, [...args]);
      };
    },
  }) as StoreMaintenance;
  return {
    engine: engineBound.engine,
    write: (work) => engineBound.write(async (tx) => work(guarded(tx, await practiceIn(tx), caller))),
    // A read transaction's facets are a write's without the writes: the same guard serves.
    read: (work) => engineBound.read(async (tx) => work(guarded(tx as WriteTx, await practiceIn(tx), caller))),
    maintenance,
    // The caller's store is a view of the records: closing them is the opener's.
    close: async () => undefined,
  };
}
