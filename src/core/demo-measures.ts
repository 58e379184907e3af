import type { Store } from '../db/store.js';
import { measureDefinition, type MeasureKind } from './measure-scoring.js';
import { addMeasureSync } from './records-sync.js';
import type { Actor } from './model.js';

/**
 * The demo's outcome measures, taken at the monthly review session: totals that follow each
 * client's story (progress p runs 0 → 1 over the year), spread over the items, the risk item
 * answered where the story has a crisis.
 */
const PLANS: Record<string, { kind: MeasureKind; total: (p: number) => number; risk: (p: number) => number }[]> = {
  'demo-avery': [
    { kind: 'phq9', total: (p) => 17 - 12 * Math.min(1, Math.max(0, (p - 0.2) / 0.7)), risk: () => 0 },
    { kind: 'gad7', total: (p) => 12 - 8 * Math.min(1, Math.max(0, (p - 0.2) / 0.7)), risk: () => 0 },
  ],
  'demo-blake': [
    { kind: 'phq9', total: (p) => 8 + 11 * p, risk: (p) => (p > 0.85 ? 1 : 0) },
    { kind: 'gad7', total: (p) => 7 + 7 * p, risk: () => 0 },
  ],
  'demo-casey': [
    { kind: 'gad7', total: (p) => 15 - 9 * p, risk: () => 0 },
    // Low mood deepens to caseness, but by less than a reliable change (6): mixed, not declining.
    { kind: 'phq9', total: (p) => 8 + 5 * p, risk: () => 0 },
  ],
  'demo-drew': [
    { kind: 'core10', total: (p) => (p < 0.5 ? 12 : p < 0.7 ? 24 : 24 - 15 * Math.min(1, (p - 0.7) / 0.25)), risk: (p) => (p >= 0.5 && p < 0.7 ? 1 : 0) },
  ],
};

export function addDemoMeasures(store: Store, clientId: string, sessionId: string, progress: number, who: Actor): number {
  const plans = PLANS[clientId] ?? [];
  for (const plan of plans) {
    const items = answersFor(plan.kind, Math.round(plan.total(progress)), plan.risk(progress));
    addMeasureSync(store, { client_id: clientId, measure: plan.kind, session_id: sessionId, items, measure_id: `${sessionId}-${plan.kind}` }, who);
  }
  return plans.length;
}

/** Answers whose scores add up to `total`, the risk item answered `risk`, reverse-scored items turned back. */
function answersFor(kind: MeasureKind, total: number, risk: number): number[] {
  const definition = measureDefinition(kind);
  const scores = Array.from({ length: definition.items }, () => 0);
  if (definition.riskItem > 0) scores[definition.riskItem - 1] = risk;
  let left = Math.min(total, definition.max) - risk;
  for (let round = 0; left > 0 && round < definition.itemMax; round++) {
    for (let index = 0; index < definition.items && left > 0; index++) {
      if (index === definition.riskItem - 1) continue;
      scores[index]!++;
      left--;
    }
  }
  return scores.map((score, index) => (definition.reversed.includes(index + 1) ? definition.itemMax - score : score));
}
