import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { requireClient } from './clients.js';
import { ConflictError } from './errors.js';
import { requireGoal } from './goals.js';
import { checkId, newId } from './ids.js';
import type { Actor, Milestone } from './model.js';
import { milestoneInput, parseInput, type MilestoneInput } from './schemas.js';
import { localDateString, parseDateOnly } from './time.js';

/** Records a milestone of a goal; its client is the goal's client. */
export function addMilestone(store: Store, input: MilestoneInput, who: Actor): Milestone {
  const fields = parseInput(milestoneInput, input);
  const goal = requireGoal(store, fields.goal_id);
  const achieved = fields.achieved_date ? parseDateOnly(fields.achieved_date, 'milestone date') : who.now;
  const milestone: Milestone = {
    milestone_id: fields.milestone_id ?? newId('ms'),
    goal_id: goal.goal_id,
    client_id: goal.client_id,
    description: fields.description,
    achieved_date: localDateString(achieved),
    significance: fields.significance,
  };
  store.transaction(() => {
    if (store.milestoneExists(milestone.milestone_id)) {
      throw new ConflictError(`a milestone with id "${milestone.milestone_id}" already exists: choose another --id`);
    }
    store.insertMilestone(milestone, who.now.toISOString());
    recordAudit(store, { action: 'milestone.create', client_id: goal.client_id, object_id: milestone.milestone_id }, who);
  });
  return milestone;
}

export function listMilestones(store: Store, clientId: string, who: Actor): Milestone[] {
  requireClient(store, checkId(clientId, 'client'));
  return logRead(store, { action: 'milestone.list', client_id: clientId }, who, () => store.milestonesOfClient(clientId));
}
