import { existsSync } from 'node:fs';
import type { Context } from '../context.js';
import { InputError } from '../core/errors.js';
import { demoKeyPath } from '../setup.js';

/**
 * `tpt init` in a shell the demo's suggestions pointed at the demo (TPT_DB): "a database exists"
 * would send the person on to keep their records in the demo, which the next `tpt demo` replaces.
 */
export function refuseDemoAsOwn(ctx: Context): void {
  if (!existsSync(ctx.dbPath) || !existsSync(demoKeyPath(ctx.dbPath))) return;
  const by = ctx.env.TPT_DB !== undefined && ctx.globals.db === undefined ? 'TPT_DB points at it' : 'given with --db';
  throw new InputError(
    `${ctx.dbPath} is the demo database (${by}), not one for your own records: ` +
    'run `unset TPT_DB TPT_KEY_FILE` (or drop --db), then `tpt init`',
  );
}
