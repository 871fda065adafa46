#!/usr/bin/env bash
# The Nodes tab of switchboard-admin, for docs/cluster.md and docs/admin.md.
#
#   scripts/screenshot-nodes.sh [BUILD_DIR]      (default: build)
#
# Starts a throwaway three-node cluster (PostgreSQL from scripts/postgres-test.sh,
# a redis-server, three switchboard-server nodes with an admin token; the
# tests' tests/clients/lib/cluster.js), connects a few flat JSON clients to
# each node, SIGKILLs node 3 so the list shows a node that went down, and runs
# the console against node 1 under xvfb-run. Saves docs/screenshots/nodes.png and
# docs/screenshots/cluster-connections.png (the Connections tab with its Node column).
# Everything it starts, it stops.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
ADMIN="$BUILD/bin/switchboard-admin"
OUT="$ROOT/docs/screenshots"
TOKEN="screenshot-$RANDOM$RANDOM"

[[ -x "$ADMIN" && -x "$BUILD/bin/switchboard-server" ]] || { echo "build switchboard-server and switchboard-admin first" >&2; exit 2; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed (apt-get install xvfb)" >&2; exit 2; }
[[ -d "$ROOT/tests/clients/node_modules/ws" ]] || (cd "$ROOT/tests/clients" && npm ci --no-audit --no-fund >/dev/null)

WORK="$(mktemp -d)"
CLUSTER_PID=""
cleanup() {
    [[ -n "$CLUSTER_PID" ]] && kill "$CLUSTER_PID" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# The cluster and its clients live as long as this node process; it prints
# node 1's port once everything is in place and stops it all on SIGTERM.
cat >"$WORK/cluster.js" <<'JS'
'use strict';
const { startCluster } = require(process.env.CLUSTER_LIB);
const { register, JsonSocket } = require(process.env.SERVER_LIB);
(async () => {
  const cluster = await startCluster({ nodes: 3, args: ['--admin-token', process.env.TOKEN, '--node-lease-ms', '1500'] });
  const stop = async () => { await cluster.stop().catch(() => {}); process.exit(0); };
  process.on('SIGTERM', stop);
  const clients = [3, 5, 2];
  for (const [i, node] of cluster.nodes.entries()) {
    for (let k = 0; k < clients[i]; k++) {
      const u = await register(cluster.nodes[0]);
      const s = await JsonSocket.open(`${node.wsBase}/ws?token=${u.token}`);
      await s.next('connection_established');
    }
  }
  await cluster.nodes[2].kill('SIGKILL');
  console.log(`PORT=${cluster.nodes[0].port}`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
CLUSTER_LIB="$ROOT/tests/clients/lib/cluster.js" SERVER_LIB="$ROOT/tests/clients/lib/server.js" TOKEN="$TOKEN" \
SWITCHBOARD_SERVER="$BUILD/bin/switchboard-server" NODE_PATH="$ROOT/tests/clients/node_modules" \
    node "$WORK/cluster.js" >"$WORK/cluster.log" 2>&1 &
CLUSTER_PID=$!
for _ in $(seq 600); do
    grep -q '^PORT=' "$WORK/cluster.log" && break
    kill -0 "$CLUSTER_PID" 2>/dev/null || { cat "$WORK/cluster.log" >&2; exit 1; }
    sleep 0.1
done
PORT="$(sed -n 's/^PORT=//p' "$WORK/cluster.log")"
[[ -n "$PORT" ]] || { cat "$WORK/cluster.log" >&2; exit 1; }

# The node list needs a lease check or two after node 3's lease expired.
LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE="" XDG_CONFIG_HOME="$WORK/config" \
xvfb-run -a -s "-screen 0 1440x900x24" "$ADMIN" \
    --url "ws://127.0.0.1:$PORT/admin/ws" --token "$TOKEN" --size 1360x560 --tab nodes \
    --screenshots "$WORK/shots" --screenshot-delay 5000
mkdir -p "$OUT"
cp "$WORK/shots/nodes.png" "$OUT/nodes.png"
cp "$WORK/shots/connections.png" "$OUT/cluster-connections.png"
echo "saved $OUT/nodes.png and $OUT/cluster-connections.png"
