import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

/**
 * `tpt migrate --to`: every record of the database in use, moved into an empty PostgreSQL
 * database with tpt's schema (`postgres://…`) or into a new SQLite file, under the same key.
 * The database in use is only read. A migration stopped half-way is taken up again by the same
 * command; a target that holds other records is refused.
 */
export function migrateCommand(ctx: Context): Command {
  return new Command('migrate')
    .description('Move every record into PostgreSQL (postgres://…) or a new SQLite file, under the same key; this database is only read')
    .requiredOption('--to <target>', 'postgres://user@host/db (an empty database with tpt\'s schema) or a new FILE.db')
    .addHelpText('after', examples(
      'tpt migrate --to postgres://tpt@db.example/tpt',
      'tpt migrate --to /srv/tpt/copy.db --json',
    ))
    .action(async (flags: { to: string }) => {
      const records = await ctx.records();
      const { key } = ctx.openedKey!;
      const target = flags.to.trim();
      const postgres = /^postgres(ql)?:\/\//i.test(target);
      const shown = postgres ? withoutPassword(target) : target;
      // The target opens through the context, which loads its engine only now (src/store/open.ts).
      if (!postgres) {
        const { resolve } = await import('node:path');
        if (resolve(target) === resolve(ctx.dbPath)) {
          const { InputError } = await import('../core/errors.js');
          throw new InputError('--to names the database in use: give a new file, or a postgres:// URL');
        }
      }
      const { existsSync } = await import('node:fs');
      const into = await ctx.openOtherStore(target, { key, create: !postgres && !existsSync(target) });
      try {
        const { migrateRecords } = await import('../core/migrate.js');
        const summary = await migrateRecords(records, into, {
          from: ctx.dbPath,
          onClient: (done, total) => {
            if (ctx.io.stderr.isTTY && ctx.globals.input !== false) ctx.io.stderr.write(`\r${done}/${total} clients`);
          },
        }, ctx.who());
        if (ctx.io.stderr.isTTY && ctx.globals.input !== false) ctx.io.stderr.write('\r\u001b[K');
        const { counted } = await import('../render/counted.js');
        await ctx.out({ to: shown, engine: into.engine, ...summary }, () =>
          `Migrated ${counted(summary.clients, 'client')}, ${counted(summary.sessions, 'session')}, ${counted(summary.goals, 'goal')}, ` +
          `${counted(summary.milestones, 'milestone')}, ${counted(summary.measures, 'measure')} and ${counted(summary.risks, 'risk')} ` +
          `to ${shown}${summary.resumed_after > 0 ? ` (after ${counted(summary.resumed_after, 'client')} moved before)` : ''}; ` +
          `its audit log verifies (${counted(summary.audit_entries, 'entry', 'entries')}). It opens with this database's key.`);
      } finally {
        await into.close();
      }
    });
}

/** A URL as it may be shown: without the password it may carry. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the PostgreSQL database';
  }
}
