import { writeFileSync } from 'node:fs';

/**
 * Loaded with `node --import` into a measured process: at exit, writes the process's peak
 * resident set size (bytes) to $TPT_BENCH_RSS_FILE. Portable where GNU time is not installed.
 */
const file = process.env.TPT_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    writeFileSync(file, String(process.resourceUsage().maxRSS * 1024));
  });
}
