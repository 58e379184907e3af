import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGoal, editGoal, listGoals, showGoal, updateGoal } from '../../src/core/goals.js';
import { amendMeasure, showMeasure, voidMeasure } from '../../src/core/measure-corrections.js';
import { addMeasure, listMeasures } from '../../src/core/measures.js';
import { addMilestone, editMilestone, listMilestones, restoreMilestone, showMilestone, voidMilestone } from '../../src/core/milestones.js';
import { ConflictError as CoreConflict, InputError } from '../../src/core/errors.js';
import type { Goal, Milestone } from '../../src/domain/records.js';
import type { RecordEdit, RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for the edits of goals and milestones (their log, the corrected words, a
 * goal's set time, a milestone's recorded time), over every engine; and core's goal, milestone
 * and measure use cases run unchanged over both, giving the same answers.
 */

const T0 = '2026-03-02T09:30:00.000Z';

function goal(goalId: string, clientId = 'c1'): Goal {
  return {
    goal_id: goalId, client_id: clientId, description: 'Sleep 7 hours', target_date: '2026-06-30',
    completion_percentage: 10, status: 'active', milestones: [], notes: 'from intake', created_at: T0, updated_at: T0,
  };
}

const milestone: Milestone = {
  milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'First full week', achieved_date: '2026-03-09', significance: 'medium',
};

function edit(n: number, reason = `reason ${n}`): RecordEdit {
  return { at: `2026-03-1${n}T08:00:00.000Z`, actor: 'dr', reason, changes: { notes: [`before ${n}`, `after ${n}`], target_date: [null, '2026-07-01'] } };
}

for (const engine of ENGINES) {
  describe(`goal and milestone edits through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.goals.insert(goal('g1'));
        await tx.goals.insert(goal('g2'));
        await tx.goals.appendHistory('g1', { at: T0, completion_percentage: 10, status: 'active', note: 'created', actor: 'dr' });
        await tx.goals.appendHistory('g1', { at: '2026-03-05T09:00:00.000Z', completion_percentage: 30, status: 'active', note: 'better', actor: 'dr' });
        await tx.milestones.insert(milestone, '2026-03-09T12:00:00.000Z');
      });
    });
    afterEach(async () => dispose());

    it('keeps a goal\'s edits oldest first with their words, and corrects its text', async () => {
      await stores[0].write(async (tx) => {
        expect(await tx.goals.edits('g1')).toEqual([]);
        await tx.goals.setText('g1', { description: 'Sleep 8 hours', target_date: null, notes: 'after review' }, '2026-03-12T08:00:00.000Z');
        await tx.goals.appendEdit('g1', edit(2, 'target was a typo'));
        await tx.goals.appendEdit('g1', edit(3, 'notes: «naïve» — “quoted”'));
      });
      await stores[1].read(async (tx) => {
        expect(await tx.goals.edits('g1')).toEqual([edit(2, 'target was a typo'), edit(3, 'notes: «naïve» — “quoted”')]);
        expect(await tx.goals.edits('g2')).toEqual([]);
        expect(await tx.goals.edits('nope')).toEqual([]);
        expect(await tx.goals.get('g1')).toEqual({
          ...goal('g1'), description: 'Sleep 8 hours', target_date: null, notes: 'after review', updated_at: '2026-03-12T08:00:00.000Z',
          milestones: ['m1'],
        });
        // The other goal is untouched.
        expect(await tx.goals.get('g2')).toEqual(goal('g2'));
      });
    });

    it('moves the time a goal was set with the entry that opened it, and no other entry', async () => {
      await stores[0].write((tx) => tx.goals.moveSetTime('g1', '2026-02-20T10:00:00.000Z'));
      await stores[1].read(async (tx) => {
        expect((await tx.goals.get('g1'))!.created_at).toBe('2026-02-20T10:00:00.000Z');
        expect((await tx.goals.history('g1')).map((entry) => [entry.at, entry.note])).toEqual([
          ['2026-02-20T10:00:00.000Z', 'created'], ['2026-03-05T09:00:00.000Z', 'better'],
        ]);
        expect((await tx.goals.get('g2'))!.created_at).toBe(T0);
      });
    });

    it('places edits made at once from two connections one after the other, none lost', async () => {
      await Promise.all([1, 2, 3, 4, 5, 6].map((n) => stores[n % 2]!.write(async (tx) => {
        expect(await tx.goals.lock('g1')).toBeDefined();
        // A tick between the lock and the append, as core's awaits give.
        await new Promise((resolve) => setTimeout(resolve, 1));
        await tx.goals.appendEdit('g1', edit(n));
        await tx.milestones.appendEdit('m1', edit(n));
      })));
      await stores[0].read(async (tx) => {
        expect((await tx.goals.edits('g1')).map((e) => e.reason).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `reason ${n}`));
        expect((await tx.milestones.edits('m1')).map((e) => e.reason).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `reason ${n}`));
      });
    }, 60_000);

    it('keeps a milestone\'s edits, corrects its fields, and knows when it was recorded', async () => {
      await stores[0].write(async (tx) => {
        await tx.milestones.setFields('m1', { description: 'First full week of 7h', achieved_date: '2026-03-10', significance: 'high' });
        await tx.milestones.appendEdit('m1', edit(1));
      });
      await stores[1].read(async (tx) => {
        expect(await tx.milestones.get('m1')).toEqual({
          ...milestone, description: 'First full week of 7h', achieved_date: '2026-03-10', significance: 'high',
          voided_at: null, voided_by: null, void_reason: null,
        });
        expect(await tx.milestones.edits('m1')).toEqual([edit(1)]);
        expect(await tx.milestones.edits('nope')).toEqual([]);
        expect(await tx.milestones.recordedAt('m1')).toBe('2026-03-09T12:00:00.000Z');
        expect(await tx.milestones.recordedAt('nope')).toBeUndefined();
        // The goal's edit log is its own.
        expect(await tx.goals.edits('g1')).toEqual([]);
      });
    });
  });

  describe(`goal, milestone and measure use cases over the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
    });
    afterEach(async () => dispose());

    const at = (iso: string) => ({ actor: 'dr', now: new Date(iso) });

    it('creates, updates, edits and shows a goal with its milestones and edit log', async () => {
      const records = stores[0];
      const created = await createGoal(records, { goal_id: 'g1', client_id: 'c1', description: 'Sleep 7 hours', target_date: '2026-06-30', completion_percentage: 20 },
        at('2026-03-10T09:00:00.000Z'), '2026-03-01T09:00:00.000Z');
      expect(created).toMatchObject({ goal_id: 'g1', status: 'active', created_at: '2026-03-01T09:00:00.000Z', updated_at: '2026-03-10T09:00:00.000Z' });
      await expect(createGoal(stores[1], { goal_id: 'g1', client_id: 'c1', description: 'again' }, at('2026-03-10T09:00:00.000Z')))
        .rejects.toThrow(new CoreConflict('a goal with id "g1" already exists: choose another --id'));

      // A backdated entry before a later one: the goal stands where the latest says (60 %).
      await updateGoal(records, 'g1', { completion_percentage: 60, note: 'most nights' }, at('2026-03-10T10:00:00.000Z'), '2026-03-08T09:00:00.000Z');
      const updated = await updateGoal(stores[1], 'g1', { completion_percentage: 40, note: 'set back' }, at('2026-03-10T11:00:00.000Z'), '2026-03-05T09:00:00.000Z');
      expect(updated.completion_percentage).toBe(60);
      expect(updated.history.map((entry) => [entry.at, entry.completion_percentage, entry.note])).toEqual([
        ['2026-03-01T09:00:00.000Z', 20, 'created'], ['2026-03-08T09:00:00.000Z', 60, 'most nights'], ['2026-03-05T09:00:00.000Z', 40, 'set back'],
      ]);

      await addMilestone(records, { milestone_id: 'm2', goal_id: 'g1', description: 'later', achieved_date: '2026-03-09' }, at('2026-03-10T12:00:00.000Z'));
      await addMilestone(records, { milestone_id: 'm1', goal_id: 'g1', description: 'first', achieved_date: '2026-03-04', significance: 'high' }, at('2026-03-10T12:00:00.000Z'));

      // Set after the first progress entry (2026-03-05) is refused; on 2026-03-03 it is not.
      await expect(editGoal(records, 'g1', { set_at: '2026-03-06' }, 'entered late', at('2026-03-11T09:00:00.000Z')))
        .rejects.toThrow(InputError);
      const edited = await editGoal(stores[1], 'g1', { notes: 'after review', target_date: '', set_at: '2026-03-03T08:00:00.000Z' }, 'target dropped',
        at('2026-03-11T09:00:00.000Z'));
      expect(edited.edits).toEqual([{
        at: '2026-03-11T09:00:00.000Z', actor: 'dr', reason: 'target dropped',
        changes: { target_date: ['2026-06-30', null], notes: ['', 'after review'], created_at: ['2026-03-01T09:00:00.000Z', '2026-03-03T08:00:00.000Z'] },
      }]);
      await expect(editGoal(records, 'g1', { notes: 'after review' }, 'again', at('2026-03-11T09:00:00.000Z')))
        .rejects.toThrow('the edit changes nothing: every value given is already the goal\'s');

      const shown = await showGoal(records, 'g1', at('2026-03-12T09:00:00.000Z'));
      expect(shown.milestones).toEqual(['m1', 'm2']);
      expect(shown.milestone_details.map((m) => Object.keys(m))).toEqual([
        ['milestone_id', 'goal_id', 'client_id', 'description', 'achieved_date', 'significance'],
        ['milestone_id', 'goal_id', 'client_id', 'description', 'achieved_date', 'significance'],
      ]);
      expect(shown.history[0]!.at).toBe('2026-03-03T08:00:00.000Z');
      expect(shown.target_date).toBeNull();
      expect((await listGoals(records, 'c1', at('2026-03-12T09:00:00.000Z'), 'paused'))).toEqual([]);
      expect((await listGoals(records, 'c1', at('2026-03-12T09:00:00.000Z'), 'active')).map((g) => g.goal_id)).toEqual(['g1']);
      await expect(listGoals(records, 'nobody', at('2026-03-12T09:00:00.000Z'))).rejects.toThrow('no client "nobody"');
      const actions = (await records.read((tx) => tx.audit.entries('c1'))).map((entry) => entry.action);
      expect(actions).toEqual([
        'goal.create', 'goal.update', 'goal.update', 'milestone.create', 'milestone.create', 'goal.edit', 'goal.read', 'goal.list', 'goal.list',
      ]);
    }, 60_000);

    it('edits, voids and restores a milestone, listing it newest first', async () => {
      const records = stores[0];
      await createGoal(records, { goal_id: 'g1', client_id: 'c1', description: 'Sleep' }, at('2026-03-01T09:00:00.000Z'));
      await addMilestone(records, { milestone_id: 'm1', goal_id: 'g1', description: 'first', achieved_date: '2026-03-04' }, at('2026-03-10T12:00:00.000Z'));
      await addMilestone(records, { milestone_id: 'm2', goal_id: 'g1', description: 'second', achieved_date: '2026-03-06' }, at('2026-03-10T12:00:00.000Z'));
      await expect(addMilestone(stores[1], { milestone_id: 'm1', goal_id: 'g1', description: 'x' }, at('2026-03-10T12:00:00.000Z')))
        .rejects.toThrow('a milestone with id "m1" already exists: choose another --id');
      const edited = await editMilestone(stores[1], 'm1', { significance: 'high', achieved_date: '2026-03-07' }, 'a day later', at('2026-03-11T09:00:00.000Z'));
      expect(edited).toEqual({
        milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'first', achieved_date: '2026-03-07', significance: 'high',
        created_at: '2026-03-10T12:00:00.000Z', voided_at: null, voided_by: null, void_reason: null,
        edits: [{ at: '2026-03-11T09:00:00.000Z', actor: 'dr', reason: 'a day later', changes: { achieved_date: ['2026-03-04', '2026-03-07'], significance: ['medium', 'high'] } }],
      });
      expect(Object.keys(edited)).toEqual([
        'milestone_id', 'goal_id', 'client_id', 'description', 'achieved_date', 'significance', 'created_at', 'voided_at', 'voided_by', 'void_reason', 'edits',
      ]);
      expect((await listMilestones(records, 'c1', at('2026-03-11T10:00:00.000Z'))).map((m) => m.milestone_id)).toEqual(['m1', 'm2']);
      const voided = await voidMilestone(records, 'm2', 'entered twice', at('2026-03-11T11:00:00.000Z'));
      expect(voided).toMatchObject({ voided_at: '2026-03-11T11:00:00.000Z', voided_by: 'dr', void_reason: 'entered twice' });
      await expect(voidMilestone(stores[1], 'm2', 'again', at('2026-03-11T11:00:00.000Z'))).rejects.toThrow('milestone m2 is voided already');
      await expect(editMilestone(stores[1], 'm2', { description: 'x' }, 'why', at('2026-03-11T11:00:00.000Z'))).rejects.toThrow(/is voided: restore it first/);
      const listed = await listMilestones(records, 'c1', at('2026-03-11T12:00:00.000Z'));
      expect(listed).toEqual([{ milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'first', achieved_date: '2026-03-07', significance: 'high' }]);
      expect((await listMilestones(records, 'c1', at('2026-03-11T12:00:00.000Z'), true)).map((m) => m.milestone_id)).toEqual(['m1', 'm2']);
      expect((await restoreMilestone(stores[1], 'm2', at('2026-03-11T13:00:00.000Z'))).voided_at).toBeNull();
      await expect(restoreMilestone(records, 'm2', at('2026-03-11T13:00:00.000Z'))).rejects.toThrow('is not voided');
      expect((await showMilestone(records, 'm1', at('2026-03-11T14:00:00.000Z'))).edits).toHaveLength(1);
    }, 60_000);

    it('adds, lists, amends and voids measures, a risk item opening a risk', async () => {
      const records = stores[0];
      // PHQ-9: the items sum to 12, item 9 answered 1.
      const added = await addMeasure(records, {
        measure_id: 'p1', client_id: 'c1', measure: 'phq9', items: '2,2,1,1,2,1,1,1,1', timestamp: '2026-03-02T09:00:00.000Z',
      }, at('2026-03-02T10:00:00.000Z'));
      expect(added).toMatchObject({ total: 12, band: 'moderate', risk_item_answer: 1 });
      await addMeasure(stores[1], { measure_id: 'g1', client_id: 'c1', measure: 'gad7', total: 5, timestamp: '2026-03-09T09:00:00.000Z' }, at('2026-03-09T10:00:00.000Z'));
      await expect(addMeasure(records, { measure_id: 'p1', client_id: 'c1', measure: 'gad7', total: 3 }, at('2026-03-09T10:00:00.000Z')))
        .rejects.toThrow('a measure with id "p1" already exists: choose another --id');
      await expect(addMeasure(records, { client_id: 'c1', measure: 'gad7', total: 3, session_id: 'nope' }, at('2026-03-09T10:00:00.000Z')))
        .rejects.toThrow('no session "nope"');
      expect((await records.read((tx) => tx.risks.ofClient('c1'))).map((risk) => [risk.kind, risk.opened_at])).toEqual([['suicidal_ideation', '2026-03-02T09:00:00.000Z']]);

      const all = { start: null, end: new Date('2026-04-01T00:00:00.000Z') };
      expect((await listMeasures(records, 'c1', all, false, at('2026-03-10T10:00:00.000Z'))).map((m) => m.measure_id)).toEqual(['g1', 'p1']);
      expect((await listMeasures(records, 'c1', { start: new Date('2026-03-05T00:00:00.000Z'), end: all.end }, false, at('2026-03-10T10:00:00.000Z')))
        .map((m) => m.measure_id)).toEqual(['g1']);

      const amended = await amendMeasure(stores[1], 'p1', { items: '2,2,1,1,2,1,1,1,0' }, 'item 9 misread', at('2026-03-10T11:00:00.000Z'));
      expect(amended).toMatchObject({ total: 11, version: 2, amendments: 1, amend_reason: 'item 9 misread', amended_by: 'dr' });
      await expect(amendMeasure(records, 'p1', { items: '2,2,1,1,2,1,1,1,0' }, 'again', at('2026-03-10T11:00:00.000Z')))
        .rejects.toThrow('the amendment changes nothing');
      const shown = await showMeasure(records, 'p1', true, at('2026-03-10T12:00:00.000Z'));
      expect(shown.history!.map((version) => [version.version, version.total, version.amend_reason])).toEqual([[1, 12, null], [2, 11, 'item 9 misread']]);

      await voidMeasure(records, 'g1', 'wrong client', at('2026-03-10T13:00:00.000Z'));
      await expect(voidMeasure(stores[1], 'g1', 'again', at('2026-03-10T13:00:00.000Z'))).rejects.toThrow('measure g1 is voided already');
      expect((await listMeasures(records, 'c1', all, false, at('2026-03-10T14:00:00.000Z'))).map((m) => m.measure_id)).toEqual(['p1']);
      expect((await listMeasures(records, 'c1', all, true, at('2026-03-10T14:00:00.000Z'))).map((m) => [m.measure_id, m.version, m.voided_at]))
        .toEqual([['g1', 1, '2026-03-10T13:00:00.000Z'], ['p1', 2, null]]);
    }, 60_000);
  });
}
