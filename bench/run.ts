import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bareLoop, type BareResult } from './driver.js';
import { DEFAULT_SEED, FULL, generatePractice, PEER, rowCount, SMALL, writeExportFile, type PracticeStats } from './generate.js';
import { projectName, taskwarriorSandbox, taskwarriorVersion } from './peer.js';
import { JobFailed, stats, timeOnce, timePair, type Job, type Stats } from './timing.js';

/**
 * `npm run bench [-- --small]`: builds a practice-scale database through `tpt import`, then times
 * tpt beside references measured in the same run (node's own start, the bare driver, Taskwarrior),
 * prints the table, and (for a full run, or with --results) writes it into bench/RESULTS.md.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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
    'checking and writing the export file in two passes and one transaction, beside the same rows inserted by a bare ' +
    'prepared-statement loop on the same schema and cipher (no parsing, no validation); the ratio is tpt\'s share of the driver\'s rate.',
  importMemory: 'peak resident memory of the `tpt import` process: flat means the file is streamed, not held.',
  export: 'rows a whole `tpt export --all` process reads and writes out as JSON per second, beside a bare loop reading the ' +
    'same rows client by client through the same indexes (no JSON, no file).',
  exportMemory: 'peak resident memory of the `tpt export --all` process: flat means the export is streamed.',
  encryption_write: 'the bare insert loop on an encrypted (SQLCipher 4: AES-256, HMAC-SHA512) database beside the same loop on ' +
    'a plain one: what encryption at rest costs a bulk write.',
  encryption_read: 'the bare read loop, encrypted beside plain: what encryption costs a read of every page.',
  help: 'start-up of the CLI with no database work, beside the floor of any Node program.',
  logSession: 'the most frequent command: open and unlock the database, validate, write one session and its audit entry.',
  sessions: 'list every session of the busiest client (stdout to a pipe): a read through the client index plus rendering.',
  report: 'a year\'s progress report of the busiest client on the large database: must feel instant (≤ node + 150 ms).',
  trends: 'a year of monthly emotional trends of the busiest client on the large database (≤ node + 150 ms).',
  clients: 'the summary of every client of the practice: one aggregate query over all sessions and goals.',
  peerAdd: 'one write, tpt (encrypted, validated, audited) beside Taskwarrior\'s `task add`, each holding 10,000 items over 50 clients/projects.',
  peerList: 'one client\'s listing, tpt (decrypting) beside Taskwarrior\'s project filter over the same counts: tpt must be faster.',
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
const NODE_FLOOR: Job = { argv: [process.execPath, '-e', '0'], env: { NODE_OPTIONS: '' } };
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
for (let round = 0; round < BARE_ROUNDS; round++) {
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

if (!commands.import) {
  notMeasured('import rate (whole `tpt import`)', missing, '≥ 50 % of bare insert', MEANING.import);
  notMeasured('peak memory, import', missing, '—', MEANING.importMemory);
} else if (!importFigure) {
  rows.push({ figure: 'import rate (whole `tpt import`)', tpt: `failed: ${importFailure}`, reference: '—', ratio: '—', target: '≥ 50 % of bare insert', verdict: 'failed', meaning: MEANING.import });
} else {
  const share = bareEncrypted.insertMs / importFigure.ms;
  rows.push({
    figure: 'import rate (whole `tpt import`)',
    tpt: `${rate(allRows, importFigure.ms)} (${(importFigure.ms / 1000).toFixed(1)} s)`,
    reference: `bare insert ${rate(allRows, bareEncrypted.insertMs)} (${(bareEncrypted.insertMs / 1000).toFixed(1)} s)`,
    ratio: `${(share * 100).toFixed(0)} %`, target: '≥ 50 %', verdict: verdict(share >= 0.5), meaning: MEANING.import,
  });
  rows.push({ figure: 'peak memory, import', tpt: mb(importFigure.rss), reference: `export file ${mb(generated.bytes)}`, ratio: '—', target: '—', verdict: '—', meaning: MEANING.importMemory });
}

if (!largeReady || !commands.export) {
  notMeasured('export rate (whole `tpt export --all`)', largeReady ? missing : noDatabase, '≥ 70 % of bare read', MEANING.export);
  notMeasured('peak memory, export', largeReady ? missing : noDatabase, '—', MEANING.exportMemory);
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
      reference: `export file ${mb(statSync(out).size)}`, ratio: '—', target: '—', verdict: '—', meaning: MEANING.exportMemory,
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

// Whole-process timings, each beside `node -e 0` in the same rounds.
interface Timed {
  figure: string;
  command: string;
  args: string[];
  target: 'ratio1.5' | 'ratio2' | 'plus150' | 'none';
  needsDb: boolean;
  meaning: string;
}
const since = ['--since', '2025-01-01', '--until', '2025-12-31'];
const timed: Timed[] = [
  { figure: '`tpt --help`', command: 'help', args: ['--help'], target: 'ratio1.5', needsDb: false, meaning: MEANING.help },
  {
    figure: '`tpt log-session …` (large database)', command: 'log-session', target: 'ratio2', needsDb: true, meaning: MEANING.logSession,
    args: ['--no-input', 'log-session', '--client', C, '--summary', 'Reviewed the week', '--mood', 'positive', '--duration', '50', '--technique', 'CBT'],
  },
  { figure: `\`tpt sessions ${C}\` (${int(practice.heaviest_sessions)} sessions)`, command: 'sessions', args: ['sessions', C], target: 'none', needsDb: true, meaning: MEANING.sessions },
  { figure: `\`tpt report ${C} --since 2025-01-01 --until 2025-12-31\``, command: 'report', args: ['report', C, ...since], target: 'plus150', needsDb: true, meaning: MEANING.report },
  { figure: `\`tpt trends ${C} --by month --since 2025-01-01 --until 2025-12-31\``, command: 'trends', args: ['trends', C, '--by', 'month', ...since], target: 'plus150', needsDb: true, meaning: MEANING.trends },
  { figure: `\`tpt clients\` (${int(practice.clients)} clients)`, command: 'clients', args: ['clients'], target: 'none', needsDb: true, meaning: MEANING.clients },
];
for (const t of timed) {
  const targetText = t.target === 'ratio1.5' ? '≤ 1.5×' : t.target === 'ratio2' ? '≤ 2×' : t.target === 'plus150' ? '≤ node + 150 ms' : '—';
  if (t.command !== 'help' && !commands[t.command]) {
    notMeasured(t.figure, missing, targetText, t.meaning);
    continue;
  }
  if (t.needsDb && !largeReady) {
    notMeasured(t.figure, noDatabase, targetText, t.meaning);
    continue;
  }
  progress(`timing ${t.figure} …`);
  try {
    const { subject, reference } = timePair(tpt(largeDb, t.args), NODE_FLOOR, runs, warmup);
    const ratio = subject.median / reference.median;
    const over = subject.median - reference.median;
    const met = t.target === 'ratio1.5' ? ratio <= 1.5 : t.target === 'ratio2' ? ratio <= 2 : t.target === 'plus150' ? over <= 150 : null;
    rows.push({
      figure: t.figure, tpt: spread(subject), reference: `\`node -e 0\` ${spread(reference)}`,
      ratio: `${ratio.toFixed(2)}× (+${ms(over)})`, target: targetText, verdict: met === null ? '—' : verdict(met), meaning: t.meaning,
    });
  } catch (error) {
    if (!(error instanceof JobFailed)) throw error;
    rows.push({ figure: t.figure, tpt: `failed: ${error.message}`, reference: '—', ratio: '—', target: targetText, verdict: 'failed', meaning: t.meaning });
  }
}

// The peer: Taskwarrior with as many tasks per project as tpt has sessions per client.
const taskVersion = taskwarriorVersion();
const peerCounts: number[] = [];
generatePractice(PEER, seed, ({ sessions }) => peerCounts.push(sessions.length));
const peerClient = 'client-01';
if (!taskVersion) {
  notMeasured('`tpt log-session` beside `task add`', 'Taskwarrior not installed (apt-get install taskwarrior)', '—', MEANING.peerAdd);
  notMeasured('`tpt sessions X` beside `task project:X list`', 'Taskwarrior not installed (apt-get install taskwarrior)', 'faster', MEANING.peerList);
} else if (!commands.import) {
  notMeasured('`tpt log-session` beside `task add`', `${missing} (import builds the peer database)`, '—', MEANING.peerAdd);
  notMeasured('`tpt sessions X` beside `task project:X list`', `${missing} (import builds the peer database)`, 'faster', MEANING.peerList);
} else {
  progress(`peer: Taskwarrior ${taskVersion} with ${int(PEER.sessions)} tasks over ${PEER.clients} projects …`);
  const peerDir = join(dir, 'peer');
  mkdirSync(peerDir);
  const peerFile = join(peerDir, 'peer.json');
  writeExportFile(peerFile, PEER, seed);
  const peerDb = join(peerDir, 'peer.db');
  let peerFailure: string | null = null;
  let taskEnv: Record<string, string> = {};
  try {
    taskEnv = taskwarriorSandbox(peerDir, peerCounts, seed).env;
  } catch (error) {
    peerFailure = `no Taskwarrior sandbox: ${(error as Error).message}`;
  }
  try {
    run(tpt(peerDb, ['init']));
    run(tpt(peerDb, ['--no-input', 'import', peerFile]));
  } catch (error) {
    if (!(error instanceof JobFailed)) throw error;
    peerFailure ??= `no peer database: ${error.message}`;
  }
  const taskJob = (args: string[]): Job => ({ argv: ['task', ...args], env: taskEnv });
  const pairs = [
    {
      figure: '`tpt log-session` beside `task add`', meaning: MEANING.peerAdd, target: '—',
      subject: tpt(peerDb, ['--no-input', 'log-session', '--client', peerClient, '--summary', 'Reviewed the week', '--mood', 'positive']),
      reference: taskJob(['add', `project:${projectName(0)}`, 'Review the week']), name: '`task add`',
    },
    {
      figure: `\`tpt sessions ${peerClient}\` beside \`task project:${projectName(0)} list\` (${int(peerCounts[0]!)} each)`,
      meaning: MEANING.peerList, target: 'faster',
      subject: tpt(peerDb, ['sessions', peerClient]),
      reference: taskJob([`project:${projectName(0)}`, 'list']), name: '`task list`',
    },
  ];
  for (const pair of pairs) {
    if (peerFailure) {
      rows.push({ figure: pair.figure, tpt: `failed: ${peerFailure}`, reference: '—', ratio: '—', target: pair.target, verdict: 'failed', meaning: pair.meaning });
      continue;
    }
    try {
      const { subject, reference } = timePair(pair.subject, pair.reference, runs, warmup);
      const ratio = subject.median / reference.median;
      rows.push({
        figure: pair.figure, tpt: spread(subject), reference: `${pair.name} ${spread(reference)}`, ratio: `${ratio.toFixed(2)}×`,
        target: pair.target, verdict: pair.target === 'faster' ? verdict(ratio < 1) : '—', meaning: pair.meaning,
      });
    } catch (error) {
      if (!(error instanceof JobFailed)) throw error;
      rows.push({ figure: pair.figure, tpt: `failed: ${error.message}`, reference: '—', ratio: '—', target: pair.target, verdict: 'failed', meaning: pair.meaning });
    }
  }
}

// ── report ───────────────────────────────────────────────────────────────────

const totalSeconds = (clock() - runStarted) / 1000;
const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB memory, ` +
  `Linux ${release()}, Node ${process.version}${taskVersion ? `, Taskwarrior ${taskVersion}` : ''}`;
const table = [
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
  `- timings: median of ${runs} runs after ${warmup} warm-up round(s), (min–max); each command alternates with its reference`,
  `- bare driver loops: median of ${BARE_ROUNDS} rounds, encrypted and unencrypted alternating; import and export: one run each` +
    `${small ? ' (export: median of 3)' : ''}`,
  `- whole run: ${totalSeconds.toFixed(0)} s`,
  '',
  table,
  '',
  'What each figure means:',
  '',
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
