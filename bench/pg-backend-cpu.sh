#!/usr/bin/env bash
# Runs an SQL file with psql and prints the CPU time (user + system) its PostgreSQL
# backend used, next to the wall time. On a shared machine the wall time of a
# replay (bench/pg-batch-sql.py) is mostly waiting for a core; the CPU time is
# what the statements cost (docs/benchmarks.md, section 5). Needs the server on
# this machine (it reads /proc/<backend pid>/stat).
#   bench/pg-backend-cpu.sh postgres://postgres@127.0.0.1:PORT/db file.sql
set -euo pipefail
url=$1 sql=$2
wrapped=$(mktemp)
trap 'rm -f "$wrapped"' EXIT
{
  echo 'SELECT pg_backend_pid() AS pid \gset'
  echo '\setenv PID :pid'
  cat "$sql"
  echo "\\! awk '{printf \"backend_cpu_s %.2f\\n\", (\$14 + \$15) / 100}' /proc/\$PID/stat"
} >"$wrapped"
start=$(date +%s.%N)
psql "$url" -q -v ON_ERROR_STOP=1 -f "$wrapped" | grep '^backend_cpu_s'
echo "wall_s $(echo "$(date +%s.%N) - $start" | bc)"
