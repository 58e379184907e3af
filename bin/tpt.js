#!/usr/bin/env node
'use strict';
// Start-up is most of what a command costs. A run reads the bundle of the command it names,
// bundle/tpt.NAME.cjs (that command alone; tpt.help.cjs: the command list of `tpt --help`), and
// the whole program, tpt.cjs, for anything else (scripts/bundle.mjs). Each is one CommonJS script
// (bin/package.json makes this file CommonJS too: no ESM loader), compiled with V8's code cache,
// which Node 20 has no switch for: the bytecode of the functions a run used, written after the
// first successful run of each command and read on the next ones. The cache holds only tpt's
// compiled code, never a record; it lives in the user's cache directory (0700, files 0600), one
// file per bundle (per command for the whole program) named after it, Node's version and the
// bundle's size and time, so an upgrade of either starts anew (and the files of an older bundle
// go). V8 refuses a cache that does not fit, and tpt then writes a new one; TPT_CODE_CACHE=0
// turns it off.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire, wrap } = require('node:module');

const env = process.env;

if (process.argv[2] === '__complete') {
  // Shell completion asks for ids on every TAB: a small entry of its own, never the whole program.
  const completion = load('complete');
  completion.exports.complete(process.argv);
  completion.saveCache();
} else {
  const command = commandWord(process.argv.slice(2));
  let cli = env.TPT_DEBUG === '1' ? undefined : load(`tpt.${command}`);
  // A command's own bundle runs that command; a run it cannot build (`tpt help goal`, a typo) and
  // TPT_DEBUG=1 (source maps) get the whole program.
  if (!cli || !cli.exports.canRun(process.argv)) cli = load('tpt', command);
  cli.exports.main(process.argv).then((code) => {
    process.exitCode = code;
    // Only a run that did its work keeps a cache: a failed one used less than the command needs,
    // and a usage error may name no command at all.
    if (code === 0) cli.saveCache();
    // Node runs V8's pending tasks before it exits, among them a garbage collection that V8 asked
    // for during the run (4-7 ms of `tpt --help`, a tenth of Node's own start): of no use to a
    // process that ends. Exiting here skips them, once every byte written is out of tpt's hands.
    if (cli.exports.allWritten()) process.exit();
  });
}

/**
 * The command a run names, for the bundle it reads and the name of its cache: the first word that
 * is not an option or the value of one of tpt's global options; `help` for none, `other` for
 * anything unusual.
 */
function commandWord(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--db' || arg === '--database' || arg === '--actor' || arg === '--key-file') i++;
    else if (!arg.startsWith('-')) return /^[a-z][a-z-]{0,31}$/.test(arg) ? arg : 'other';
  }
  return 'help';
}

/**
 * Loads bundle/NAME.cjs (undefined if there is none, but for the whole program); saveCache() then
 * writes the code cache if there was none that fits. The whole program keeps one per `command`.
 */
function load(name, command) {
  const bundle = path.join(__dirname, '..', 'bundle', `${name}.cjs`);
  if (env.TPT_DEBUG === '1') {
    // Stack traces through the source maps, which Node reads only for scripts it loads itself.
    process.setSourceMapsEnabled(true);
    return { exports: require(bundle), saveCache() {} };
  }
  let source;
  try {
    source = fs.readFileSync(bundle, 'latin1'); // pure ASCII: scripts/bundle.mjs checks it
  } catch (error) {
    if (error.code === 'ENOENT' && name !== 'tpt') return undefined;
    throw error;
  }
  const cache = cacheFile(name, command, fs.statSync(bundle));
  const cachedData = cache && readOrUndefined(cache.file);
  const script = new vm.Script(wrap(source), { filename: bundle, cachedData });
  const module = { exports: {}, filename: bundle, id: bundle };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, path.dirname(bundle));
  return {
    exports: module.exports,
    saveCache() {
      if (cache && (cachedData === undefined || script.cachedDataRejected)) writeCache(cache, script.createCachedData());
    },
  };
}

/** In `$XDG_CACHE_HOME/tpt`, else `~/.cache/tpt` (an XDG path that is not absolute is ignored). */
function cacheFile(name, command, stat) {
  if (env.TPT_CODE_CACHE === '0') return undefined;
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  const base = xdg ?? (env.HOME ? path.join(env.HOME, '.cache') : undefined);
  if (!base) return undefined;
  const node = `-${process.version}-${process.arch}-`;
  const build = `${stat.size}-${Math.trunc(stat.mtimeMs)}.bin`;
  const key = name === 'tpt' ? `tpt-${command}` : name;
  return { dir: path.join(base, 'tpt'), file: path.join(base, 'tpt', `${key}${node}${build}`), name, node, build };
}

function readOrUndefined(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole under a temporary name, then renamed: a run never reads half a cache. */
function writeCache(cache, data) {
  try {
    fs.mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    const temporary = `${cache.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, cache.file);
    // The caches of an older build for this Node are of no more use.
    for (const file of fs.readdirSync(cache.dir)) {
      if (file.startsWith(`${cache.name}-`) && file.includes(cache.node) && file.endsWith('.bin') && !file.endsWith(cache.build)) fs.rmSync(path.join(cache.dir, file), { force: true });
    }
  } catch {
    // A cache that cannot be written costs the next run its compile time, nothing else.
  }
}
