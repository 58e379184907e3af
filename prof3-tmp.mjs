const { readKeyFile } = await import('./dist/db/key-file.js');
const { openDatabase } = await import('./dist/db/connection.js');
const { Store } = await import('./dist/db/store.js');
const q = await import('./dist/db/analytics-queries.js');
const store = new Store(openDatabase('/tmp/tpt-bench.db', readKeyFile('/tmp/tpt-bench.db.key')));
const client = process.argv[2] ?? 'c01234';
const end = new Date().toISOString(), start = new Date(Date.now() - 30 * 86400e3).toISOString();
const time = (label, fn) => { const t = performance.now(); const r = fn(); console.log(label.padEnd(22), (performance.now() - t).toFixed(2), 'ms'); return r; };
time('last audit', () => store.lastAuditEntry());
time('goalsCreatedBy', () => q.goalsCreatedBy(store, client, end));
time('goalHistoryOfClient', () => q.goalHistoryOfClient(store, client, end));
time('milestonesBetween', () => q.milestonesBetween(store, client, '2026-10-29', '2026-11-28'));
time('lastSessionAtOrBefore', () => q.lastSessionAtOrBefore(store, client, end));
time('reportSessions', () => [...q.reportSessionsInRange(store, client, start, end)]);
time('reportSessions 5y', () => [...q.reportSessionsInRange(store, client, '2021-01-01', end)]);
for (const sql of [
  "SELECT max(timestamp) AS at FROM sessions WHERE client_id = 'c1' AND timestamp <= 'x'",
  "SELECT h.goal_id, h.at FROM goals g JOIN goal_history h ON h.goal_id = g.goal_id WHERE g.client_id = 'c' AND h.at <= 'x' ORDER BY g.created_at, g.goal_id, h.seq",
  "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1",
]) console.log(store.db.prepare('EXPLAIN QUERY PLAN ' + sql).all().map((r) => r.detail).join(' | '));
