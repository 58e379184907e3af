import type { ReadTx, RecordStore } from '../store/port.js';
import { courseBaselines } from './courses.js';
import { MEASURE_KINDS, measureDefinition, type MeasureKind } from './measure-scoring.js';
import { claimedChange, pointOf, riskItemOf } from './measure-summary.js';
import { readLogged } from './audit.js';
import type { Actor, ClientSummary, Measure } from './model.js';
import { localDateString } from './time.js';

/**
 * Off-track alerts (README, "Off-track alerts"): a client whose measures say the treatment is not
 * working, each alert with its rule, its source and the date it rests on. They are judged over the
 * current course (or, with no course, the record), at a moment `asOf`; a course that has ended has
 * none (its result belongs to `tpt outcomes`).
 */

export type OffTrackRule = 'risk_item_endorsed' | 'reliable_deterioration' | 'no_reliable_improvement';

export interface OffTrackAlert {
  rule: OffTrackRule;
  measure: MeasureKind;
  /** The date the alert rests on (UTC ISO 8601): the score, or the session that completed the count. */
  date: string;
  /** In words, with the scores. */
  detail: string;
  source: string;
}

/**
 * Sessions of a course after which a person still at caseness without a reliable improvement is
 * off track. Howard, Kopta, Krause & Orlinsky (1986) found about half of patients measurably
 * improved by the 8th session: a person who has not by then is behind the median response, the
 * moment to review the plan. tpt takes this published dose–effect point rather than an expected-
 * treatment-response curve (the OQ method), which needs norms from a large reference sample for
 * each measure that tpt does not have.
 */
export const NO_IMPROVEMENT_SESSIONS = 8;

export const SOURCES: Record<OffTrackRule, string> = {
  risk_item_endorsed:
    'PHQ-9 item 9 (Kroenke, Spitzer & Williams 2001) or CORE-10 item 6 (Barkham et al. 2013) answered above 0 calls for a risk review whatever the total',
  reliable_deterioration:
    'reliable change: PHQ-9 6 points, GAD-7 4 (NHS Talking Therapies manual); CORE-10 7 (Jacobson & Truax 1991)',
  no_reliable_improvement:
    `about half of patients are measurably improved by session ${NO_IMPROVEMENT_SESSIONS} (Howard, Kopta, Krause & Orlinsky 1986, Am Psychol 41(2):159-164)`,
};

export interface OffTrackInput {
  /** The course's live scores up to `asOf`, oldest first. */
  scores: readonly Measure[];
  /** Each measure's baseline (its first score of the course). */
  baselines: readonly Measure[];
  /** Sessions of the course up to `asOf`, and when the NO_IMPROVEMENT_SESSIONS-th was. */
  sessions: { count: number; nth_at: string | null };
}

/** The rules on the course's scores; alerts in the order of the rules, then of the measures. */
export function judgeOffTrack(input: OffTrackInput): OffTrackAlert[] {
  const found: OffTrackAlert[] = [];
  for (const kind of MEASURE_KINDS) {
    const ofKind = input.scores.filter((score) => score.measure === kind);
    if (ofKind.length === 0) continue;
    const definition = measureDefinition(kind);
    const latest = pointOf(ofKind.at(-1)!);
    const baseline = pointOf(input.baselines.find((score) => score.measure === kind) ?? ofKind[0]!);
    const day = localDateString(new Date(latest.timestamp));
    const answer = riskItemOf(latest);
    if (answer > 0) {
      found.push({
        rule: 'risk_item_endorsed', measure: kind, date: latest.timestamp, source: SOURCES.risk_item_endorsed,
        detail: `${definition.name} item ${definition.riskItem} (${definition.riskTopic}) ${latest.risk_item_answer === null ? `at least ${answer}, implied by the total` : `answered ${answer}`} on ${day}`,
      });
    }
    const change = claimedChange(definition, baseline, latest);
    const fromTo = `${baseline.total} on ${localDateString(new Date(baseline.timestamp))} → ${latest.total} on ${day}`;
    if (change === 'reliable_deterioration') {
      found.push({
        rule: 'reliable_deterioration', measure: kind, date: latest.timestamp, source: SOURCES.reliable_deterioration,
        detail: `${definition.name} reliably worse than its baseline: ${fromTo} (reliable change ${definition.reliableChange})`,
      });
    } else if (change !== null && change !== 'reliable_improvement' && latest.at_caseness && input.sessions.nth_at !== null) {
      const date = latest.timestamp > input.sessions.nth_at ? latest.timestamp : input.sessions.nth_at;
      found.push({
        rule: 'no_reliable_improvement', measure: kind, date, source: SOURCES.no_reliable_improvement,
        detail: `${definition.name} at caseness (≥ ${definition.caseness}) and not reliably improved after ` +
          `${input.sessions.count} sessions: ${fromTo}`,
      });
    }
  }
  const order: OffTrackRule[] = ['risk_item_endorsed', 'reliable_deterioration', 'no_reliable_improvement'];
  return order.flatMap((rule) => found.filter((alert) => alert.rule === rule));
}

/** The client's off-track alerts at `asOf` (no audit entry: for displays inside an audited read). */
export async function offTrackAlerts(tx: ReadTx, clientId: string, asOf: Date): Promise<OffTrackAlert[]> {
  const end = asOf.toISOString();
  const course = await tx.care.courseAt(clientId, end);
  if (course?.ended_at != null && course.ended_at <= end) return [];
  const from = course?.started_at ?? '';
  return judgeOffTrack({
    scores: await tx.care.measuresBetween(clientId, from, end),
    baselines: (await courseBaselines(tx, clientId, end)).baselines,
    sessions: await tx.care.sessionCount(clientId, from, end, NO_IMPROVEMENT_SESSIONS),
  });
}

/** A client of `tpt clients`, with its off-track alerts now. */
export type ClientWithAlerts = ClientSummary & { off_track: OffTrackAlert[] };

/** `tpt clients`: every client with its figures and its off-track alerts (one audit entry). */
export async function listClientsWithAlerts(records: RecordStore, who: Actor): Promise<ClientWithAlerts[]> {
  return readLogged(records, { action: 'client.list' }, who, async (tx) => {
    const clients: ClientWithAlerts[] = [];
    for (const client of await tx.care.clientFigures()) {
      clients.push({ ...client, off_track: await offTrackAlerts(tx, client.client_id, who.now) });
    }
    return clients;
  });
}
