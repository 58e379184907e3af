import type { ChalkInstance } from 'chalk';
import type {
  ClientSummary, Goal, GoalDetail, ListedSession, Milestone, MilestoneWithState, RecordEdit, Session, SessionAddendum, SessionDetail,
} from '../core/model.js';
import type { OpenRisk } from '../core/risks.js';
import { renderColumns, type Cell } from './columns.js';
import { crisisLabel, crisisLines, moodLabel, oneLine, percent, printable, progressBar, when } from './format.js';
import { openRiskBlock } from './risks.js';
import { ESTIMATED_MARK } from './labels.js';

/** A summary or description narrower than this moves to a line of its own under its row. */
const READABLE_TEXT = 40;

export function renderSessionList(
  sessions: (Session & Partial<Pick<ListedSession, 'version' | 'signed_at' | 'voided_at'>> & { mood_estimated?: boolean })[], style: ChalkInstance, _columns: number, tableWidth = Infinity,
  open?: { clientId: string; risks: readonly OpenRisk[] },
): string {
  const risks = open ? openRiskBlock(open.clientId, open.risks, style, tableWidth) : '';
  if (sessions.length === 0) return `${risks}No sessions in this timeframe.`;
  const rowsHead = ['When', 'Session', 'Mood', 'Min', 'Summary'];
  const rows: Cell[][] = [];
  for (const session of sessions) {
    const marks = recordMarks(session);
    rows.push([
      when(session.timestamp),
      session.session_id,
      moodLabel(session, style),
      session.session_duration_minutes ?? '',
      // The summary takes what the other columns leave; the crisis flags under it are never cut.
      [(marks ? `${style.dim(marks)} ` : '') + oneLine(session.conversation_summary), ...crisisLines(session.crisis_flags, style)],
    ]);
  }
  const voided = sessions.filter((session) => session.voided_at != null).length;
  const estimated = sessions.filter((session) => session.mood_estimated === true).length;
  const count = `${sessions.length} session${sessions.length === 1 ? '' : 's'}${voided > 0 ? `, ${voided} of them voided` : ''}` +
    (estimated > 0 ? `; ${estimated} mood${estimated === 1 ? '' : 's'} estimated by a machine, not yet signed` : '');
  return `${risks}${renderColumns(rowsHead, rows, style, { width: tableWidth, flex: 4, narrowest: READABLE_TEXT })}\n${style.dim(count)}`;
}

/** `[voided]`, `[signed]`, `[v2]`: how a listed session stands in the record. */
function recordMarks(session: Partial<Pick<ListedSession, 'version' | 'signed_at' | 'voided_at'>> & { mood_estimated?: boolean }): string {
  const marks = [
    session.mood_estimated === true && ESTIMATED_MARK,
    session.voided_at != null && '[voided]',
    session.signed_at != null && '[signed]',
    (session.version ?? 1) > 1 && `[v${session.version}]`,
  ].filter(Boolean);
  return marks.join(' ');
}

export function renderSession(
  session: SessionDetail & { source?: 'person' | 'machine'; mood_estimated?: boolean }, style: ChalkInstance, risks: readonly OpenRisk[] = [], width = Infinity,
): string {
  // A signed note with addenda shows as signed, the addenda after it (the current values are theirs).
  const out = renderSessionContent(session.as_signed ? { ...session.as_signed, session_id: session.session_id } : session, style,
    undefined, session.mood_estimated === true);
  const state: [string, string][] = [
    // Issue 25: a machine's entry says so; its mood is an estimate until a clinician signs it.
    ['Written by', session.source !== 'machine' ? ''
      : session.mood_estimated ? 'a machine (mood estimated; `tpt session sign` confirms it)' : 'a machine (confirmed by signing)'],
    ['Version', session.version === 1 ? '1 (as logged)'
      : `${session.version} (${session.amendments} amendment${session.amendments === 1 ? '' : 's'}${session.history ? '' : '; see --history'})`],
    ['Signed', session.signed_at ? `${when(session.signed_at)} by ${session.signed_by}` : ''],
    ['Voided', session.voided_at ? `${when(session.voided_at)} by ${session.voided_by}: ${session.void_reason}` : ''],
  ];
  out.push('', ...state.filter(([, value]) => value !== '').map(([name, value]) =>
    `${style.bold(name.padEnd(13))}${name === 'Voided' ? style.yellow(value) : value}`));
  if (session.addenda) out.push(...renderAddenda(session.addenda, style));
  if (session.history) {
    out.push('', style.bold('History (oldest first)'));
    for (const version of session.history) {
      const made = version.amended_at === null
        ? 'as logged'
        : `${version.addendum ? 'addendum' : 'amended'} ${when(version.amended_at)} by ${version.amended_by}: ${version.amend_reason}`;
      out.push('', style.bold(`── version ${version.version}, ${made}`), ...renderSessionContent(version, style));
    }
  }
  return openRiskBlock(session.client_id, risks, style, width) + out.join('\n');
}

/** Each addendum under the signed note: who, when and why, then the fields it gave new values. */
function renderAddenda(addenda: readonly SessionAddendum[], style: ChalkInstance): string[] {
  const out: string[] = [];
  for (const [index, addendum] of addenda.entries()) {
    out.push('', style.bold(`── Addendum ${index + 1}, ${when(addendum.amended_at)} by ${addendum.amended_by}: ${printable(addendum.amend_reason)}`));
    const changed = Object.keys(addendum.changes);
    const body = renderSessionContent(addendum.changes as SessionContent, style, new Set(changed));
    out.push(...(body[0] === '' ? body.slice(1) : body));
  }
  return out;
}

type SessionContent = Omit<Session, 'session_id'> & { session_id?: string };

/** The content of a session or of one of its versions, as lines; with `only`, just those fields. */
function renderSessionContent(session: SessionContent, style: ChalkInstance, only?: ReadonlySet<string>, estimated = false): string[] {
  const shown = (field: string) => only === undefined || only.has(field);
  const lines: [string, string, () => string][] = [
    ['session_id', 'Session', () => session.session_id ?? ''],
    ['client_id', 'Client', () => session.client_id],
    ['timestamp', 'When', () => when(session.timestamp)],
    ['emotional_state', 'Mood', () => moodLabel(session, style) + (estimated ? ` ${style.yellow(ESTIMATED_MARK)}` : '')],
    ['session_duration_minutes', 'Duration', () => (session.session_duration_minutes == null ? '' : `${session.session_duration_minutes} min`)],
    ['therapeutic_goals', 'Goals', () => session.therapeutic_goals.join(', ')],
    ['techniques_used', 'Techniques', () => printable(session.techniques_used.join(', '))],
    ['crisis_flags', 'Crisis flags', () => crisisLabel(session.crisis_flags, style)],
  ];
  const blocks: [string, string, () => string][] = [
    ['conversation_summary', 'Summary', () => session.conversation_summary],
    ['progress_notes', 'Progress notes', () => session.progress_notes],
    ['therapist_observations', 'Observations', () => session.therapist_observations],
    ['homework_assigned', 'Homework', () => session.homework_assigned],
    ['next_session_focus', 'Next focus', () => session.next_session_focus],
  ];
  // A field an addendum emptied is shown as such; elsewhere an empty field is left out.
  const emptied = only === undefined ? '' : style.dim('(none)');
  const out = lines.filter(([field]) => shown(field)).map(([, name, value]) => [name, value() || emptied] as const)
    .filter(([, value]) => value !== '').map(([name, value]) => `${style.bold(name.padEnd(13))}${value}`);
  for (const [field, name, text] of blocks) {
    if (!shown(field)) continue;
    const value = text() ? printable(text()) : emptied;
    if (value) out.push('', style.bold(name), value);
  }
  const meta = shown('metadata') ? Object.entries(session.metadata ?? {}) : [];
  if (meta.length > 0) {
    out.push('', style.bold('Metadata'), ...meta.map(([key, value]) => `${key}=${printable(value)}`));
  }
  return out;
}

export function renderClients(
  clients: (ClientSummary & { off_track?: { rule: string; measure: string }[] })[], style: ChalkInstance, _columns = 0, tableWidth = Infinity,
): string {
  if (clients.length === 0) return 'No clients yet: `tpt log-session` or `tpt goal create` adds the first.';
  const rowsHead = ['Client', 'Sessions', 'Last session', 'Active goals', 'Avg progress', 'Last crisis', 'Open risks', 'Off track'];
  const rows: Cell[][] = [];
  for (const client of clients) {
    rows.push([
      client.client_id,
      client.sessions,
      client.last_session ? when(client.last_session) : '–',
      client.active_goals,
      percent(client.average_goal_progress),
      client.last_crisis ? style.red.bold(`⚠ ${when(client.last_crisis)}`) : '',
      client.open_risks.length > 0 ? style.red.bold(`⚠ ${client.open_risks.join(', ')}`) : '',
      client.off_track?.length ? style.red.bold(`⚠ ${offTrackWords(client.off_track)}`) : '',
    ]);
  }
  return renderColumns(rowsHead, rows, style, { width: tableWidth });
}

/** Off-track alerts in a few words: `PHQ-9 deteriorated, PHQ-9 item 9`. */
export function offTrackWords(alerts: readonly { rule: string; measure: string }[]): string {
  const names: Record<string, string> = { phq9: 'PHQ-9', gad7: 'GAD-7', core10: 'CORE-10' };
  const words: Record<string, string> = {
    risk_item_endorsed: 'risk item', reliable_deterioration: 'deteriorated', no_reliable_improvement: 'not improving',
  };
  return alerts.map((alert) => `${names[alert.measure] ?? alert.measure} ${words[alert.rule] ?? alert.rule}`).join(', ');
}

export function renderGoalList(goals: Goal[], style: ChalkInstance, _columns = 0, tableWidth = Infinity): string {
  if (goals.length === 0) return 'No goals.';
  const rowsHead = ['Goal', 'Progress', 'Status', 'Target', 'Description'];
  const rows: Cell[][] = [];
  for (const goal of goals) {
    rows.push([
      goal.goal_id,
      `${progressBar(goal.completion_percentage, 20)} ${percent(goal.completion_percentage)}`,
      goal.status,
      goal.target_date ?? '',
      oneLine(goal.description),
    ]);
  }
  return renderColumns(rowsHead, rows, style, { width: tableWidth, flex: 4, narrowest: READABLE_TEXT });
}

export function renderGoal(goal: GoalDetail, style: ChalkInstance): string {
  const out = [
    `${style.bold('Goal'.padEnd(13))}${goal.goal_id}`,
    `${style.bold('Client'.padEnd(13))}${goal.client_id}`,
    `${style.bold('Description'.padEnd(13))}${goal.description}`,
    `${style.bold('Progress'.padEnd(13))}${progressBar(goal.completion_percentage)} ${percent(goal.completion_percentage)}`,
    `${style.bold('Status'.padEnd(13))}${goal.status}`,
  ];
  if (goal.target_date) out.push(`${style.bold('Target'.padEnd(13))}${goal.target_date}`);
  if (goal.notes) out.push(`${style.bold('Notes'.padEnd(13))}${goal.notes}`);
  out.push('', style.bold('History'));
  const historyHead = ['When', 'Progress', 'Status', 'By', 'Note'];
  const history: Cell[][] = [];
  for (const entry of goal.history) {
    history.push([when(entry.at), percent(entry.completion_percentage), entry.status, entry.actor, entry.note]);
  }
  out.push(renderColumns(historyHead, history, style));
  out.push(...renderCorrections(goal.edits, style));
  if (goal.milestone_details.length > 0) {
    out.push('', style.bold('Milestones'), renderMilestoneRows(goal.milestone_details, style));
  }
  return out.join('\n');
}

export function renderMilestoneList(
  milestones: (Milestone & Partial<Pick<MilestoneWithState, 'voided_at'>>)[], style: ChalkInstance, _columns = 0, tableWidth = Infinity,
): string {
  if (milestones.length === 0) return 'No milestones yet.';
  const voided = milestones.filter((milestone) => milestone.voided_at != null).length;
  return renderMilestoneRows(milestones, style, tableWidth) + (voided > 0 ? `\n${style.dim(`${voided} of them voided`)}` : '');
}

function renderMilestoneRows(
  milestones: (Milestone & Partial<Pick<MilestoneWithState, 'voided_at'>>)[], style: ChalkInstance, tableWidth = Infinity,
): string {
  const rowsHead = ['Date', 'Milestone', 'Goal', 'Significance', 'Description'];
  const rows: Cell[][] = [];
  for (const milestone of milestones) {
    const significance = milestone.significance === 'high' ? style.bold('high') : milestone.significance;
    const description = `${milestone.voided_at != null ? '[voided] ' : ''}${oneLine(milestone.description)}`;
    rows.push([milestone.achieved_date, milestone.milestone_id, milestone.goal_id, significance, description]);
  }
  return renderColumns(rowsHead, rows, style, { width: tableWidth, flex: 4 });
}

/** `tpt milestone show`: the milestone, its state and its corrections. */
export function renderMilestone(milestone: MilestoneWithState & { edits: RecordEdit[] }, style: ChalkInstance): string {
  const field = (name: string, value: string) => `${style.bold(name.padEnd(13))}${value}`;
  const out = [
    field('Milestone', milestone.milestone_id),
    field('Goal', milestone.goal_id),
    field('Client', milestone.client_id),
    field('Date', milestone.achieved_date),
    field('Significance', milestone.significance),
    field('Description', milestone.description),
  ];
  if (milestone.voided_at) {
    out.push(field('Voided', style.yellow(`${when(milestone.voided_at)} by ${milestone.voided_by}: ${milestone.void_reason}`)));
  }
  out.push(...renderCorrections(milestone.edits, style));
  return out.join('\n');
}

/** The edit log of a goal or milestone: who, when, why, and each field before → after. */
function renderCorrections(edits: readonly RecordEdit[], style: ChalkInstance): string[] {
  if (edits.length === 0) return [];
  const out = ['', style.bold('Corrections')];
  for (const edit of edits) {
    const changes = Object.entries(edit.changes).map(([field, [before, after]]) =>
      `${field.replace('_', ' ')}: ${before ?? '(none)'} → ${after ?? '(none)'}`);
    out.push(`${when(edit.at)} by ${edit.actor} (${edit.reason}): ${changes.join('; ')}`);
  }
  return out;
}

