import type { ReadTx, RecordStore } from '../store/port.js';
import type { ClientRecord, SessionValues } from '../store/port-exchange.js';
import type { Session } from '../domain/records.js';
import { bandOf, measureDefinition } from './measure-scoring.js';
import { stateOf } from './scale.js';
import { readLogged } from './audit.js';
import { InputError, NotFoundError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';

/**
 * `tpt export`: one client's (or every client's) whole history as a versioned JSON document, or
 * one table of it as CSV rows. Both are generators that read the database as they go, so memory
 * stays flat however large the history is; the caller writes each piece before asking for more.
 */

export const EXPORT_FORMAT = 'tpt-export';
/**
 * 2 adds the state and earlier versions of corrected sessions (issue 12); 3 the risk register with
 * its whole history (issue 21), and each client's courses of treatment and measure schedules (issue
 * 24; version 3 had not shipped when they were added, so a file of version 3 may lack them). Files
 * of versions 1 and 2 still import, their risks opened from their flags as before.
 */
export const EXPORT_VERSION = 3;
export const READABLE_EXPORT_VERSIONS: readonly unknown[] = [1, 2, 3];

export const EXPORT_FORMATS = ['json', 'csv', 'fhir'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_TABLES = ['sessions', 'goals', 'milestones', 'goal-history', 'measures'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export interface ExportRequest {
  clientId?: string;
  all?: boolean;
  format?: string;
  table?: string;
}

export interface ExportPlan {
  clients: ClientRecord[];
  format: ExportFormat;
  table: CsvTable;
}

/** Checks the request, names the clients and records one audit entry for each of them. */
export async function planExport(records: RecordStore, request: ExportRequest, who: Actor): Promise<ExportPlan> {
  const format = (request.format ?? 'json').trim().toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`unknown export format "${request.format}": use --format json, csv or fhir`);
  }
  if (request.table !== undefined && format !== 'csv') {
    throw new InputError('--table is for CSV exports: add --format csv, or drop --table (JSON holds every table)');
  }
  const table = (request.table ?? 'sessions').trim().toLowerCase();
  if (!(CSV_TABLES as readonly string[]).includes(table)) {
    throw new InputError(`unknown table "${request.table}": use --table ${CSV_TABLES.join(' | ')}`);
  }
  if (request.all && request.clientId !== undefined) {
    throw new InputError('give either a client id or --all, not both');
  }
  let clients: ClientRecord[];
  if (request.all) {
    clients = await records.read((tx) => tx.exchange.clients());
  } else if (request.clientId !== undefined) {
    const clientId = checkId(request.clientId, 'client');
    const client = await records.read((tx) => tx.exchange.client(clientId));
    if (!client) throw new NotFoundError(`no client "${request.clientId}": see \`tpt clients\` for the ids on record`);
    clients = [client];
  } else {
    throw new InputError('name the client to export, or give --all: tpt export <client> | tpt export --all');
  }
  const objectId = format === 'csv' ? `csv:${table}` : format;
  await readLogged(records, clients.map((client) => ({ action: 'export', client_id: client.client_id, object_id: objectId })), who, async () => undefined);
  return { clients, format: format as ExportFormat, table: table as CsvTable };
}

/** Pieces of text are gathered up to this size before they are handed out to be written. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The JSON export document, in pieces. The layout is fixed (one record per line) so that a diff
 * of two exports reads well; any JSON layout of the same content imports the same.
 */
export async function* exportJson(
  tx: ReadTx,
  clients: readonly ClientRecord[],
  exportedAt: Date,
  onSessions: (done: number) => void = () => {},
): AsyncGenerator<string> {
  let pending = `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},` +
    `"exported_at":${JSON.stringify(exportedAt.toISOString())},"clients":[`;
  let done = 0;
  for (let c = 0; c < clients.length; c++) {
    const client = clients[c]!;
    pending += `${c === 0 ? '' : ','}\n{"client_id":${JSON.stringify(client.client_id)},` +
      `"created_at":${JSON.stringify(client.created_at)},"sessions":[`;
    let first = true;
    for await (const json of tx.exchange.sessionJson(client.client_id)) {
      pending += `${first ? '' : ','}\n${json}`;
      first = false;
      done++;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
        onSessions(done);
      }
    }
    pending += `${first ? '' : '\n'}],"goals":[`;
    first = true;
    for (const goal of await tx.goals.ofClient(client.client_id)) {
      const edits = await tx.exchange.edits('goal_edits', goal.goal_id);
      const record = { ...goal, history: await tx.goals.history(goal.goal_id), ...(edits.length > 0 ? { edits } : {}) };
      pending += `${first ? '' : ','}\n${JSON.stringify(record)}`;
      first = false;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
    pending += `${first ? '' : '\n'}],"milestones":[`;
    first = true;
    for (const { voided_at, voided_by, void_reason, ...milestone } of await tx.exchange.milestoneRecords(client.client_id)) {
      // A corrected or voided milestone carries its edit log and its void; others only their fields.
      const edits = await tx.exchange.edits('milestone_edits', milestone.milestone_id);
      const record = edits.length > 0 || voided_at !== null ? { ...milestone, voided_at, voided_by, void_reason, edits } : milestone;
      pending += `${first ? '' : ','}\n${JSON.stringify(record)}`;
      first = false;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
    pending += `${first ? '' : '\n'}],"measures":[`;
    first = true;
    for (const { measure, state } of await tx.measures.ofClient(client.client_id, { includeVoid: true })) {
      // An amended or voided measure carries its state and earlier versions; others only their fields.
      const corrected = state.version > 1 || state.voided_at !== null;
      const record = corrected ? { ...measure, ...state, versions: await tx.measures.versions(measure.measure_id) } : measure;
      pending += `${first ? '' : ','}\n${JSON.stringify(record)}`;
      first = false;
      if (pending.length >= CHUNK_CHARS) {
        yield pending;
        pending = '';
      }
    }
    // The risk register: each risk's state and its whole history, so an import restores it exactly.
    pending += `${first ? '' : '\n'}],"risks":[`;
    first = true;
    for (const risk of await tx.risks.ofClient(client.client_id)) {
      pending += `${first ? '' : ','}\n${JSON.stringify({ ...risk, history: await tx.risks.events(risk.client_id, risk.kind) })}`;
      first = false;
    }
    // Courses of treatment (ended ones with their reason) and measure schedules (stopped ones too):
    // the report's baselines are the first scores of the current course, so they must travel.
    pending += `${first ? '' : '\n'}],"courses":[`;
    first = true;
    for (const course of await tx.exchange.courses(client.client_id)) {
      pending += `${first ? '' : ','}\n${JSON.stringify(course)}`;
      first = false;
    }
    pending += `${first ? '' : '\n'}],"schedules":[`;
    first = true;
    for (const schedule of await tx.exchange.schedules(client.client_id)) {
      pending += `${first ? '' : ','}\n${JSON.stringify(schedule)}`;
      first = false;
    }
    pending += `${first ? '' : '\n'}]}`;
  }
  pending += `${clients.length === 0 ? '' : '\n'}]}\n`;
  yield pending;
  onSessions(done);
}

/** A CSV cell before quoting: text, a number, or empty (null). */
export type Cell = string | number | null;

export const CSV_COLUMNS: Record<CsvTable, readonly string[]> = {
  sessions: [
    'session_id', 'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score',
    'therapeutic_goals', 'progress_notes', 'therapist_observations', 'next_session_focus',
    'session_duration_minutes', 'techniques_used', 'homework_assigned', 'crisis_flags', 'metadata',
  ],
  goals: [
    'goal_id', 'client_id', 'description', 'target_date', 'completion_percentage', 'status', 'milestones',
    'notes', 'created_at', 'updated_at',
  ],
  milestones: ['milestone_id', 'goal_id', 'client_id', 'description', 'achieved_date', 'significance', 'created_at'],
  'goal-history': ['goal_id', 'client_id', 'seq', 'at', 'completion_percentage', 'status', 'note', 'actor'],
  measures: [
    'measure_id', 'client_id', 'measure', 'timestamp', 'session_id', 'items', 'total', 'band', 'created_at', 'version',
  ],
};

const ROWS_PER_BATCH = 250;

/** The rows of one table (without the header), in batches, streamed from the database. */
export async function* exportCsvRows(
  tx: ReadTx,
  clients: readonly ClientRecord[],
  table: CsvTable,
  onRows: (done: number) => void = () => {},
): AsyncGenerator<Cell[][]> {
  let batch: Cell[][] = [];
  let done = 0;
  for (const client of clients) {
    for await (const row of tableRows(tx, client.client_id, table)) {
      batch.push(row);
      if (batch.length >= ROWS_PER_BATCH) {
        yield batch;
        onRows((done += batch.length));
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
  onRows(done + batch.length);
}

/**
 * A CSV table is a listing for a spreadsheet: like `sessions` and `milestone list`, it leaves voided
 * sessions and milestones out (a session voided as logged for the wrong client must not be counted
 * under that client). The JSON export carries them, with their state.
 */
async function* tableRows(tx: ReadTx, clientId: string, table: CsvTable): AsyncGenerator<Cell[]> {
  switch (table) {
    case 'sessions':
      for await (const [id, client, timestamp, summary, score, goals, notes, observations, focus, duration, techniques,
        homework, flags, metadata, hasState] of tx.exchange.sessionValues(clientId)) {
        if (hasState === 1 && (await tx.sessions.get(id))!.state.voided_at !== null) continue;
        yield [
          id, client, timestamp, summary, stateOf(score), score, joinList(storedList(goals)), notes, observations, focus,
          duration, joinList(storedList(techniques)), homework, joinList(storedList(flags)),
          joinMap(JSON.parse(metadata) as Record<string, string>),
        ];
      }
      return;
    case 'goals':
      for (const g of await tx.goals.ofClient(clientId)) {
        yield [
          g.goal_id, g.client_id, g.description, g.target_date, g.completion_percentage, g.status,
          joinList(g.milestones), g.notes, g.created_at, g.updated_at,
        ];
      }
      return;
    case 'milestones':
      for (const m of await tx.exchange.milestoneRecords(clientId)) {
        if (m.voided_at !== null) continue;
        yield [m.milestone_id, m.goal_id, m.client_id, m.description, m.achieved_date, m.significance, m.created_at];
      }
      return;
    case 'goal-history':
      for (const h of await tx.exchange.goalHistoryRows(clientId)) {
        yield [h.goal_id, h.client_id, h.seq, h.at, h.completion_percentage, h.status, h.note, h.actor];
      }
      return;
    case 'measures':
      for (const { measure: m, state } of await tx.measures.ofClient(clientId, { includeVoid: true })) {
        if (state.voided_at !== null) continue; // as `measures` lists them; the JSON export keeps them
        yield [
          m.measure_id, m.client_id, m.measure, m.timestamp, m.session_id,
          m.items === null ? null : joinList(m.items.map((answer) => (answer === null ? 'x' : String(answer)))), m.total, bandOf(measureDefinition(m.measure), m.total),
          m.created_at, state.version,
        ];
      }
      return;
  }
}

/** A session of `sessionValues`, as the record it is (SPEC §1's keys, in order). */
export function sessionOfValues(values: SessionValues): Session {
  const [id, client, timestamp, summary, score, goals, notes, observations, focus, duration, techniques, homework,
    flags, metadata] = values;
  return {
    session_id: id, client_id: client, timestamp, conversation_summary: summary, emotional_state: stateOf(score),
    emotional_score: score, therapeutic_goals: JSON.parse(goals) as string[], progress_notes: notes,
    therapist_observations: observations, next_session_focus: focus, session_duration_minutes: duration,
    techniques_used: JSON.parse(techniques) as string[], homework_assigned: homework, crisis_flags: JSON.parse(flags) as string[],
    metadata: JSON.parse(metadata) as Record<string, string>,
  };
}

/** A list stored as JSON text; most are empty, and need no parse. */
function storedList(text: string): string[] {
  return text === '[]' ? [] : (JSON.parse(text) as string[]);
}

/**
 * A list in one CSV cell: items joined by "; ". Inside an item a backslash is written `\\` and a
 * semicolon `\;` (in metadata also an equals sign, `\=`), so the cell splits back unambiguously.
 */
export const LIST_SEPARATOR = '; ';

export function joinList(items: readonly string[]): string {
  return items.map((item) => item.replace(/[\\;]/g, (char) => `\\${char}`)).join(LIST_SEPARATOR);
}

/** Metadata in one cell: `key=value` pairs, joined and escaped as lists are. */
export function joinMap(map: Record<string, string>): string {
  const escape = (text: string) => text.replace(/[\\;=]/g, (char) => `\\${char}`);
  return Object.entries(map).map(([key, value]) => `${escape(key)}=${escape(value)}`).join(LIST_SEPARATOR);
}

/** The inverse of joinList (for readers of the format, and tests). */
export function splitList(cell: string): string[] {
  return rawItems(cell).map(unescape);
}

/** The inverse of joinMap. */
export function splitMap(cell: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const item of rawItems(cell)) {
    const at = unescapedIndex(item, '=');
    map[unescape(item.slice(0, at))] = unescape(item.slice(at + 1));
  }
  return map;
}

function rawItems(cell: string): string[] {
  if (cell === '') return [];
  const items: string[] = [];
  let start = 0;
  for (let i = 0; i < cell.length; i++) {
    if (cell[i] === '\\') i++;
    else if (cell[i] === ';') {
      items.push(cell.slice(start, i));
      start = i + LIST_SEPARATOR.length;
      i = start - 1;
    }
  }
  items.push(cell.slice(start));
  return items;
}

function unescapedIndex(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return text.length;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/gs, '$1');
}
