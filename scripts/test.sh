#!/usr/bin/env bash
# Runs every test: unit and integration (PGlite always, PostgreSQL when reachable) and the browser suite.
# Starts the machine's PostgreSQL first when it is installed but stopped, so a plain `npm test` exercises both databases.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-postgres.sh || echo "PostgreSQL is not available: server-mode tests will be skipped (CI fails instead)." >&2
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency="${S2S_TEST_CONCURRENCY:-2}" "$@" "${files[@]}"
