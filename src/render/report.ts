import type { ChalkInstance } from 'chalk';
import { sessionsPhrase, type ReportGoal, type ReportView, type Trajectory } from '../core/report.js';
import { renderTrendChart } from './chart.js';
import { renderMeasuresMarkdown, renderMeasuresSection } from './measures-section.js';
import { crisisLabel, day, moodLabel, percent, progressBar, truncate, when } from './format.js';
import { openRiskLines } from './risks.js';
import { ESTIMATED_MARK, moodRatingsLine } from './labels.js';
import { fitParts, type Part } from './fit-parts.js';
import { textWidth } from './text-width.js';
import type { RiskHistoryEntry } from '../core/risks.js';
import { noTrendReason } from '../core/stats.js';
import { meanLabel, periodRange, signed, trendLine } from './trend-text.js';

function trajectoryLabel(trajectory: Trajectory, style: ChalkInstance): string {
  const text = trajectory.replace('_', ' ').toUpperCase();
  if (trajectory === 'improving') return style.green.bold(text);
  if (trajectory === 'declining') return style.yellow.bold(text);
  if (trajectory === 'mixed') return style.magenta.bold(text);
  return style.bold(text);
}

const capitalized = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;

/** What sets a goal apart in the goal vote: new in the timeframe, or closed before it. */
function goalNote(goal: ReportGoal): string {
  if (goal.set_in_timeframe) return 'new in this timeframe: change counted from its first value';
  if (goal.closed_before_timeframe) return `${goal.status} before this timeframe: not in the goal vote`;
  return '';
}

/** A sentence as parts of a line, one space apart, so that it breaks between its words. */
const words = (text: string): Part[] => text.split(' ').map((word, index) => (index === 0 ? word : { text: word, gap: ' ' }));

/** A note after a line's parts: whole when it fits a line, else word by word. */
function noteParts(note: string, width: number, style: ChalkInstance): Part[] {
  if (note === '') return [];
  if (textWidth(`    ${note}`) <= width) return [style.dim(note)];
  return note.split(' ').map((word, index) => ({ text: style.dim(word), gap: index === 0 ? '  ' : ' ' }));
}

/** Wraps text to `width` columns, each line after the first indented by `indent`. */
function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${indent}`);
}

/** The report for a person at a terminal: crisis events first, then goals, milestones, the trend, advice. */
export function renderReport(view: ReportView, style: ChalkInstance, columns: number): string {
  const { report } = view;
  const width = Math.max(40, Math.min(columns, 110) - 2);
  const heading = (text: string) => style.bold.underline(text);
  const out: string[] = [
    ...openRiskLines(report.client_id, report.open_risks, style, width),
    ...(report.open_risks.length > 0 ? [''] : []),
    ...fitParts([
      style.bold(`Progress report: ${report.client_id}`), `${day(report.timeframe_start)} – ${day(report.timeframe_end)}`,
      style.dim(`(made ${when(report.report_date)})`),
    ], width, '  ', '   '),
    `Overall trajectory: ${trajectoryLabel(report.overall_trajectory, style)}`,
    // The concerns of the headline (README, "The trajectory rule"), never left out.
    ...report.concerns.map((concern) => style.red.bold(`  ⚠ ${wrap(concern, width - 4, '    ')}`)),
    '',
  ];

  if (report.crisis_events.length > 0) {
    out.push(style.red.bold(`⚠ CRISIS EVENTS (${report.crisis_events.length})`));
    for (const event of report.crisis_events) {
      out.push(...fitParts([
        `  ${when(event.timestamp)}`, `${event.session_id}${event.signed ? ' (signed)' : ''}`, moodLabel(event, style) + estimatedMark(event, style),
        crisisLabel(event.crisis_flags, style),
      ], width, '    '));
      if (event.conversation_summary) out.push(`    ${truncate(event.conversation_summary, width - 4)}`);
    }
  } else {
    out.push(style.dim('No crisis flags in this timeframe.'));
  }
  out.push('');
  if (report.off_track.length > 0) {
    out.push(style.red.bold(`⚠ OFF TRACK (${report.off_track.length})`));
    for (const alert of report.off_track) {
      out.push(`  ${wrap(`${day(alert.date)}  ${alert.detail}`, width - 4, '    ')}`, style.dim(`    ${wrap(`rule: ${alert.rule}; ${alert.source}`, width - 6, '    ')}`));
    }
    out.push('');
  }
  if (report.risk_history.length > 0) {
    out.push(heading('Risks in this timeframe'));
    for (const entry of report.risk_history) out.push(`  ${wrap(riskEventWords(entry), width - 4, '    ')}`);
    out.push('');
  }

  out.push(heading('Sessions'), `  ${capitalized(sessionsPhrase(report.sessions_count, report.total_minutes, report.sessions_without_duration))}`);
  const ratings = ratingsOf(report);
  if (ratings) out.push(style.yellow(`  ${wrap(ratings, width - 2, '  ')}`));
  for (const listed of report.session_summaries) {
    const minutes = listed.session_duration_minutes === null ? 'duration not recorded' : `${listed.session_duration_minutes} min`;
    out.push(...fitParts([
      `  ${when(listed.timestamp)}`, `${listed.session_id}${listed.signed ? ' (signed)' : ''}`, moodLabel(listed, style) + estimatedMark(listed, style), minutes,
      crisisLabel(listed.crisis_flags, style),
    ], width, '    '));
    out.push(`    ${truncate(listed.conversation_summary, width - 4)}`);
  }
  if (report.sessions_not_listed > 0) {
    out.push(style.dim(`  … and ${report.sessions_not_listed} earlier session${report.sessions_not_listed === 1 ? '' : 's'} (\`tpt sessions ${report.client_id}\` lists them all)`));
  }
  out.push('');

  out.push(heading('Goals'));
  if (report.goals.length === 0) out.push(style.dim('  No goals set by the end of this timeframe.'));
  for (const goal of report.goals) {
    const change = goal.progress_change === 0 ? style.dim('±0') : goal.progress_change > 0
      ? style.green(signed(goal.progress_change)) : style.yellow(signed(goal.progress_change));
    const target = goal.target_date ? `  target ${goal.target_date}` : '';
    out.push(
      ...fitParts([
        `  ${progressBar(goal.completion_percentage, 20)} ${percent(goal.completion_percentage).padStart(4)} (${change})`,
        goal.status, target.trim(),
        ...noteParts(goalNote(goal) && `(${goalNote(goal)})`, width, style),
      ], width, '    '),
      `    ${goal.goal_id}: ${truncate(goal.description, width - goal.goal_id.length - 6)}`,
    );
  }
  out.push('');

  out.push(heading('Milestones'));
  if (report.key_milestones.length === 0) out.push(style.dim('  None reached in this timeframe.'));
  for (const milestone of report.key_milestones) {
    const significance = milestone.significance === 'high' ? style.bold('high  ') : milestone.significance.padEnd(6);
    out.push(`  ${milestone.achieved_date}  ${significance}  ${truncate(milestone.description, width - 22)}`);
  }
  out.push('');

  out.push(heading(`Emotional trend (by ${view.chart.by})`));
  out.push(renderTrendChart(view.chart.periods, view.chart.by, style, width));
  out.push(...fitParts(words(`  ${trendLine(report.overall_emotional_trend, style)}`), width, '    '), '');

  out.push(heading('Outcome measures'), renderMeasuresSection(report.measures, style, width), '');

  out.push(heading('Recommendations'));
  for (const sentence of report.recommendations) out.push(`  • ${wrap(sentence, width - 4, '    ')}`);
  out.push('');

  out.push(heading('Summary'), `  ${wrap(summaryBelowHeadline(report), width - 2, '  ')}`);
  return out.join('\n');
}

/**
 * The summary under a headline that gave the trajectory's reasons already: its last sentence names
 * the trajectory alone (`--json` keeps the paragraph whole, for those who read it on its own).
 */
function summaryBelowHeadline(report: ReportView['report']): string {
  const whole = `Overall trajectory: ${report.headline}.`;
  if (report.concerns.length === 0 || !report.summary.endsWith(whole)) return report.summary;
  return `${report.summary.slice(0, -whole.length)}Overall trajectory: ${report.overall_trajectory.replace('_', ' ')}, for the reasons at the top.`;
}

// ── markdown ─────────────────────────────────────────────────────────────────

/**
 * Text typed by a person, made inert in markdown, inline and inside table cells: one line, and a
 * backslash before every character that could start markup. An underscore inside a word
 * (`self_harm_urge`) starts nothing in CommonMark and stays as typed.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*{}[\]<>#!|~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, (char) => `\\${char}`);
}

function markdownTable(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

/** A document a clinician can paste into a record; every user-typed text is escaped. */
export function renderReportMarkdown(view: ReportView): string {
  const { report } = view;
  const trend = report.overall_emotional_trend;
  const out: string[] = [
    `# Progress report: ${escapeMarkdown(report.client_id)}`,
    '',
    `- **Timeframe:** ${day(report.timeframe_start)} to ${day(report.timeframe_end)}`,
    `- **Report made:** ${when(report.report_date)}`,
    `- **Sessions:** ${sessionsPhrase(report.sessions_count, report.total_minutes, report.sessions_without_duration)}`,
    ...(ratingsOf(report) ? [`- **${ratingsOf(report)!.replace(': ', ':** ')}`] : []),
    `- **Overall trajectory:** ${report.overall_trajectory.replace('_', ' ')}`,
    ...report.concerns.map((concern) => `- **⚠ ${escapeMarkdown(concern)}**`),
    '',
    ...openRisksMarkdown(report),
    ...offTrackMarkdown(report),
    ...riskHistoryMarkdown(report),
    '## Crisis events',
    '',
  ];
  if (report.crisis_events.length === 0) {
    out.push('No crisis flags in this timeframe.');
  } else {
    out.push(...markdownTable(['When', 'Session', 'Mood', 'Crisis flags', 'Summary'], report.crisis_events.map((event) => [
      when(event.timestamp),
      escapeMarkdown(event.session_id) + (event.signed ? ' (signed)' : ''),
      `${event.emotional_state} (${signed(event.emotional_score)})${event.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}`,
      `**${event.crisis_flags.map(escapeMarkdown).join(', ')}**`,
      escapeMarkdown(event.conversation_summary),
    ])));
  }
  out.push('', '## Sessions', '');
  if (report.session_summaries.length === 0) {
    out.push('No sessions in this timeframe.');
  } else {
    out.push(...markdownTable(['When', 'Session', 'Mood', 'Minutes', 'Crisis flags', 'Summary'], report.session_summaries.map((listed) => [
      when(listed.timestamp),
      escapeMarkdown(listed.session_id) + (listed.signed ? ' (signed)' : ''),
      `${listed.emotional_state} (${signed(listed.emotional_score)})${listed.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}`,
      listed.session_duration_minutes === null ? 'not recorded' : String(listed.session_duration_minutes),
      listed.crisis_flags.length === 0 ? '' : `**${listed.crisis_flags.map(escapeMarkdown).join(', ')}**`,
      escapeMarkdown(listed.conversation_summary),
    ])));
    if (report.sessions_not_listed > 0) {
      out.push('', `… and ${report.sessions_not_listed} earlier session${report.sessions_not_listed === 1 ? '' : 's'} of this timeframe.`);
    }
  }
  out.push('', '## Goals', '');
  if (report.goals.length === 0) {
    out.push('No goals set by the end of this timeframe.');
  } else {
    out.push(...markdownTable(['Goal', 'Description', 'Target', 'Status', 'Progress', 'Change'], report.goals.map((goal) => [
      escapeMarkdown(goal.goal_id),
      escapeMarkdown(goal.description),
      goal.target_date ?? '–',
      goal.status,
      percent(goal.completion_percentage),
      `${signed(goal.progress_change)} points${goalNote(goal) ? ` (${goalNote(goal)})` : ''}`,
    ])));
  }
  out.push('', '## Milestones', '');
  if (report.key_milestones.length === 0) {
    out.push('None reached in this timeframe.');
  } else {
    out.push(...markdownTable(['Date', 'Milestone', 'Goal', 'Significance'], report.key_milestones.map((milestone) => [
      milestone.achieved_date, escapeMarkdown(milestone.description), escapeMarkdown(milestone.goal_id), milestone.significance,
    ])));
  }
  out.push(
    '', '## Emotional trend', '',
    trend.data_points === 0
      ? 'No sessions in this timeframe.'
      : `Mean score ${meanLabel(trend.avg_emotional_score)} on the −2 to +2 scale; ` +
        (trend.slope_per_30_days === null ? noTrendReason(trend) : `trend ${trend.trend_direction} (${signed(trend.slope_per_30_days)} per 30 days)`) +
        `; volatility ${trend.volatility}; ${trend.data_points} sessions.`,
    '',
    ...markdownTable(['Month', 'Sessions', 'Mean', 'Trend', 'Volatility', 'Slope per 30 days'], report.emotional_trends.map((month) => [
      periodRange(month),
      String(month.data_points),
      meanLabel(month.avg_emotional_score),
      month.data_points === 0 ? '' : month.trend_direction.replace('_', ' '),
      month.data_points === 0 ? '' : String(month.volatility),
      month.slope_per_30_days === null ? '' : signed(month.slope_per_30_days),
    ])),
    '', '## Outcome measures', '',
    renderMeasuresMarkdown(report.measures, escapeMarkdown),
    '', '## Recommendations', '',
    ...report.recommendations.map((sentence) => `- ${escapeMarkdown(sentence)}`),
    '', '## Summary', '',
    escapeMarkdown(summaryBelowHeadline(report)),
  );
  return out.join('\n');
}

/** "2026-10-02 10:00  self_harm resolved by dr.k: safety plan reviewed", as every format words an event. */
export function riskEventWords(entry: RiskHistoryEntry): string {
  const what = entry.event === 'resolved'
    ? `resolved by ${entry.actor}: ${entry.note}`
    : entry.source_type === null
      ? `resolution taken back by ${entry.actor}: ${entry.note}`
      : `${entry.event} by ${entry.source_type} ${entry.source_id ?? ''} ("${entry.flag ?? ''}"), recorded by ${entry.actor}`;
  return `${when(entry.at)}  ${entry.kind} ${what}`;
}

/** The risk register's events of the timeframe: what was opened, flagged again, reopened or resolved. */
function riskHistoryMarkdown(report: ReportView['report']): string[] {
  if (report.risk_history.length === 0) return [];
  return [
    '## Risks in this timeframe',
    '',
    ...markdownTable(['When', 'Risk', 'Event', 'By', 'Source', 'Flag or note'], report.risk_history.map((entry) => [
      when(entry.at),
      entry.kind,
      entry.event,
      escapeMarkdown(entry.actor),
      entry.source_id === null ? '' : escapeMarkdown(`${entry.source_type} ${entry.source_id}`),
      escapeMarkdown(entry.event === 'resolved' || entry.source_type === null ? entry.note : entry.flag ?? ''),
    ])),
    '',
  ];
}

/** Open risks lead the document: shown whatever the timeframe, until a person resolves them. */
function offTrackMarkdown(report: ReportView['report']): string[] {
  if (report.off_track.length === 0) return [];
  return [
    `## ⚠ Off track (${report.off_track.length})`,
    '',
    ...markdownTable(['Date', 'Rule', 'Alert', 'Source'], report.off_track.map((alert) => [
      day(alert.date), alert.rule, escapeMarkdown(alert.detail), escapeMarkdown(alert.source),
    ])),
    '',
  ];
}

function openRisksMarkdown(report: ReportView['report']): string[] {
  if (report.open_risks.length === 0) return [];
  return [
    `## ⚠ Open risks (${report.open_risks.length})`,
    '',
    ...markdownTable(['Risk', 'Open since', 'Last flagged', 'Sessions', 'Flags'], report.open_risks.map((risk) => [
      `**${risk.kind}**`,
      day(risk.opened_at),
      day(risk.last_flagged_at),
      risk.session_ids.map(escapeMarkdown).join(', '),
      risk.flags.map(escapeMarkdown).join('; '),
    ])),
    '',
  ];
}

/** The line on estimated moods (issue 25), or null; a report made before the label has none. */
export function ratingsOf(report: ReportView['report']): string | null {
  return report.mood_ratings ? moodRatingsLine(report.mood_ratings) : null;
}

function estimatedMark(session: { mood_estimated?: boolean }, style: ChalkInstance): string {
  return session.mood_estimated === true ? ` ${style.yellow(ESTIMATED_MARK)}` : '';
}
