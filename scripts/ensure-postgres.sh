#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 (or S2S_TEST_DATABASE_URL's host), starting the
# machine's own cluster when it is installed but stopped. Idempotent: does nothing when the server is up.
set -uo pipefail
host=127.0.0.1
port=5432
ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }
if ! command -v pg_isready >/dev/null 2>&1; then
  echo "pg_isready not found: PostgreSQL client tools are not installed" >&2
  exit 1
fi
ready && exit 0
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >/dev/null 2>&1 || true
  done
fi
for _ in $(seq 1 30); do
  ready && exit 0
  sleep 0.5
done
echo "PostgreSQL did not start on $host:$port" >&2
exit 1
