import type { Milestone, MilestoneWithState } from '../domain/records.js';
import { NotFoundError } from '../store/errors.js';
import type { MilestoneReads, MilestoneWrites, VoidMark } from '../store/port.js';
import { sqliteMilestoneEdits } from './record-edits.js';
import type { Store } from './store.js';

/**
 * The milestones of the port on SQLite. Every write runs under the write lock its transaction
 * took at BEGIN IMMEDIATE, so `lock` is a read; the void's guard is in its update all the same.
 */

const COLUMNS = 'milestone_id, goal_id, client_id, description, achieved_date, significance, voided_at, voided_by, void_reason';
const ORDER = 'ORDER BY achieved_date, created_at, milestone_id';

export function sqliteMilestones(store: Store): MilestoneReads & MilestoneWrites {
  const get = async (milestoneId: string): Promise<MilestoneWithState | undefined> =>
    store.statement(`SELECT ${COLUMNS} FROM milestones WHERE milestone_id = ?`).get(milestoneId) as MilestoneWithState | undefined;
  return {
    ...sqliteMilestoneEdits(store),
    get,
    lock: get,
    ofClient: async (clientId, options = {}) => {
      const goal = options.goalId === undefined ? '' : ' AND goal_id = @goalId';
      const live = options.includeVoid ? '' : ' AND voided_at IS NULL';
      return store.statement(`SELECT ${COLUMNS} FROM milestones WHERE client_id = @clientId${goal}${live} ${ORDER}`)
        .all({ clientId, goalId: options.goalId ?? null }) as MilestoneWithState[];
    },
    insert: async (milestone: Milestone, createdAt: string) => {
      // The goal must be the milestone's client's: SQLite's foreign key knows only the goal's id
      // (PostgreSQL's holds the client's key too). Read under this write's lock.
      const goal = store.statement('SELECT client_id FROM goals WHERE goal_id = ?').get(milestone.goal_id) as { client_id: string } | undefined;
      if (goal !== undefined && goal.client_id !== milestone.client_id) {
        throw new NotFoundError(`no goal "${milestone.goal_id}" of client "${milestone.client_id}": see the client's goals for the ids`);
      }
      store.insertMilestone(milestone, createdAt);
    },
    setVoided: async (milestoneId: string, mark: VoidMark | null) => {
      const guard = mark ? 'voided_at IS NULL' : 'voided_at IS NOT NULL';
      return store.statement(`UPDATE milestones SET voided_at = ?, voided_by = ?, void_reason = ? WHERE milestone_id = ? AND ${guard}`)
        .run(mark?.at ?? null, mark?.by ?? null, mark?.reason ?? null, milestoneId).changes === 1;
    },
  };
}
