import type { ReportView } from '../core/report.js';
import type { MeasureTrend } from '../core/measure-summary.js';
import type { TrendSummary } from '../core/trends.js';
import { day, printable, when } from './format.js';
import { ratingsOf, riskEventWords } from './report.js';
import { ESTIMATED_MARK } from './labels.js';

/**
 * `tpt report --format html`: one self-contained file (no script, no request for anything: styles
 * and SVG charts inline) to hand on. The risk section comes first, as on the terminal; it says the
 * same as `--format json`, with the same figures. A print stylesheet fits A4 and Letter alike
 * (margins in millimetres, widths relative to the page).
 */

/** Text typed by someone, made inert in HTML (and control characters visible). */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

const STYLE = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{text-align:left;padding:.2rem .4rem;border-bottom:1px solid #e4e4e4;vertical-align:top}
.risk{border:2px solid #b00020;background:#fff4f4;padding:.4rem 1rem;margin:1rem 0}.risk h2{color:#b00020;border:0}
.alert{color:#b00020;font-weight:600}.dim{color:#666}.chart{width:100%;max-width:44rem;height:auto;display:block}
.num{font-variant-numeric:tabular-nums}td:first-child{white-space:nowrap}
@media print{@page{margin:15mm}body{max-width:none;margin:0;font-size:10.5pt}h2{break-after:avoid}
table,figure,.risk{break-inside:avoid}a{color:inherit;text-decoration:none}}
`;

const CHART = { width: 640, height: 200, left: 44, right: 12, top: 12, bottom: 28 };

/** An SVG line chart of `points` (x 0..n−1) on a fixed scale [low, high], with an optional dotted line. */
function lineChart(title: string, points: readonly (number | null)[], labels: readonly string[], low: number, high: number, line?: { at: number; label: string }): string {
  const { width, height, left, right, top, bottom } = CHART;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (index: number) => left + (points.length <= 1 ? plotWidth / 2 : (index * plotWidth) / (points.length - 1));
  const y = (value: number) => top + ((high - value) * plotHeight) / (high - low);
  const ticks = [low, (low + high) / 2, high];
  const parts: string[] = [
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">`,
    `<title>${escapeHtml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#bbb"/>`,
    ...ticks.map((tick) => `<text x="${left - 6}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick}</text>`),
  ];
  if (line) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(line.at)}" y2="${y(line.at)}" stroke="#b00020" stroke-dasharray="4 4"/>`,
      `<text x="${width - right - 4}" y="${y(line.at) - 4}" font-size="11" text-anchor="end" fill="#b00020">${escapeHtml(line.label)}</text>`);
  }
  const drawn = points.map((value, index) => (value === null ? null : `${x(index).toFixed(1)},${y(value).toFixed(1)}`)).filter((point) => point !== null);
  if (drawn.length > 1) parts.push(`<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="${drawn.join(' ')}"/>`);
  points.forEach((value, index) => {
    if (value !== null) parts.push(`<circle cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3.5" fill="#1f5fa8"><title>${escapeHtml(`${labels[index]}: ${value}`)}</title></circle>`);
  });
  if (labels.length > 0) {
    parts.push(`<text x="${left}" y="${height - 8}" font-size="11">${escapeHtml(labels[0]!)}</text>`,
      `<text x="${width - right}" y="${height - 8}" font-size="11" text-anchor="end">${escapeHtml(labels.at(-1)!)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

function moodChart(periods: readonly TrendSummary[]): string {
  return lineChart('Mean emotional score per period, on the fixed scale −2 to +2',
    periods.map((period) => period.avg_emotional_score), periods.map((period) => day(period.period_start)), -2, 2);
}

function measureChart(measure: MeasureTrend): string {
  return lineChart(`${measure.name} totals, 0 to ${measure.max}, caseness ${measure.caseness}`,
    measure.scores.map((score) => score.total), measure.scores.map((score) => day(score.timestamp)), 0, measure.max,
    { at: measure.caseness, label: `caseness ≥ ${measure.caseness}` });
}

const table = (head: string[], rows: string[][]) =>
  `<table><thead><tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr></thead><tbody>${
    rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
const figure = (value: number | null) => (value === null ? '–' : String(value));

export function renderReportHtml(view: ReportView): string {
  const { report } = view;
  const e = escapeHtml;
  const out: string[] = [
    '<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>Progress report: ${e(report.client_id)}</title>`,
    `<style>${STYLE}</style></head><body>`,
  ];
  // Risks first: open risks, off-track alerts, the register's events of the timeframe.
  const risky = report.open_risks.length > 0 || report.off_track.length > 0 || report.risk_history.length > 0;
  out.push(`<section class="risk" id="risks"><h2>Risks${risky ? '' : ': none open'}</h2>`);
  if (report.open_risks.length > 0) {
    out.push(table(['Open risk', 'Open since', 'Last flagged', 'Flags'], report.open_risks.map((risk) => [
      `<span class="alert">⚠ ${e(risk.kind)}</span>`, day(risk.opened_at), day(risk.last_flagged_at), e(risk.flags.join(', ')),
    ])));
  } else {
    out.push('<p>No open risks.</p>');
  }
  if (report.off_track.length > 0) {
    out.push('<h3 class="alert">Off track</h3>', table(['Date', 'Rule', 'Alert', 'Source'], report.off_track.map((alert) => [
      day(alert.date), e(alert.rule), e(alert.detail), `<span class="dim">${e(alert.source)}</span>`,
    ])));
  }
  if (report.risk_history.length > 0) {
    out.push('<h3>Risks in this timeframe</h3><ul>', ...report.risk_history.map((entry) => `<li>${e(riskEventWords(entry))}</li>`), '</ul>');
  }
  out.push('</section>');

  const trend = report.overall_emotional_trend;
  out.push(
    `<h1>Progress report: ${e(report.client_id)}</h1>`,
    `<p class="dim">${day(report.timeframe_start)} – ${day(report.timeframe_end)} · made ${when(report.report_date)}</p>`,
    `<p><strong>Overall trajectory: ${e(report.overall_trajectory.replace('_', ' '))}</strong></p>`,
    ...(report.concerns.length > 0 ? ['<ul>', ...report.concerns.map((concern) => `<li class="alert">⚠ ${e(concern)}</li>`), '</ul>'] : []),
    '<h2>Crisis events</h2>',
    report.crisis_events.length === 0 ? '<p>No crisis flags in this timeframe.</p>' : table(['When', 'Session', 'Mood', 'Crisis flags', 'Summary'],
      report.crisis_events.map((event) => [when(event.timestamp), e(event.session_id), `${e(event.emotional_state)} (${event.emotional_score})${event.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}`,
        `<span class="alert">${e(event.crisis_flags.join(', '))}</span>`, e(event.conversation_summary)])),
    `<h2>Sessions</h2><p class="num">${report.sessions_count} sessions, ${report.total_minutes} minutes` +
      `${report.sessions_without_duration > 0 ? ` (${report.sessions_without_duration} without a duration)` : ''}.</p>`,
    ...(ratingsOf(report) ? [`<p class="alert">${e(ratingsOf(report)!)}</p>`] : []),
  );
  if (report.session_summaries.length > 0) {
    out.push(table(['When', 'Session', 'Mood', 'Summary'], report.session_summaries.map((listed) => [
      when(listed.timestamp), e(listed.session_id) + (listed.signed ? ' (signed)' : ''), `${e(listed.emotional_state)} (${listed.emotional_score})${listed.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}`, e(listed.conversation_summary),
    ])));
    if (report.sessions_not_listed > 0) out.push(`<p class="dim">and ${report.sessions_not_listed} older sessions of the timeframe.</p>`);
  }
  out.push('<h2>Goals</h2>', report.goals.length === 0 ? '<p>No goals.</p>' : table(['Goal', 'Description', 'Target', 'Status', 'Progress', 'Change'],
    report.goals.map((goal) => [e(goal.goal_id) + (goal.set_in_timeframe ? ' <em>new</em>' : ''), e(goal.description), goal.target_date ?? '–',
      goal.status, `${goal.completion_percentage}%`, `${goal.progress_change >= 0 ? '+' : ''}${goal.progress_change}`])));
  if (report.key_milestones.length > 0) {
    out.push('<h2>Milestones reached</h2>', table(['Date', 'Milestone', 'Significance'], report.key_milestones.map((milestone) => [
      e(milestone.achieved_date ?? ''), e(milestone.description), e(milestone.significance),
    ])));
  }
  out.push('<h2>Emotional trend</h2>', `<figure>${moodChart(view.chart.periods)}</figure>`,
    `<p class="num">Mean ${figure(trend.avg_emotional_score)} · volatility ${trend.volatility} · slope per 30 days ${figure(trend.slope_per_30_days)} · ` +
      `${e(trend.trend_direction.replace('_', ' '))} · ${trend.data_points} data points</p>`);
  if (report.measures.measures.length > 0) {
    out.push('<h2>Outcome measures</h2>');
    for (const measure of report.measures.measures) {
      out.push(`<h3>${e(measure.name)}</h3>`,
        `<p class="num">Baseline ${measure.baseline.total} (${day(measure.baseline.timestamp)}) · first ${measure.first.total} · latest ${measure.latest.total} ` +
          `(${e(measure.latest.band)}, ${day(measure.latest.timestamp)}) · change ${figure(measure.change)} · from the baseline ${figure(measure.change_from_baseline)}</p>`,
        measure.scores.length > 1 ? `<figure>${measureChart(measure)}</figure>` : '',
        measure.flags.length > 0 ? `<ul>${measure.flags.map((flag) => `<li>${e(flag)}</li>`).join('')}</ul>` : '');
    }
  }
  out.push('<h2>Recommendations</h2>', report.recommendations.length === 0 ? '<p>None.</p>' : `<ul>${report.recommendations.map((text) => `<li>${e(text)}</li>`).join('')}</ul>`,
    '<h2>Summary</h2>', `<p>${e(report.summary)}</p>`);
  if (report.course) {
    out.push(`<p class="dim">Course of treatment ${e(report.course.course_id)} since ${day(report.course.started_at)}` +
      `${report.course.ended_at ? `, ended ${day(report.course.ended_at)} (${e(report.course.end_reason ?? '')})` : ''}: the measures' baselines are its first scores.</p>`);
  }
  out.push('</body></html>', '');
  return out.join('\n');
}
