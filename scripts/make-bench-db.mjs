#!/usr/bin/env node
// Builds a large encrypted database for timing `tpt report` and `tpt trends`:
//   npm run build && node scripts/make-bench-db.mjs /tmp/bench.db [sessions] [clients]
// Default 1,000,000 sessions across 5,000 clients (one a week each, interleaved in time as real
// use writes them), 2 goals per client with monthly history, a milestone per goal. The key file
// is written beside the database (<db>.key). Synthetic data only.
import { rmSync } from 'node:fs';
import { openDatabase } from '../dist/db/connection.js';
import { writeNewKeyFile } from '../dist/db/key-file.js';
import { Store } from '../dist/db/store.js';
import { seededRandom } from '../dist/core/demo.js';
import { stateOf } from '../dist/core/scale.js';

const [path = '/tmp/tpt-bench.db', sessionsArg = '1000000', clientsArg = '5000'] = process.argv.slice(2);
const totalSessions = Number(sessionsArg);
const clients = Number(clientsArg);
const perClient = Math.ceil(totalSessions / clients);
const end = new Date('2026-11-27T17:00:00Z').getTime();
const WEEK = 7 * 86_400_000;
const start = end - perClient * WEEK;

for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}.key`]) rmSync(file, { force: true });
const db = openDatabase(path, writeNewKeyFile(`${path}.key`), { create: true });
db.pragma('cache_size = -1000000'); // 1 GB while building
const store = new Store(db);
const random = seededRandom(42);
const id = (n) => `c${String(n).padStart(5, '0')}`;
const began = Date.now();

store.transaction(() => {
  for (let c = 0; c < clients; c++) {
    const created = new Date(start - 86_400_000).toISOString();
    store.ensureClient(id(c), created);
    for (let g = 0; g < 2; g++) {
      const goalId = `${id(c)}-g${g}`;
      store.insertGoal({
        goal_id: goalId, client_id: id(c), description: 'Synthetic benchmark goal', target_date: '2027-06-30',
        completion_percentage: 0, status: 'active', milestones: [], notes: '', created_at: created, updated_at: created,
      });
      let percentage = 0;
      for (let month = 0; month * 4 < perClient; month++) {
        percentage = Math.min(100, percentage + Math.floor(random() * 6));
        const at = new Date(start + month * 4 * WEEK).toISOString();
        store.appendGoalHistory(goalId, { at, completion_percentage: percentage, status: 'active', note: 'monthly review', actor: 'bench' });
      }
      store.updateGoalProgress(goalId, percentage, 'active', new Date(end).toISOString());
      store.insertMilestone({
        milestone_id: `${goalId}-m1`, goal_id: goalId, client_id: id(c), description: 'Synthetic milestone',
        achieved_date: '2026-11-01', significance: 'medium',
      }, new Date(end).toISOString());
    }
  }
  let written = 0;
  for (let week = 0; week < perClient && written < totalSessions; week++) {
    for (let c = 0; c < clients && written < totalSessions; c++) {
      const score = Math.max(-2, Math.min(2, Math.round((random() - 0.5) * 4.5)));
      store.insertSession({
        session_id: `s${String(written).padStart(7, '0')}`,
        client_id: id(c),
        timestamp: new Date(start + week * WEEK + Math.floor(random() * 5 * 86_400_000)).toISOString(),
        conversation_summary: 'Synthetic session for the benchmark: reviewed the week and the homework.',
        emotional_state: stateOf(score),
        emotional_score: score,
        therapeutic_goals: [`${id(c)}-g0`],
        progress_notes: 'Synthetic progress note.',
        therapist_observations: 'Synthetic observation.',
        next_session_focus: 'Continue',
        session_duration_minutes: 50,
        techniques_used: ['CBT'],
        homework_assigned: 'Mood diary',
        crisis_flags: random() < 0.01 ? ['synthetic_flag'] : [],
        metadata: {},
      });
      written++;
    }
    if (week % 20 === 0) process.stderr.write(`\r${written} sessions`);
  }
});
store.close();
process.stderr.write(`\rdone: ${totalSessions} sessions, ${clients} clients in ${((Date.now() - began) / 1000).toFixed(1)} s → ${path}\n`);
