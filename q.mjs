import { openDatabase } from './dist/db/connection.js';
import { readKeyFile } from './dist/db/key-file.js';
const db = openDatabase(process.env.TPT_DB, readKeyFile(process.env.TPT_KEY_FILE));
const sql = process.argv[2];
for (const row of db.prepare('EXPLAIN QUERY PLAN ' + sql).all()) console.log(row.detail);
let t = performance.now(); db.prepare(sql).all(); console.log('ms', (performance.now() - t).toFixed(0));
