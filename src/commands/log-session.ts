import { Command } from 'commander';
import type { Context } from '../context.js';
import type { SessionInput } from '../core/schemas.js';
import { examples, withSessionFields } from './options.js';

export interface LogSessionFlags {
  client?: string;
  summary?: string;
  mood?: string;
  id?: string;
  at?: string;
  goal?: string[];
  notes?: string;
  observations?: string;
  nextFocus?: string;
  duration?: string;
  technique?: string[];
  homework?: string;
  crisisFlag?: string[];
  meta?: string[];
  interactive?: boolean;
  sign?: boolean;
  template?: string;
}

export function logSessionCommand(ctx: Context): Command {
  const command = new Command('log-session')
    .description('Record one therapy session')
    .option('--client <id>', 'the client (required; asked for on a terminal)');
  return withSessionFields(command, 'log')
    .option('-i, --interactive', 'ask for every field, offering the client\'s goals and techniques; shows the session before saving')
    .option('--sign', 'sign the session as it is logged: afterwards only amendments (addenda)')
    .option('--template <name>', 'write the note in $VISUAL/$EDITOR from a template: soap | dap | birp, or your own')
    .addHelpText('after', examples(
      'tpt log-session --client c42 --mood positive --summary "Worked on sleep hygiene" --duration 50',
      'tpt log-session --client c42 --mood -1 --summary "Hard week" --crisis-flag self_harm_risk --goal goal_7k2m9q',
      'tpt log-session -i',
      'tpt log-session --client c42 --mood 0 --duration 50 --template soap',
    ))
    .addHelpText('after', `
Templates: soap, dap and birp are built in; your own go in $XDG_CONFIG_HOME/tpt/templates/NAME.txt,
with headings such as [Subjective: summary] naming the field each section fills (summary, notes,
observations, homework, next-focus). An empty note or an editor that fails aborts: nothing is written.
`)
    .action(async (flags: LogSessionFlags) => {
      const { InputError } = await import('../core/errors.js');
      // The SQLite Store only for the prompts (they are not on the port yet): on PostgreSQL the
      // options alone log a session; records() opens (and checks) the database first on either.
      const records = await ctx.records();
      const { META_KEY, META_KEY_RULE } = await import('../core/schemas.js');
      let input = sessionInputFromFlags(flags, InputError, { pattern: META_KEY, rule: META_KEY_RULE });
      const template = flags.template === undefined ? undefined : await templateOf(ctx, flags, InputError);
      const summaryMissing = template === undefined && input.conversation_summary === undefined;
      // Only an absent value is asked for; an empty one given as an option is the core's to refuse.
      if (flags.interactive || input.client_id === undefined || summaryMissing || input.emotional_state === undefined) {
        if (!ctx.canPrompt) {
          if (flags.interactive) throw new InputError('--interactive needs a terminal: give the values as options instead');
          const missing = [
            input.client_id === undefined && '--client', summaryMissing && '--summary',
            input.emotional_state === undefined && '--mood',
          ].filter(Boolean);
          throw new InputError(`missing ${missing.join(', ')}: give ${missing.length > 1 ? 'them' : 'it'} as options (${ctx.noPromptReason})`);
        }
        const { askSession } = await import('./ask-session.js');
        input = await askSession(ctx, records, input, flags.interactive === true, template === undefined);
      }
      const { checkClientId } = await import('./check-client.js');
      const client = await checkClientId(ctx, await ctx.records(), input.client_id!);
      input.client_id = client.id;
      if (flags.interactive) {
        const { reviewSession } = await import('./review-session.js');
        await reviewSession(ctx, records, input as SessionInput, flags.sign === true);
      }
      const { logSession, validateSession } = await import('../core/sessions.js');
      if (template) {
        // Everything else is checked before the editor opens, so that no note typed is lost to it.
        const checked = await validateSession(records, { ...input, conversation_summary: 'from the note' } as SessionInput, ctx.who());
        const { writeNoteInEditor } = await import('./edit-note.js');
        const { localDateTimeString } = await import('../core/time.js');
        input = { ...input, ...await writeNoteInEditor(ctx, template.sections, [
          `Session note for client ${checked.client_id}, ${localDateTimeString(new Date(checked.timestamp))} (template ${template.name})`,
        ]) };
      }
      const session = await logSession(records, input as SessionInput, ctx.who(), flags.sign === true);
      if (client.note) ctx.note(client.note);
      const { isOutsideVocabulary } = await import('../core/crisis-flags.js');
      for (const flag of session.crisis_flags.filter(isOutsideVocabulary)) {
        ctx.note(`tpt: crisis flag "${flag}" is not in the vocabulary: it opened a risk of kind "other" (see \`tpt risk list ${session.client_id}\`)`);
      }
      const { visible } = await import('../terminal-text.js');
      await ctx.out({ session_id: session.session_id }, () =>
        `Logged session ${session.session_id} for ${session.client_id}` +
        (session.crisis_flags.length > 0 ? ` (crisis flags: ${visible(session.crisis_flags.join(', '))})` : ''));
    });
}

/** Flags → the core's input shape. `--meta` pairs are split here; the core checks everything else. */
export function sessionInputFromFlags(
  flags: LogSessionFlags,
  InputError: new (message: string) => Error,
  metaKey: { pattern: RegExp; rule: string },
): Partial<SessionInput> {
  const metadata: Record<string, string> = {};
  for (const pair of flags.meta ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new InputError(`invalid --meta "${pair}": use key=value`);
    const key = pair.slice(0, at).trim();
    if (!metaKey.pattern.test(key)) {
      throw new InputError(`invalid --meta key "${key}": use ${metaKey.rule}`);
    }
    if (Object.hasOwn(metadata, key)) throw new InputError(`--meta ${key} is given twice: give each key once`);
    metadata[key] = pair.slice(at + 1);
  }
  return {
    session_id: flags.id,
    client_id: flags.client,
    timestamp: flags.at,
    conversation_summary: flags.summary,
    emotional_state: flags.mood,
    therapeutic_goals: flags.goal ?? [],
    progress_notes: flags.notes ?? '',
    therapist_observations: flags.observations ?? '',
    next_session_focus: flags.nextFocus ?? '',
    session_duration_minutes: flags.duration,
    techniques_used: flags.technique ?? [],
    homework_assigned: flags.homework ?? '',
    crisis_flags: flags.crisisFlag ?? [],
    metadata,
  };
}

/** The template of --template, refused with the options whose text the note would replace. */
async function templateOf(ctx: Context, flags: LogSessionFlags, InputError: new (message: string) => Error) {
  if (flags.interactive) throw new InputError('--template and --interactive do not go together: choose one');
  const given = [
    flags.summary !== undefined && '--summary', flags.notes !== undefined && '--notes',
    flags.observations !== undefined && '--observations', flags.homework !== undefined && '--homework',
    flags.nextFocus !== undefined && '--next-focus',
  ].filter(Boolean);
  if (given.length > 0) throw new InputError(`--template writes the note in the editor: leave out ${given.join(', ')}`);
  const { loadTemplate } = await import('./edit-note.js');
  return { name: flags.template!, sections: loadTemplate(ctx, flags.template!) };
}
