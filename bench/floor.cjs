'use strict';
// The floor of a tpt command that touches the database, as a process: Node's start, the native
// driver's load, opening and unlocking the encrypted database with tpt's pragmas, (for `read`)
// one client's sessions, and one row committed (a write, or the audit entry every read keeps),
// then the close. No argument parsing, validation, rendering or audit chain: what is left of a tpt
// command beyond this is tpt's own. CommonJS and plain JavaScript, so nothing is loaded or
// compiled that the driver does not need.
// Usage: node floor.cjs read|write DB KEY_FILE READ_CLIENT WRITE_CLIENT
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const [mode, dbPath, keyFile, readClient, writeClient] = process.argv.slice(2);
const major = Number(process.versions.node.split('.')[0]);
// The driver tpt loads on this Node, loaded as src/db/driver.ts loads it (found here or on NODE_PATH;
// on Node 20, its addon by path).
const name = major >= 22 ? 'better-sqlite3-multiple-ciphers-napi' : 'better-sqlite3-multiple-ciphers';
const Database = require(major >= 22 ? napiEntry() : name);
const options = { fileMustExist: true };
if (major < 22) {
  options.nativeBinding = require(join(dirname(require.resolve(`${name}/package.json`)), 'build', 'Release', 'better_sqlite3.node'));
}

const db = new Database(dbPath, options);
db.pragma("cipher = 'sqlcipher'");
db.pragma('legacy = 4');
db.key(Buffer.from(`x'${readFileSync(keyFile, 'utf8').trim()}'`));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
db.pragma('secure_delete = ON');
let out = '';
if (mode === 'read') {
  for (const row of db.prepare('SELECT timestamp, session_id, emotional_score, conversation_summary FROM sessions WHERE client_id = ? ORDER BY timestamp DESC').iterate(readClient)) {
    out += `${row.timestamp}  ${row.session_id}  ${row.emotional_score}  ${row.conversation_summary.slice(0, 40)}\n`;
  }
}
db.prepare('INSERT INTO clients (client_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(writeClient, new Date().toISOString());
db.prepare(`INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score, therapeutic_goals,
    techniques_used, crisis_flags, metadata) VALUES (?, ?, ?, ?, ?, '[]', '[]', '[]', '{}')`)
  .run(`ses_floor_${process.pid}_${Date.now()}`, writeClient, new Date().toISOString(), 'Reviewed the week', 1);
db.close();
process.stdout.write(out);

/** 13's entry for this platform where the process's libc is plain (as src/db/driver.ts picks it). */
function napiEntry() {
  if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) return name;
  let maps;
  try {
    maps = readFileSync('/proc/self/maps', 'latin1');
  } catch {
    return name;
  }
  const glibc = /\/libc\.so\.6$/m.test(maps);
  const musl = /\/ld-musl-[\w]+\.so\.1$/m.test(maps);
  return glibc === musl ? name : `${name}/${glibc ? 'linux' : 'linuxmusl'}-${process.arch}`;
}
