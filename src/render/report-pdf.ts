/// <reference types="pdfkit" />
import type { ReportView } from '../core/report.js';
import { day, printable, when } from './format.js';
import { ratingsOf, riskEventWords } from './report.js';
import { ESTIMATED_MARK } from './labels.js';

/**
 * `tpt report --format pdf`: the report as a PDF made by PDFKit (a maintained JavaScript library;
 * no browser), A4, with the same words and figures as `--format html` and the risk section first.
 * PDFKit's standard Helvetica covers the Windows-1252 characters; the few signs tpt writes outside
 * them become ASCII (→ "->", ≥ ">=", − "-"), and any other character of typed text is shown as "?",
 * which the footer says.
 */

const SIGNS: Record<string, string> = { '→': '->', '≥': '>=', '≤': '<=', '−': '-', '⚠': '!', '·': '-', '✓': 'v' };

// Windows-1252's printable range beyond Latin-1 (what the standard fonts encode).
const CP1252 = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

export function pdfText(text: string): string {
  return [...printable(text)].map((char) => {
    if (SIGNS[char] !== undefined) return SIGNS[char];
    const code = char.codePointAt(0)!;
    if (char === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || CP1252.has(char)) return char;
    return '?';
  }).join('');
}

type Doc = PDFKit.PDFDocument;

function lineChart(doc: Doc, points: readonly (number | null)[], low: number, high: number, line?: number): void {
  const left = doc.page.margins.left + 30;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right - 40;
  const height = 110;
  if (doc.y + height + 20 > doc.page.height - doc.page.margins.bottom) doc.addPage();
  const top = doc.y + 4;
  const x = (index: number) => left + (points.length <= 1 ? width / 2 : (index * width) / (points.length - 1));
  const y = (value: number) => top + ((high - value) * height) / (high - low);
  doc.save().lineWidth(0.5).strokeColor('#999999').rect(left, top, width, height).stroke();
  doc.fontSize(7).fillColor('#444444');
  for (const tick of [low, high]) doc.text(String(tick), doc.page.margins.left, y(tick) - 3, { width: 26, align: 'right', lineBreak: false });
  if (line !== undefined) doc.strokeColor('#b00020').dash(3, { space: 3 }).moveTo(left, y(line)).lineTo(left + width, y(line)).stroke().undash();
  const drawn = points.flatMap((value, index) => (value === null ? [] : [[x(index), y(value)] as const]));
  if (drawn.length > 1) {
    doc.strokeColor('#1f5fa8').lineWidth(1.5).moveTo(drawn[0]![0], drawn[0]![1]);
    for (const [px, py] of drawn.slice(1)) doc.lineTo(px, py);
    doc.stroke();
  }
  for (const [px, py] of drawn) doc.circle(px, py, 2).fill('#1f5fa8');
  doc.restore();
  doc.x = doc.page.margins.left;
  doc.y = top + height + 10;
  doc.fillColor('black').fontSize(10);
}

/** The report as PDF bytes. `PDFDocument` is PDFKit's class, given by the caller (loaded only for this format). */
export async function renderReportPdf(view: ReportView, PDFDocument: PDFKit.PDFDocument): Promise<Buffer> {
  const { report } = view;
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Progress report: ${pdfText(report.client_id)}`, Producer: 'tpt' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const t = pdfText;
  const heading = (text: string, color = 'black') => doc.moveDown(0.6).font('Helvetica-Bold').fontSize(13).fillColor(color).text(t(text)).font('Helvetica').fontSize(10).fillColor('black');
  const para = (text: string, options: PDFKit.Mixins.TextOptions = {}) => doc.font('Helvetica').fontSize(10).text(t(text), options);
  const item = (text: string, color = 'black') => doc.fillColor(color).text(`- ${t(text)}`, { indent: 10 }).fillColor('black');

  // Risks first: open risks, off-track alerts, the risk register's events of the timeframe.
  heading(report.open_risks.length > 0 ? 'Risks' : 'Risks: none open', '#b00020');
  for (const risk of report.open_risks) {
    item(`OPEN RISK ${risk.kind}: open since ${day(risk.opened_at)}, last flagged ${day(risk.last_flagged_at)} (${risk.flags.join(', ')})`, '#b00020');
  }
  if (report.off_track.length > 0) {
    doc.moveDown(0.3).font('Helvetica-Bold').fillColor('#b00020').text('Off track').font('Helvetica').fillColor('black');
    for (const alert of report.off_track) item(`${day(alert.date)} ${alert.rule}: ${alert.detail}. Source: ${alert.source}`, '#b00020');
  }
  if (report.risk_history.length > 0) {
    doc.moveDown(0.3).font('Helvetica-Bold').text('Risks in this timeframe').font('Helvetica');
    for (const entry of report.risk_history) item(riskEventWords(entry));
  }

  const trend = report.overall_emotional_trend;
  doc.moveDown(1).font('Helvetica-Bold').fontSize(18).text(t(`Progress report: ${report.client_id}`)).font('Helvetica').fontSize(10);
  para(`${day(report.timeframe_start)} - ${day(report.timeframe_end)}, made ${when(report.report_date)}`);
  doc.font('Helvetica-Bold');
  para(`Overall trajectory: ${report.overall_trajectory.replace('_', ' ')}`);
  doc.font('Helvetica');
  for (const concern of report.concerns) item(concern, '#b00020');

  heading('Crisis events');
  if (report.crisis_events.length === 0) para('No crisis flags in this timeframe.');
  for (const event of report.crisis_events) {
    item(`${when(event.timestamp)} ${event.session_id}: ${event.emotional_state} (${event.emotional_score})${event.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}, flags ${event.crisis_flags.join(', ')}. ${event.conversation_summary}`, '#b00020');
  }
  heading('Sessions');
  para(`${report.sessions_count} sessions, ${report.total_minutes} minutes` +
    `${report.sessions_without_duration > 0 ? ` (${report.sessions_without_duration} without a duration)` : ''}.`);
  const ratings = ratingsOf(report);
  if (ratings) para(ratings);
  for (const listed of report.session_summaries) {
    item(`${when(listed.timestamp)} ${listed.session_id}${listed.signed ? ' (signed)' : ''}: ${listed.emotional_state} (${listed.emotional_score})${listed.mood_estimated ? ` ${ESTIMATED_MARK}` : ''}. ${listed.conversation_summary}`);
  }
  if (report.sessions_not_listed > 0) para(`and ${report.sessions_not_listed} older sessions of the timeframe.`);
  heading('Goals');
  if (report.goals.length === 0) para('No goals.');
  for (const goal of report.goals) {
    item(`${goal.goal_id}${goal.set_in_timeframe ? ' (new)' : ''}: ${goal.description}. ${goal.status}, ${goal.completion_percentage}% ` +
      `(${goal.progress_change >= 0 ? '+' : ''}${goal.progress_change}), target ${goal.target_date ?? 'none'}`);
  }
  if (report.key_milestones.length > 0) {
    heading('Milestones reached');
    for (const milestone of report.key_milestones) item(`${milestone.achieved_date}: ${milestone.description} (${milestone.significance})`);
  }
  heading('Emotional trend');
  para('Mean emotional score per period, on the fixed scale -2 to +2.');
  lineChart(doc, view.chart.periods.map((period) => period.avg_emotional_score), -2, 2);
  const figure = (value: number | null) => (value === null ? '-' : String(value));
  para(`Mean ${figure(trend.avg_emotional_score)} - volatility ${trend.volatility} - slope per 30 days ${figure(trend.slope_per_30_days)} - ` +
    `${trend.trend_direction.replace('_', ' ')} - ${trend.data_points} data points`);
  if (report.measures.measures.length > 0) {
    heading('Outcome measures');
    for (const measure of report.measures.measures) {
      doc.moveDown(0.3).font('Helvetica-Bold').text(t(measure.name)).font('Helvetica');
      para(`Baseline ${measure.baseline.total} (${day(measure.baseline.timestamp)}) - first ${measure.first.total} - latest ${measure.latest.total} ` +
        `(${measure.latest.band}, ${day(measure.latest.timestamp)}) - change ${figure(measure.change)} - from the baseline ${figure(measure.change_from_baseline)}`);
      if (measure.scores.length > 1) {
        para(`Totals on 0-${measure.max}, caseness ${measure.caseness} dotted.`);
        lineChart(doc, measure.scores.map((score) => score.total), 0, measure.max, measure.caseness);
      }
      for (const flag of measure.flags) item(flag);
    }
  }
  heading('Recommendations');
  if (report.recommendations.length === 0) para('None.');
  for (const text of report.recommendations) item(text);
  heading('Summary');
  para(report.summary);
  if (report.course) {
    doc.moveDown(0.5).fillColor('#555555');
    para(`Course of treatment ${report.course.course_id} since ${day(report.course.started_at)}` +
      `${report.course.ended_at ? `, ended ${day(report.course.ended_at)} (${report.course.end_reason ?? ''})` : ''}: the measures' baselines are its first scores.`);
  }
  doc.moveDown(1).fillColor('#555555').fontSize(8)
    .text('Made by tpt with PDFKit. Characters outside the PDF standard fonts are shown as "?": the html and json formats keep every character.');
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
