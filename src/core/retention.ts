import type { ClientActivity } from '../store/port-admin.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { InputError } from './errors.js';
import type { Actor } from './model.js';
import { purgeClients, type PurgeResult } from './purge.js';
import { endOfLocalDay, parseDateOnly } from './time.js';
import { addMonths } from './timeframe.js';

export const RETENTION_SETTING = 'retention_years';

/** HIPAA keeps compliance documentation 6 years (45 CFR 164.316(b)(2)); below that tpt warns. */
export const HIPAA_MINIMUM_YEARS = 6;

export interface RetentionPolicy {
  retention_years: number | null;
  /** Clients whose last contact is before this instant are past the policy (UTC ISO 8601). */
  cutoff: string | null;
}

export interface ClientPastRetention {
  client_id: string;
  /** UTC ISO 8601. */
  last_contact: string;
}

export interface RetentionPlan {
  retention_years: number;
  cutoff: string;
  clients: ClientPastRetention[];
}

export function parseYears(text: string | number): number {
  const value = typeof text === 'number' ? text : Number(String(text).trim());
  if (!Number.isInteger(value) || value < 1 || value > 100 || (typeof text === 'string' && !/^\d+$/.test(text.trim()))) {
    throw new InputError(`invalid --years "${text}": use a whole number of years from 1 to 100 (for example 7)`);
  }
  return value;
}

export async function setRetention(records: RecordStore, years: string | number, who: Actor): Promise<RetentionPolicy> {
  const value = parseYears(years);
  await records.write(async (tx) => {
    await tx.settings.set(RETENTION_SETTING, String(value));
    await appendAudit(tx, { action: 'retention.set', object_id: `${value}y` }, who);
  });
  return policyAt(value, who.now);
}

export async function showRetention(records: RecordStore, now: Date): Promise<RetentionPolicy> {
  return records.read((tx) => policyIn(tx, now));
}

async function policyIn(tx: ReadTx, now: Date): Promise<RetentionPolicy> {
  const stored = await tx.settings.get(RETENTION_SETTING);
  return policyAt(stored === undefined ? null : Number(stored), now);
}

function policyAt(years: number | null, now: Date): RetentionPolicy {
  return { retention_years: years, cutoff: years === null ? null : retentionCutoff(now, years).toISOString() };
}

/** `years` calendar years before `now`, in local time. */
export function retentionCutoff(now: Date, years: number): Date {
  return addMonths(now, -12 * years);
}

/**
 * A client's last contact: the latest of their sessions, goal changes (creation included),
 * milestones achieved (a date counts to its end) and outcome measures taken. A client with none
 * of these counts from the day the client was entered.
 */
export function lastContact(row: ClientActivity): Date {
  const instants = [row.last_session, row.last_goal_change, row.last_measure]
    .filter((value): value is string => value !== null)
    .map((value) => new Date(value).getTime());
  if (row.last_milestone_achieved !== null) {
    instants.push(endOfLocalDay(parseDateOnly(row.last_milestone_achieved)).getTime());
  }
  if (instants.length === 0) instants.push(new Date(row.created_at).getTime());
  return new Date(Math.max(...instants));
}

/**
 * The clients whose last contact is older than the policy; reading it is logged (without a
 * policy the read is refused, and the write of its entry rolled back with it).
 */
export async function retentionPlan(records: RecordStore, who: Actor): Promise<RetentionPlan> {
  return readLogged(records, { action: 'retention.review' }, who, async (tx) => {
    const policy = await requirePolicy(tx, who.now);
    return { ...policy, clients: await clientsBefore(tx, new Date(policy.cutoff)) };
  });
}

/**
 * Purges the clients of a plan the user confirmed, through the same path as `client delete
 * --purge`, leaving out any that had contact since the plan was read (so it never deletes a
 * client that is not past the policy at the moment of deletion).
 */
export async function applyRetention(records: RecordStore, plan: RetentionPlan, who: Actor): Promise<PurgeResult> {
  const dueIn = async (tx: ReadTx) => {
    const policy = await requirePolicy(tx, who.now);
    return new Set((await clientsBefore(tx, new Date(policy.cutoff))).map((client) => client.client_id));
  };
  const due = await records.read(dueIn);
  const confirmed = plan.clients.map((client) => client.client_id).filter((clientId) => due.has(clientId));
  // Decided again inside the purge's write: a contact recorded meanwhile keeps the client.
  return purgeClients(records, confirmed, 'retention.purge', who, { stillDue: dueIn });
}

async function requirePolicy(tx: ReadTx, now: Date): Promise<{ retention_years: number; cutoff: string }> {
  const policy = await policyIn(tx, now);
  if (policy.retention_years === null || policy.cutoff === null) {
    throw new InputError('no retention policy yet: set one with `tpt retention set --years N` (see `tpt retention --help`)');
  }
  return { retention_years: policy.retention_years, cutoff: policy.cutoff };
}

async function clientsBefore(tx: ReadTx, cutoff: Date): Promise<ClientPastRetention[]> {
  return (await tx.admin.clientActivity())
    .map((row) => ({ client_id: row.client_id, last_contact: lastContact(row) }))
    .filter((client) => client.last_contact.getTime() < cutoff.getTime())
    .map((client) => ({ client_id: client.client_id, last_contact: client.last_contact.toISOString() }));
}
