import type { Command } from 'commander';
import type { Context } from '../context.js';
import { accessLogCommand } from './access-log.js';
import { accountCommand } from './account.js';
import { auditCommand } from './audit.js';
import { backupCommand } from './backup.js';
import { caseloadCommand } from './caseload.js';
import { checkCommand } from './check.js';
import { clientCommand } from './client.js';
import { clientsCommand } from './clients.js';
import { completionCommand } from './completion.js';
import { courseCommand } from './course.js';
import { demoCommand } from './demo.js';
import { exportCommand } from './export.js';
import { goalCommand } from './goal.js';
import { importCommand } from './import.js';
import { migrateCommand } from './migrate.js';
import { ingestCommand } from './ingest.js';
import { initCommand } from './init.js';
import { logSessionCommand } from './log-session.js';
import { measureCommand, measuresCommand } from './measure.js';
import { milestoneCommand } from './milestone.js';
import { outcomesCommand } from './outcomes.js';
import { rekeyCommand } from './rekey.js';
import { searchCommand } from './search.js';
import { reportCommand } from './report.js';
import { riskCommand } from './risk.js';
import { retentionCommand } from './retention.js';
import { serveCommand } from './serve.js';
import { sessionCommand } from './session.js';
import { sessionsCommand } from './sessions.js';
import { supervisionCommand } from './supervision.js';
import { tokenCommand } from './token.js';
import { trendsCommand } from './trends.js';

/**
 * Every command by its name, in the order `tpt --help` lists them. The bundle of one command
 * (scripts/bundle.mjs) replaces this module with one that holds that command alone.
 */
export const COMMANDS: Record<string, (ctx: Context) => Command> = {
  init: initCommand,
  demo: demoCommand,
  'log-session': logSessionCommand,
  sessions: sessionsCommand,
  session: sessionCommand,
  clients: clientsCommand,
  caseload: caseloadCommand,
  goal: goalCommand,
  milestone: milestoneCommand,
  measure: measureCommand,
  measures: measuresCommand,
  trends: trendsCommand,
  report: reportCommand,
  search: searchCommand,
  outcomes: outcomesCommand,
  risk: riskCommand,
  course: courseCommand,
  export: exportCommand,
  import: importCommand,
  migrate: migrateCommand,
  ingest: ingestCommand,
  completion: completionCommand,
  serve: serveCommand,
  token: tokenCommand,
  account: accountCommand,
  supervision: supervisionCommand,
  audit: auditCommand,
  'access-log': accessLogCommand,
  retention: retentionCommand,
  client: clientCommand,
  rekey: rekeyCommand,
  backup: backupCommand,
  check: checkCommand,
};
