#!/usr/bin/env bash
# Runs a throwaway three-node cluster on this machine behind HAProxy
# (docs/cluster.md, "Behind a load balancer"): a PostgreSQL
# (scripts/postgres-test.sh) and a redis-server on loopback, nodes node1..node3
# and HAProxy from packaging/haproxy/haproxy.cfg. Prints the balancer's URL;
# Ctrl-C (or SIGTERM) stops everything and deletes the temporary data.
#
#   bash scripts/run-cluster.sh            # balancer on 127.0.0.1:8000
#   SWITCHBOARD_CLUSTER_PORT=9000 bash scripts/run-cluster.sh
#
# Ports: the balancer on PORT, the nodes on PORT+1..PORT+3, HAProxy's stats
# page on PORT+4 (/stats), Redis on a free port. Extra arguments go to every
# node, e.g. --log-level debug. SWITCHBOARD_SERVER: see below.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PORT=${SWITCHBOARD_CLUSTER_PORT:-8000}

# The Debian packages the cluster needs (scripts/setup.sh installs them), then
# the server's build (a no-op when it is up to date).
if ! command -v redis-server >/dev/null || [ ! -x /usr/sbin/haproxy ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  scripts/setup.sh
fi
# SWITCHBOARD_SERVER=/path/to/switchboard-server runs that binary instead, unbuilt
# (e.g. /usr/bin/switchboard-server from the .deb).
if [ -n "${SWITCHBOARD_SERVER:-}" ]; then
  SERVER=$SWITCHBOARD_SERVER
else
  cmake --preset release >/dev/null
  cmake --build --preset release -j"$(nproc)" --target switchboard-server
  SERVER=$ROOT/build/bin/switchboard-server
fi

tmp=$(mktemp -d /tmp/switchboard-cluster.XXXXXX)
pgdir=""
pids=()
cleaned=0
cleanup() {
  [ "$cleaned" = 1 ] && return
  cleaned=1
  trap - INT TERM EXIT
  echo "stopping the cluster..."
  # HAProxy first (no new requests), then the nodes (SIGTERM: a clean
  # shutdown each), then Redis and PostgreSQL.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$pgdir" ] && scripts/postgres-test.sh stop "$pgdir"
  rm -rf "$tmp"
  echo "stopped; temporary data removed"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # URL NAME PID: until it answers 200, or fail when the process is gone
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "$2 exited; its log:" >&2; cat "$tmp/$2.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$2 not ready at $1" >&2
  return 1
}

# Every process in a session of its own (setsid): Ctrl-C reaches this script
# only, which then stops them in order.
out=$(setsid scripts/postgres-test.sh start)
pgdir=$(sed -n 's/^PGDIR=//p' <<<"$out")
pgurl=$(sed -n 's/^SWITCHBOARD_TEST_POSTGRES_URL=//p' <<<"$out")

redis_port=$(free_port)
setsid redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 1 100); do
  grep -q 'Ready to accept connections' "$tmp/redis.log" && break
  kill -0 "$redis_pid" 2>/dev/null || { cat "$tmp/redis.log" >&2; exit 1; }
  sleep 0.1
done

# One signing key for every node: a token from one is valid on all.
SWITCHBOARD_JWT_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SWITCHBOARD_JWT_SECRET

node_pids=()
for i in 1 2 3; do
  mkdir -p "$tmp/node$i"
  setsid "$SERVER" --listen "127.0.0.1:$((PORT + i))" --data-dir "$tmp/node$i" --database "$pgurl" \
    --redis "redis://127.0.0.1:$redis_port" --node-id "node$i" "$@" >"$tmp/node$i.log" 2>&1 &
  node_pids+=($!)
  # One after the other: the first one migrates the shared database.
  wait_http "http://127.0.0.1:$((PORT + i))/readyz" "node$i" "${node_pids[-1]}"
done

SB_LISTEN="127.0.0.1:$PORT" SB_STATS_LISTEN="127.0.0.1:$((PORT + 4))" \
  SB_NODE1="127.0.0.1:$((PORT + 1))" SB_NODE2="127.0.0.1:$((PORT + 2))" SB_NODE3="127.0.0.1:$((PORT + 3))" \
  setsid /usr/sbin/haproxy -db -f "$ROOT/packaging/haproxy/haproxy.cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!
# Stopped in this order by cleanup().
pids=("$haproxy_pid" "${node_pids[@]}" "$redis_pid")
wait_http "http://127.0.0.1:$PORT/readyz" haproxy "$haproxy_pid"

cat <<EOF

Switchboard cluster ready: http://127.0.0.1:$PORT  (ws://127.0.0.1:$PORT for WebSockets)
  nodes      node1..node3 on 127.0.0.1:$((PORT + 1))..$((PORT + 3)), PostgreSQL $pgurl, Redis redis://127.0.0.1:$redis_port
  HAProxy    stats http://127.0.0.1:$((PORT + 4))/stats
  logs       $tmp/{node1,node2,node3,haproxy,redis}.log
Ctrl-C stops everything and removes $tmp and the database.

EOF

# Until Ctrl-C, SIGTERM, or one of the processes ends by itself.
set +e
wait -n "${pids[@]}"
echo "a process of the cluster ended by itself; see the logs above" >&2
exit 1
