import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

// `tpt report --format html` (README, "Trends and reports"): one self-contained file, the risk
// section first, inline SVG charts, the same figures as --format json; opened in headless
// Chromium (Debian's `chromium`) and read back with `pdftotext` where both are installed.
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const browser = has('chromium') && has('pdftotext');
let box: Sandbox;
let html = '';
let report: any;
const range = ['--since', '2026-10-01', '--until', '2026-11-30'];

beforeAll(() => {
  box = new Sandbox();
  box.spawnOk(['init']);
  const log = (at: string, mood: string, summary: string, extra: string[] = []) =>
    box.spawnOk(['log-session', '--client', 'c1', '--summary', summary, '--mood', mood, '--at', at, ...extra]);
  log('2026-10-05T10:00', 'negative', 'first <script>alert(1)</script> & more');
  log('2026-10-19T10:00', 'very_negative', 'hard week', ['--crisis-flag', 'self_harm']);
  log('2026-11-02T10:00', 'neutral', 'steadier');
  log('2026-11-16T10:00', 'positive', 'better');
  box.spawnOk(['measure', 'add', 'c1', '--measure', 'phq9', '--total', '17', '--at', '2026-10-05T10:30']);
  box.spawnOk(['measure', 'add', 'c1', '--measure', 'phq9', '--total', '9', '--at', '2026-11-16T10:30']);
  html = box.spawnOk(['report', 'c1', ...range, '--format', 'html']);
  report = JSON.parse(box.spawnOk(['report', 'c1', ...range, '--format', 'json']));
});
afterAll(() => box.cleanup());

describe('tpt report --format html', () => {
  it('is one self-contained file: no script, no link, nothing fetched; typed text made inert', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|\bsrc=|href=|url\(/i);
    expect(html).toContain('first &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(html).toMatch(/@media print\{@page\{margin:15mm\}/);
  });

  it('puts the risk section first and draws the mood chart and a chart per measure with its caseness line', () => {
    expect(html.indexOf('id="risks"')).toBeLessThan(html.indexOf('<h1>'));
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('caseness ≥ 10');
  });

  it.skipIf(!browser)('shows in Chromium the numbers of --format json, the risk section first', () => {
    const file = join(box.home, 'c1.html');
    const pdf = join(box.home, 'c1.pdf');
    writeFileSync(file, html);
    const printed = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', `--print-to-pdf=${pdf}`, `file://${file}`],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: box.home } });
    expect(printed.status, printed.stderr).toBe(0);
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text.indexOf('Risks')).toBeLessThan(text.indexOf('Progress report: c1'));
    expect(text).toContain('self_harm');
    const trend = report.overall_emotional_trend;
    const phq9 = report.measures.measures[0];
    // The same figures as JSON: 4 sessions, mean −0.5 ((−1 − 2 + 0 + 1) / 4 = −2 / 4), PHQ-9 17 → 9.
    expect([report.sessions_count, trend.avg_emotional_score, phq9.baseline.total, phq9.latest.total]).toEqual([4, -0.5, 17, 9]);
    expect(text).toContain(`${report.sessions_count} sessions, ${report.total_minutes} minutes`);
    expect(text).toContain(`Mean ${trend.avg_emotional_score} · volatility ${trend.volatility} · slope per 30 days ${trend.slope_per_30_days}`);
    expect(text).toContain(`Baseline ${phq9.baseline.total}`);
    expect(text).toContain(`latest ${phq9.latest.total} (${phq9.latest.band}`);
    expect(text).toContain(`Overall trajectory: ${report.overall_trajectory.replace('_', ' ')}`);
  });
});

describe('tpt report --format pdf', () => {
  it.skipIf(!has('pdftotext'))('is an A4 PDF made by PDFKit whose text carries the numbers of --format json, the risk section first', () => {
    const pdf = join(box.home, 'c1-pdfkit.pdf');
    const made = spawnSync(process.execPath, [new URL('../../bin/tpt.js', import.meta.url).pathname, 'report', 'c1', ...range, '--format', 'pdf'],
      { env: box.env, timeout: 20_000 });
    expect(made.status, made.stderr.toString()).toBe(0);
    expect(made.stdout.subarray(0, 5).toString()).toBe('%PDF-');
    writeFileSync(pdf, made.stdout);
    expect(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
    expect(text.indexOf('Risks')).toBeLessThan(text.indexOf('Progress report: c1'));
    expect(text).toContain('OPEN RISK self_harm');
    const trend = report.overall_emotional_trend;
    const phq9 = report.measures.measures[0];
    expect(text).toContain(`${report.sessions_count} sessions, ${report.total_minutes} minutes`);
    expect(text).toContain(`Mean ${trend.avg_emotional_score} - volatility ${trend.volatility} - slope per 30 days ${trend.slope_per_30_days}`);
    expect(text).toContain(`Baseline ${phq9.baseline.total}`);
    expect(text).toContain(`latest ${phq9.latest.total} (${phq9.latest.band}`);
    // Typed text whatever it holds: the summary with its markup, as typed.
    expect(text).toContain('first <script>alert(1)</script> & more');
  });
});
