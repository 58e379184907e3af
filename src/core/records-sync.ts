import { insertMeasure, measureById } from '../db/measure-queries.js';
import { editsOf } from '../db/record-edits.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { checkGoalUpdate, firstEntry, found, goalTaken, planGoal, progressEntry } from './goals.js';
import { checkId, newId } from './ids.js';
import { measureRiskFlags, measureTaken, planMeasure, scoreMeasure, withSession, type MeasureInput, type ScoredMeasure } from './measures.js';
import { milestoneTaken, parseMilestone, planMilestone } from './milestones.js';
import type { Actor, Goal, GoalDetail, Measure, Milestone } from './model.js';
import { ensureClientRecord } from './new-client.js';
import { recordRiskFlags } from './risks.js';
import type { GoalCreateInput, GoalUpdateInput, MilestoneInput } from './schemas.js';

/**
 * Synchronous copies of the goal, milestone and measure writes, over the SQLite Store, for the
 * callers whose synchronous transaction cannot await the port (issue 22). The rules are the
 * port versions' own (planGoal, progressEntry, planMilestone, planMeasure): only the reads and
 * writes differ. Each goes when its last caller moves onto the port.
 */

// until src/core/demo.ts and src/api/journal.ts move onto the port
export function createGoalSync(store: Store, input: GoalCreateInput, who: Actor, setAt?: string): Goal {
  const goal = planGoal(input, who, setAt);
  store.transaction(() => {
    if (store.goalExists(goal.goal_id)) throw goalTaken(goal.goal_id);
    ensureClientRecord(store, goal.client_id, goal.created_at);
    store.insertGoal(goal);
    store.appendGoalHistory(goal.goal_id, firstEntry(goal, who));
    recordAudit(store, { action: 'goal.create', client_id: goal.client_id, object_id: goal.goal_id }, who);
  });
  return goal;
}

// until src/core/demo.ts, src/core/ingest.ts and src/api/journal.ts move onto the port
export function updateGoalSync(store: Store, goalId: string, input: GoalUpdateInput, who: Actor, at?: string): GoalDetail {
  const change = checkGoalUpdate(input);
  return store.transaction(() => {
    const goal = found(store.goalById(checkId(goalId, 'goal')), goalId);
    const { entry, latest } = progressEntry(goal, store.goalHistory(goal.goal_id), change, who, at);
    store.updateGoalProgress(goal.goal_id, latest.completion_percentage, latest.status, who.now.toISOString());
    store.appendGoalHistory(goal.goal_id, entry);
    recordAudit(store, { action: 'goal.update', client_id: goal.client_id, object_id: goal.goal_id }, who);
    return {
      ...store.goalById(goal.goal_id)!, history: store.goalHistory(goal.goal_id), milestone_details: store.milestonesOfGoal(goal.goal_id),
      edits: editsOf(store, 'goal_edits', goal.goal_id),
    };
  });
}

// until src/core/demo.ts, src/core/ingest.ts and src/api/journal.ts move onto the port
export function addMilestoneSync(store: Store, input: MilestoneInput, who: Actor): Milestone {
  const fields = parseMilestone(input);
  const goal = found(store.goalById(checkId(fields.goal_id, 'goal')), fields.goal_id);
  const milestone = planMilestone(goal, fields, fields.milestone_id ?? newId('ms'), who);
  store.transaction(() => {
    if (store.milestoneExists(milestone.milestone_id)) throw milestoneTaken(milestone.milestone_id);
    store.insertMilestone(milestone, who.now.toISOString());
    recordAudit(store, { action: 'milestone.create', client_id: goal.client_id, object_id: milestone.milestone_id }, who);
  });
  return milestone;
}

// until src/core/ingest.ts moves onto the port
export function validateMeasureSync(store: Store, input: MeasureInput, who: Actor): Measure {
  const planned = planMeasure(input, who);
  return planned.measure.session_id === null ? planned.measure : withSession(planned, store.sessionById(planned.measure.session_id));
}

// until src/core/demo-measures.ts and src/api/journal.ts move onto the port
export function addMeasureSync(store: Store, input: MeasureInput, who: Actor): ScoredMeasure {
  const measure = validateMeasureSync(store, input, who);
  store.transaction(() => {
    if (measureById(store, measure.measure_id)) throw measureTaken(measure.measure_id);
    ensureClientRecord(store, measure.client_id, who.now.toISOString());
    insertMeasure(store, measure);
    recordAudit(store, { action: 'measure.create', client_id: measure.client_id, object_id: measure.measure_id }, who);
    recordRiskFlags(store, measure.client_id, measureRiskFlags(measure), who);
  });
  return scoreMeasure(measure);
}
