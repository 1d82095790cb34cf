#!/usr/bin/env bash
# Sustained uploads before and after a change, in one run: checks out BASE (a commit) beside this tree and runs the
# transfers benchmark's sustained phase on each in turn, ROUNDS times (alternating, so a busy spell on the machine
# falls on both), then prints each run's table row. The same PostgreSQL, inputs and settings serve both trees.
# Run: bash bench/transfers/before-after.sh BASE   (ROUNDS=2 by default; TRANSFERS_BENCH_* and S2S_* pass through)
set -euo pipefail
cd "$(dirname "$0")/../.."
base=${1:?usage: bench/transfers/before-after.sh BASE-COMMIT}
rounds=${ROUNDS:-2}
before=$(mktemp -d /tmp/s2s-before-XXXXXX)
trap 'git worktree remove --force "$before" >/dev/null 2>&1 || rm -rf "$before"' EXIT
git worktree add --detach "$before" "$base" >/dev/null
ln -s "$PWD/node_modules" "$before/node_modules"
export TRANSFERS_BENCH_PHASES=${TRANSFERS_BENCH_PHASES:-sustained}
results=()
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    tree=$PWD
    [ "$side" = before ] && tree=$before
    echo "== round $round, $side ($(git -C "$tree" rev-parse --short HEAD))" >&2
    row=$( (cd "$tree" && node --import tsx bench/transfers/run.ts) | tee -a /dev/stderr | grep -E '^\| s2s, ' | head -1)
    results+=("| $side ($(git -C "$tree" rev-parse --short HEAD)), round $round: ${row#| }")
  done
done
echo
echo "| tree, round: load | uploads/s | p50 ms | p95 ms | p99 ms | not 201 | collected byte-identical | server peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---|---:|"
printf '%s\n' "${results[@]}"
