// A stream of `tpt ingest` lines as an automated sender makes them, with what the database must
// hold afterwards: sessions, measures, goal updates and milestones, among them lines sent twice
// (a no-op), ids sent again with other content (refused) and broken lines (refused). Used by
// test/e2e/ingest.test.ts and by bench/ingest-vs-import.mjs.

export const GOALS = ['g0', 'g1', 'g2', 'g3', 'g4'];
const MOODS = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'];
const START = Date.parse('2026-01-01T00:00:00Z');

export interface StreamPlan {
  lines: string[];
  /** The outcome each line must get, in order. */
  outcomes: ('created' | 'unchanged' | 'refused')[];
  /** The ids that must be in the database, by kind. */
  good: { session: string[]; measure: string[]; goal_update: string[]; milestone: string[] };
}

/** The i-th entry of the stream (1-based), before duplicates, conflicts and broken lines. */
function entry(i: number): Record<string, unknown> {
  const client = `c${i % 50}`;
  const at = new Date(START + i * 60_000).toISOString();
  if (i % 500 === 0) return { type: 'milestone', id: `ms${i}`, goal_id: GOALS[i % 5], description: `milestone ${i}`, significance: 'high' };
  if (i % 250 === 0) return { type: 'goal_update', id: `gu${i}`, goal_id: GOALS[i % 5], completion_percentage: i % 100, note: `update ${i}` };
  if (i % 10 === 0) return { type: 'measure', id: `m${i}`, client_id: client, measure: 'gad7', items: [i % 4, 1, 1, 0, 0, 1, 2], timestamp: at };
  return {
    type: 'session', id: `s${i}`, client_id: client, timestamp: at, conversation_summary: `automated summary ${i}`,
    emotional_state: MOODS[i % 5], session_duration_minutes: 50, techniques_used: ['cbt'], metadata: { source: 'bot' },
  };
}

/** `count` lines: every 37th sends an earlier line again, every 101st an earlier id with other content, every 211th is broken. */
export function ingestStreamPlan(count: number): StreamPlan {
  const plan: StreamPlan = { lines: [], outcomes: [], good: { session: [], measure: [], goal_update: [], milestone: [] } };
  const sent: string[] = [];
  let next = 1;
  for (let n = 1; n <= count; n++) {
    if (n % 211 === 0) {
      plan.lines.push(n % 2 === 0 ? `{"type":"session","id":"broken${n}",` : JSON.stringify({ type: 'session', id: `bad${n}`, client_id: 'c1', conversation_summary: 'x', emotional_state: 'happy' }));
      plan.outcomes.push('refused');
    } else if (n % 101 === 0 && sent.length > 0) {
      const earlier = JSON.parse(sent[(n * 7) % sent.length]!) as Record<string, unknown>;
      plan.lines.push(JSON.stringify({ ...earlier, changed: n }));
      plan.outcomes.push('refused');
    } else if (n % 37 === 0 && sent.length > 0) {
      plan.lines.push(sent[(n * 13) % sent.length]!);
      plan.outcomes.push('unchanged');
    } else {
      const value = entry(next++);
      const line = JSON.stringify(value);
      sent.push(line);
      plan.lines.push(line);
      plan.outcomes.push('created');
      plan.good[value.type as keyof StreamPlan['good']].push(value.id as string);
    }
  }
  return plan;
}
