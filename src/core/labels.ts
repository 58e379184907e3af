import type { ListedSession, MachineEntry, SessionSource } from '../domain/records.js';

/**
 * The labels of machine-written sessions (issue 25; docs/machine-entries.md): a session a machine
 * wrote has an estimated mood until a clinician signs it. Small and apart, so that the report and
 * trends load no more than these lines for it.
 */

/** A listed session with its label: who wrote it, and whether its mood is an estimate. */
export interface LabelledSession extends ListedSession {
  source: SessionSource;
  mood_estimated: boolean;
}

/** The machine-written sessions whose mood is still an estimate: those no one has signed. */
export function estimatedOf(entries: readonly MachineEntry[]): MachineEntry[] {
  return entries.filter((entry) => entry.signed_at === null);
}

/** Labels listed sessions, given the client's machine-written ones over the same range. */
export function labelSessions(sessions: readonly ListedSession[], machine: readonly MachineEntry[]): LabelledSession[] {
  const ids = new Set(machine.map((entry) => entry.session_id));
  return sessions.map((session) => {
    const byMachine = ids.has(session.session_id);
    return { ...session, source: byMachine ? 'machine' : 'person', mood_estimated: byMachine && session.signed_at === null };
  });
}

