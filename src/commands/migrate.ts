import { Command } from 'commander';
import type { Context } from '../context.js';
import type { RecordStore } from '../store/port.js';
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
      // The engine is loaded only here: the rest of tpt never loads the PostgreSQL driver.
      let into: RecordStore;
      if (postgres) {
        const { openPgStore } = await loadPgEngine();
        into = await openPgStore(target, [key]);
      } else {
        const { existsSync } = await import('node:fs');
        const { resolve } = await import('node:path');
        if (resolve(target) === resolve(ctx.dbPath)) {
          const { InputError } = await import('../core/errors.js');
          throw new InputError('--to names the database in use: give a new file, or a postgres:// URL');
        }
        const { openSqliteStore } = await import('../db/engine.js');
        into = openSqliteStore(target, key, { create: !existsSync(target) });
      }
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

type PgEngine = typeof import('../pg/record-store.js');

/**
 * The PostgreSQL engine, kept out of every bundle of the command line (test/pg/boundaries.test.ts:
 * the start-up stays as it is): loaded by a path the bundler does not follow, beside this module
 * in the sources, else from tsc's dist/ beside the bundle. (src/store/open.ts, when it lands,
 * takes this over for every command.)
 */
async function loadPgEngine(): Promise<PgEngine> {
  const candidates = ['../pg/record-store.js', '../dist/pg/record-store.js'];
  for (const candidate of candidates) {
    try {
      return (await import(/* @vite-ignore */ [candidate][0]!)) as PgEngine;
    } catch (error) {
      // The bundled program (bin/tpt.js runs it in a vm script) has no dynamic import at all.
      const code = (error as { code?: string }).code;
      if (code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') break;
      if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  const { TptError } = await import('../core/errors.js');
  throw new TptError('this build of tpt cannot load its PostgreSQL engine yet: migrate into a new FILE.db, or run tpt from its sources');
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
