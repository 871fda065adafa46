#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for the tests and prints the
# URL; `postgres-test.sh stop DIR` stops it. Runs the server as the postgres user
# when started as root (initdb refuses root). For the chaos suites:
# `halt DIR [fast|immediate]` stops the server but keeps its data, `resume DIR`
# starts it again on the same port.
set -euo pipefail
cmd="${1:-start}"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
opts() { echo "-c listen_addresses=127.0.0.1 -c port=$1 -k $2 -c fsync=on"; }
if [ "$cmd" = halt ]; then
  as_pg "$PGBIN/pg_ctl" -D "$2/data" -m "${3:-fast}" -w stop >/dev/null
  exit 0
fi
if [ "$cmd" = resume ]; then
  as_pg "$PGBIN/pg_ctl" -D "$2/data" -l "$2/log" -w -o "$(opts "$(cat "$2/port")" "$2")" start >/dev/null
  exit 0
fi
if [ "$cmd" = stop ]; then
  dir="$2"
  [ -d "$dir" ] && as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
dir=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
echo "$port" >"$dir/port"
as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "$(opts "$port" "$dir")" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres switchboard_test
echo "PGDIR=$dir"
echo "SWITCHBOARD_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/switchboard_test"
