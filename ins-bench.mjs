import { openDatabase } from './dist/db/connection.js';
import { rmSync } from 'node:fs';
const path = '/tmp/bench/ins.db';
rmSync(path, { force: true }); rmSync(path + '-wal', { force: true });
const db = openDatabase(path, { kind: 'raw', hex: 'ab'.repeat(32) }, { create: true });
db.pragma('cache_size = ' + (process.argv[2] ?? '-262144'));
db.prepare("INSERT INTO clients VALUES ('c','2020-01-01T00:00:00.000Z')").run();
const ins = db.prepare(`INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score,
        therapeutic_goals, progress_notes, therapist_observations, next_session_focus,
        session_duration_minutes, techniques_used, homework_assigned, crisis_flags, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
const t = Date.now();
const cpu = process.cpuUsage();
db.transaction(() => {
  for (let i = 0; i < 1_000_000; i++) {
    ins.run(`ses_${Math.random().toString(36).slice(2, 10)}${i}`, 'c', new Date(1577836800000 + i * 3600000).toISOString(), `Session ${i}: talked about the week, sleep, work and family; practised "grounding", then planned next steps.`, 1, '["client-0000-g1"]', 'Steady progress; homework done on 4 of 7 days.', 'Engaged, calmer than last week.', 'Review the sleep diary', 50, '["CBT","grounding"]', 'Sleep diary every morning', '[]', '{"modality":"in_person"}');
  }
})();
const c = process.cpuUsage(cpu);
console.log('insert 1M wall', Date.now() - t, 'ms cpu', Math.round((c.user + c.system) / 1000), 'ms');
