import { Command, Option } from 'commander';
import type { Context } from '../context.js';
import type { SessionChange } from '../core/session-corrections.js';
import { sessionInputFromFlags, type LogSessionFlags } from './log-session.js';
import { notDoneHere } from './not-done-here.js';
import { collect, examples, withSessionFields } from './options.js';

/** Fields `--clear` empties, by the name the option uses, and the empty value of each. */
const CLEARABLE: Record<string, [keyof SessionChange, unknown]> = {
  goals: ['therapeutic_goals', []],
  techniques: ['techniques_used', []],
  'crisis-flags': ['crisis_flags', []],
  meta: ['metadata', {}],
  notes: ['progress_notes', ''],
  observations: ['therapist_observations', ''],
  'next-focus': ['next_session_focus', ''],
  homework: ['homework_assigned', ''],
  duration: ['session_duration_minutes', null],
};

/** Which flag sets which field, so that an amendment carries only the fields given. */
const FLAG_FIELDS: [keyof LogSessionFlags, keyof SessionChange][] = [
  ['summary', 'conversation_summary'], ['mood', 'emotional_state'], ['at', 'timestamp'], ['goal', 'therapeutic_goals'],
  ['notes', 'progress_notes'], ['observations', 'therapist_observations'], ['nextFocus', 'next_session_focus'],
  ['duration', 'session_duration_minutes'], ['technique', 'techniques_used'], ['homework', 'homework_assigned'],
  ['crisisFlag', 'crisis_flags'], ['meta', 'metadata'],
];

interface AmendFlags extends LogSessionFlags {
  reason?: string;
  clear?: string[];
}

export function sessionCommand(ctx: Context): Command {
  const session = new Command('session').description('One session: show it, correct it by amendment, void, restore or sign it')
    .addHelpText('after', examples('tpt session show ses_7k2m9qxa', 'tpt session amend ses_7k2m9qxa --mood -1 --reason "wrong mood"'));
  session
    .command('show')
    .description('Show one session in full (voided ones too), its version and how many amendments it has')
    .argument('<session-id>', 'the session id')
    .option('--history', 'every version, oldest first, with who made it, when and why')
    .addHelpText('after', examples('tpt session show ses_7k2m9qxa', 'tpt session show ses_7k2m9qxa --history'))
    .action(async (sessionId: string, opts: { history?: boolean }) => {
      const records = await ctx.records();
      const { showSessionDetail } = await import('../core/session-corrections.js');
      const { openRisksIn } = await import('../core/risks.js');
      const { renderSession } = await import('../render/tables.js');
      const shown = await showSessionDetail(records, sessionId, opts.history === true, ctx.who());
      // --json prints the session of SPEC §1 and its state; a person also sees the client's open risks first.
      const open = await records.read((tx) => openRisksIn(tx, shown.client_id));
      const risks = (await import('../terminal-text.js')).visibleDeep(open);
      await ctx.out(shown, (data, style, _columns, width) => renderSession(data, style, risks, width));
    });

  const amend = session
    .command('amend')
    .description('Correct a session: a new version with the changed fields; every earlier version is kept')
    .argument('<session-id>', 'the session id')
    .requiredOption('--reason <text>', 'why it is corrected (required; kept with the version)');
  withSessionFields(amend, 'amend')
    .option('--clear <field>', `empty a field: ${Object.keys(CLEARABLE).join(' | ')} (repeatable)`, collect)
    // Accepted only to say what to do instead: a session is moved to another client by void and re-log.
    .addOption(new Option('--client <id>').hideHelp())
    .addHelpText('after', examples(
      'tpt session amend ses_7k2m9qxa --mood negative --reason "mood entered as positive by mistake"',
      'tpt session amend ses_7k2m9qxa --at "2026-03-02 10:00" --reason "wrong day"',
      'tpt session amend ses_7k2m9qxa --clear homework --reason "no homework was set"',
    ))
    .addHelpText('after', '\nA signed session takes amendments too: each is marked as an addendum.\nThe client of a session is not amended: void it and log it for the right client.\n')
    .action(async (sessionId: string, flags: AmendFlags) => {
      const { InputError } = await import('../core/errors.js');
      const records = await ctx.records();
      if (flags.client !== undefined) {
        throw new InputError(
          `a session's client is not amended: void it (\`tpt session void ${sessionId} --reason …\`) and log it for the right client, ` +
          'or fix a mistyped client id with `tpt client rename`',
        );
      }
      const { META_KEY, META_KEY_RULE } = await import('../core/schemas.js');
      const change = amendmentFromFlags(flags, InputError, { pattern: META_KEY, rule: META_KEY_RULE });
      const { amendSession } = await import('../core/session-corrections.js');
      const amended = await amendSession(records, sessionId, change, flags.reason, ctx.who());
      await ctx.out({ session_id: amended.session_id, version: amended.version, addendum: amended.addendum }, () =>
        `Amended session ${amended.session_id}: now version ${amended.version}${amended.addendum ? ' (an addendum: the session is signed)' : ''}`);
    });

  session
    .command('void')
    .description('Take a session out of analytics and listings (entered in error); it stays in the record')
    .argument('<session-id>', 'the session id')
    .requiredOption('--reason <text>', 'why (required; kept with the record)')
    .addHelpText('after', examples('tpt session void ses_7k2m9qxa --reason "logged for the wrong client"'))
    .action(async (sessionId: string, opts: { reason: string }) => {
      const records = await ctx.records();
      const { voidSession } = await import('../core/session-corrections.js');
      const voided = await voidSession(records, sessionId, opts.reason, ctx.who());
      await ctx.out({ session_id: voided.session_id, voided_at: voided.voided_at }, () =>
        `Voided session ${voided.session_id}; \`tpt sessions ${voided.client_id} --include-void\` still lists it, \`tpt session restore ${voided.session_id}\` undoes it`);
    });

  session
    .command('restore')
    .description('Undo the void of a session')
    .argument('<session-id>', 'the session id')
    .addHelpText('after', examples('tpt session restore ses_7k2m9qxa'))
    .action(async (sessionId: string) => {
      const records = await ctx.records();
      const { restoreSession } = await import('../core/session-corrections.js');
      const restored = await restoreSession(records, sessionId, ctx.who());
      await ctx.out({ session_id: restored.session_id, voided_at: null }, () => `Restored session ${restored.session_id}`);
    });

  session
    .command('sign')
    .description('Sign a session: from then on it takes only amendments, each an addendum, and cannot be voided')
    .argument('<session-id>', 'the session id')
    .addHelpText('after', examples('tpt session sign ses_7k2m9qxa', 'tpt log-session --client c42 --mood 1 --summary "…" --sign'))
    .action(async (sessionId: string) => {
      const records = await ctx.records();
      const { signSession } = await import('../core/session-corrections.js');
      const signed = await signSession(records, sessionId, ctx.who());
      await ctx.out({ session_id: signed.session_id, signed_at: signed.signed_at, signed_by: signed.signed_by }, () =>
        `Signed session ${signed.session_id} as ${signed.signed_by}`);
    });

  session.addCommand(notDoneHere('edit',
    'a session is corrected by amendment, never edited in place: `tpt session amend <id> [--mood …] --reason "why"` (the original is kept)',
    'tpt session amend ses_7k2m9qxa --mood negative --reason "mood entered as positive by mistake"'), { hidden: true });
  session.addCommand(notDoneHere('delete',
    'a session is never deleted: `tpt session void <id> --reason "why"` takes it out of listings and analytics and keeps it in the record ' +
    '(`tpt client delete <client> --purge` erases a whole client)',
    'tpt session void ses_7k2m9qxa --reason "logged for the wrong client"'), { hidden: true });
  return session;
}

function amendmentFromFlags(
  flags: AmendFlags,
  InputError: new (message: string) => Error,
  metaKey: Parameters<typeof sessionInputFromFlags>[2],
): SessionChange {
  const full = sessionInputFromFlags(flags, InputError, metaKey);
  const change: Record<string, unknown> = {};
  for (const [flag, field] of FLAG_FIELDS) {
    if (flags[flag] !== undefined) change[field] = full[field];
  }
  for (const name of flags.clear ?? []) {
    const clearable = CLEARABLE[name.trim().toLowerCase()];
    if (!clearable) throw new InputError(`--clear ${name}: use one of ${Object.keys(CLEARABLE).join(', ')}`);
    const [field, empty] = clearable;
    if (change[field] !== undefined) throw new InputError(`--clear ${name} and a new value for it: give one or the other`);
    change[field] = empty;
  }
  return change as SessionChange;
}
