import { editsOf } from '../db/record-edits.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { checkGoalUpdate, found, progressEntry } from './goals.js';
import { checkId, newId } from './ids.js';
import { planMeasure, withSession, type MeasureInput } from './measures.js';
import { milestoneTaken, parseMilestone, planMilestone } from './milestones.js';
import type { Actor, GoalDetail, Measure, Milestone } from './model.js';
import type { GoalUpdateInput, MilestoneInput } from './schemas.js';

/**
 * Synchronous copies of the goal, milestone and measure writes, over the SQLite Store, for the
 * callers whose synchronous transaction cannot await the port (issue 22). The rules are the
 * port versions' own (planGoal, progressEntry, planMilestone, planMeasure): only the reads and
 * writes differ. Each goes when its last caller moves onto the port.
 */

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
