#!/usr/bin/env bash
# The start-up goals of issues 22 and 27 as hyperfine measures them: `tpt --help` and
# `tpt log-session …` on a small database beside `node -e 0`, in the same hyperfine run, with a
# clean environment (no NODE_OPTIONS, no NODE_EXTRA_CA_CERTS: a CA bundle costs every Node start
# 40 ms that users do not pay). Prints each ratio of the median wall time and of the mean CPU time
# (user + sys, the steadier figure on a machine shared with others).
# Usage: bench/startup-ratios.sh [NODE_BINARY] [RUNS]   (needs hyperfine; run `npm run build` first)
set -euo pipefail
node_bin=${1:-$(command -v node)}
runs=${2:-40}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/home"
tpt_env=(env -i "PATH=/usr/bin:/bin:$(dirname "$node_bin")" "HOME=$work/home" "TPT_DB=$work/tpt.db"
  "TPT_KEY_FILE=$work/key" TPT_ACTOR=bench TZ=Europe/Berlin NO_COLOR=1)
"${tpt_env[@]}" "$node_bin" "$root/bin/tpt.js" init >/dev/null
for i in 1 2 3; do
  "${tpt_env[@]}" "$node_bin" "$root/bin/tpt.js" --no-input log-session --client "c$i" --summary warm-up --mood 1 >/dev/null 2>&1
done
log=(--no-input log-session --client client-writes --summary 'Reviewed the week' --mood positive --duration 50 --technique CBT)
quoted_log=$(printf '%q ' "${log[@]}")
env_text=$(printf '%q ' "${tpt_env[@]}")
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/runs.json" \
  --command-name 'node -e 0' "$env_text $node_bin -e 0" \
  --command-name 'tpt --help' "$env_text $node_bin $root/bin/tpt.js --help" \
  --command-name 'tpt log-session' "$env_text $node_bin $root/bin/tpt.js $quoted_log" >/dev/null
"$node_bin" -e '
const { results } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
const [base] = results;
const cpu = (r) => r.user + r.system;
console.log(`${process.argv[2]}, ${results[0].times.length} runs each, load ${require("node:os").loadavg()[0].toFixed(1)}`);
for (const r of results) {
  console.log(`${r.command.padEnd(16)} wall median ${(r.median * 1000).toFixed(1).padStart(6)} ms  ${(r.median / base.median).toFixed(2)}x` +
    `   cpu ${(cpu(r) * 1000).toFixed(1).padStart(6)} ms  ${(cpu(r) / cpu(base)).toFixed(2)}x`);
}' "$work/runs.json" "Node $("$node_bin" --version)"
