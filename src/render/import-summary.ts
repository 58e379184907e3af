import type { ImportSummary } from '../core/import.js';
import { counted } from './counted.js';

/** `Imported c42.json: 2 clients` and a line per kind of record. */
export function renderImportSummary(summary: ImportSummary & { file: string }): string {
  const head = summary.dry_run
    ? `Checked ${summary.file} (dry run, nothing written): ${counted(summary.clients, 'client')}`
    : `Imported ${summary.file}: ${counted(summary.clients, 'client')}`;
  const verb = summary.dry_run ? 'would be ' : '';
  const line = (kind: string, counts: ImportSummary['sessions']) =>
    `  ${kind.padEnd(10)} ${verb}added ${counts.added}, ${verb}skipped ${counts.skipped}, ${verb}replaced ${counts.replaced}`;
  return [
    head,
    line('sessions', summary.sessions),
    line('goals', summary.goals),
    line('milestones', summary.milestones),
    line('measures', summary.measures),
    line('risks', summary.risks),
    line('courses', summary.courses),
    line('schedules', summary.schedules),
  ].join('\n');
}
