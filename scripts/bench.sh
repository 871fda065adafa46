#!/usr/bin/env bash
# Runs every benchmark scenario against Switchboard (flat JSON, and Socket.IO
# when its dialect answers), a Socket.IO peer and a bare ws peer, plus durable
# ingest on SQLite and PostgreSQL, then writes docs/benchmarks.md.
#
#   scripts/bench.sh            full run (well under 30 minutes on 2 cores)
#   scripts/bench.sh --quick    smoke run (a couple of minutes, small sizes)
#
# Options: --targets LIST   (switchboard,switchboard-socketio,socketio-peer,ws-peer,postgres; and
#                           cluster, not in the default list: three nodes on PostgreSQL and
#                           redis-server, written to docs/benchmarks-cluster.md)
#          --build-dir DIR  (default build; built here if the binaries are missing)
#          --output FILE    (default docs/benchmarks.md)
#          --results DIR    (default: a new directory under /tmp)
#          --workers N      generator processes (default 2)
#          --user-pool N    reuse N accounts per crowd (idle, 10k room, workspace) instead of one
#                           account per simulated person; the report labels such figures "pooled"
#          -- ARGS          passed to every switchboard-bench run (see switchboard-bench --help);
#                           a --scenarios LIST there also limits what is provisioned
# Environment: SWITCHBOARD_SERVER (server binary), BENCH_USER_POOL (as --user-pool).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ORIG_ARGS="$*"
QUICK=0
TARGETS="switchboard,switchboard-socketio,socketio-peer,ws-peer,postgres"
BUILD_DIR="$ROOT/build"
OUTPUT="$ROOT/docs/benchmarks.md"
RESULTS=""
WORKERS=2
USER_POOL=${BENCH_USER_POOL:-0}
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --targets) TARGETS="$2"; shift ;;
    --build-dir) BUILD_DIR=$(realpath -m "$2"); shift ;;
    --output) OUTPUT=$(realpath -m "$2"); shift ;;
    --results) RESULTS=$(realpath -m "$2"); shift ;;
    --workers) WORKERS="$2"; shift ;;
    --user-pool) USER_POOL="$2"; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
has_target() { [[ ",$TARGETS," == *",$1,"* ]]; }
log() { echo "[bench.sh $(date +%H:%M:%S)] $*" >&2; }

# ---- sizes ---------------------------------------------------------------------
if [ "$QUICK" = 1 ]; then
  MODE=quick
  SIZES=(--idle-levels 500,2000 --latency-idle 0,2000 --fanout-idle 2000 --latency-seconds 2
         --fanout-rates 200,1000,4000 --big-room-size 1000 --big-fanout-rates 2,10,50
         --step-seconds 1.5 --ingest-seconds 2 --ingest-windows 32,256 --settle-seconds 0.5 --open-timeout-seconds 40 --drain-seconds 10
         --churn-waves 1000,2000 --churn-quiet-seconds 1 --converge-seconds 10 --workspace-seconds 10)
  PROVISION=(--idle-users 2000 --bigroom-users 1000 --workspace-users 1000 --workspace-channels 50)
else
  MODE=full
  SIZES=(--idle-levels 1000,10000,19000 --latency-idle 0,10000,19000 --fanout-idle 10000 --latency-seconds 10
         --fanout-rates 100,200,500,1000,2000,4000,8000,16000 --big-room-size 10000 --big-fanout-rates 1,2,5,10,20,40,80,160
         --step-seconds 3 --ingest-seconds 8 --ingest-windows 32,128,512 --settle-seconds 2 --open-timeout-seconds 120 --drain-seconds 30
         --churn-waves 10000,19000 --churn-quiet-seconds 5 --converge-seconds 30 --workspace-seconds 240 --compression 30)
  PROVISION=(--idle-users 19000 --bigroom-users 10000 --workspace-users 10000 --workspace-channels 500)
fi
[ "$USER_POOL" -gt 0 ] 2>/dev/null && PROVISION+=(--user-pool "$USER_POOL")
# Only the groups the chosen scenarios use are provisioned (a --scenarios in the pass-through args).
SCENARIOS=latency,fanout,memory,churn,workspace,bigfanout,ingest
REST=()
for ((i = 0; i < ${#EXTRA[@]}; i++)); do
  if [ "${EXTRA[$i]}" = --scenarios ]; then SCENARIOS=${EXTRA[$((i + 1))]:-$SCENARIOS}; i=$((i + 1))
  else REST+=("${EXTRA[$i]}"); fi
done
EXTRA=(${REST[@]+"${REST[@]}"})
# without LIST's items named in the following arguments
minus() { local l=",$1,"; shift; for x in "$@"; do l=${l//,$x,/,}; done; l=${l#,}; echo "${l%,}"; }
has_scenario() { [[ ",$SCENARIOS," == *",$1,"* ]]; }
GROUPS_WANTED=()
{ has_scenario latency || has_scenario fanout || has_scenario memory || has_scenario churn; } && GROUPS_WANTED+=(room)
{ has_scenario latency || has_scenario fanout || has_scenario memory || has_scenario churn || has_scenario bigfanout; } && GROUPS_WANTED+=(idle)
has_scenario bigfanout && GROUPS_WANTED+=(bigroom)
has_scenario ingest && GROUPS_WANTED+=(ingest)
has_scenario workspace && GROUPS_WANTED+=(workspace)
PROVISION_GROUPS=$(IFS=,; echo "${GROUPS_WANTED[*]:-room}")

# ---- binaries and peers -----------------------------------------------------------
SERVER=${SWITCHBOARD_SERVER:-$BUILD_DIR/bin/switchboard-server}
BENCH=$BUILD_DIR/bin/switchboard-bench
if [ ! -x "$SERVER" ] || [ ! -x "$BENCH" ]; then
  log "building switchboard-server and switchboard-bench in $BUILD_DIR"
  [ -f "$BUILD_DIR/build.ninja" ] || cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" --target switchboard-server switchboard-bench -j"$(nproc)"
fi
if [ ! -d "$ROOT/bench/peers/node_modules/socket.io" ] || [ ! -d "$ROOT/bench/peers/node_modules/ws" ]; then
  log "installing the peers (npm) in bench/peers"
  (cd "$ROOT/bench/peers" && { [ -f package-lock.json ] && npm ci --no-audit --no-fund || npm install --no-audit --no-fund; }) >&2
fi

ulimit -n "$(ulimit -Hn)"
[ -n "$RESULTS" ] || RESULTS=$(mktemp -d /tmp/switchboard-bench.XXXXXX)
mkdir -p "$RESULTS"
WORK=$(mktemp -d /tmp/switchboard-bench-work.XXXXXX)
# One copy of the server for the whole run: a rebuild by someone else half-way
# through must not mix two binaries in one report.
cp "$SERVER" "$WORK/switchboard-server"
SERVER_ORIG=$SERVER
SERVER_BUILT=$(stat -L -c %y "$SERVER" | cut -d. -f1)
SERVER_EPOLL=false
grep -q EpollEventDispatcher "$WORK/switchboard-server" && SERVER_EPOLL=true
SERVER="$WORK/switchboard-server"
SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
PIDS=()
PGDIR=""
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && stop_pid "$p"; done
  [ -n "$PGDIR" ] && stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { # url timeout_s
  for _ in $(seq 1 $(( $2 * 10 ))); do
    node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1" && return 0
    sleep 0.1
  done
  return 1
}
stop_pid() { # SIGTERM, then SIGKILL if the process is still busy after 15 s
  kill "$1" 2>/dev/null || return 0
  local t
  for t in $(seq 1 150); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then log "pid $1 still running 15 s after SIGTERM: SIGKILL"; kill -9 "$1" 2>/dev/null || true
  else log "pid $1 stopped $(( t / 10 )).$(( t % 10 )) s after SIGTERM"; fi
  wait "$1" 2>/dev/null || true
}

start_switchboard() { # datadir [extra server args...]; sets SB_PID SB_PORT
  local dir=$1; shift
  SB_PORT=$(free_port)
  "$SERVER" --listen "127.0.0.1:$SB_PORT" --data-dir "$dir" --jwt-secret "$SECRET" --fast-password-hashing true \
    --rate-messages-per-minute 0 --rate-joins-per-minute 0 --rate-typing-per-minute 0 --max-connections-per-user 0 \
    --log-level warning "$@" \
    >"$RESULTS/server-$(basename "$dir").log" 2>&1 &
  SB_PID=$!
  PIDS+=("$SB_PID")
  wait_http "http://127.0.0.1:$SB_PORT/readyz" 60 || { log "server did not get ready"; tail -5 "$RESULTS/server-$(basename "$dir").log" >&2; exit 1; }
}

run_bench() { # label part dialect port pid [args...]; part "" or "-churn" (same label, own files)
  local label=$1 part=$2 dialect=$3 port=$4 pid=$5; shift 5
  log "running $label$part"
  # Provisioning and earlier runs leave dirty pages; written back by the kernel
  # 30 s later they slowed the first step's fsyncs (commits of 40-100 ms).
  sync
  if ! "$BENCH" --url "ws://127.0.0.1:$port" --dialect "$dialect" --server-pid "$pid" --plan "$PLAN" --label "$label" \
      --workers "$WORKERS" "${SIZES[@]}" ${EXTRA[@]+"${EXTRA[@]}"} "$@" --out "$RESULTS/$label$part.json" 2> >(tee "$RESULTS/$label$part.log" >&2); then
    SKIPPED+=("$label$part: switchboard-bench failed (see $label$part.log in the results directory)")
    rm -f "$RESULTS/$label$part.json"
  fi
  # The server's own view (commit times, event-loop lag); the peers have none.
  node -e 'fetch(process.argv[1]).then(r=>r.ok?r.text():"").then(t=>process.stdout.write(t),()=>{})' \
    "http://127.0.0.1:$port/metrics" >"$RESULTS/$label$part.metrics" 2>/dev/null || true
}

# One target: the scenarios in one fresh process, then churn alone in another
# (its "RSS after everyone left vs baseline" needs a heap no earlier scenario has grown).
# start_fn sets T_PORT and T_PID.
run_target() { # label dialect start_fn scenarios
  local label=$1 dialect=$2 start=$3 list=$4
  local main; main=$(minus "$list" churn)
  if [ -n "$main" ]; then
    "$start"; run_bench "$label" "" "$dialect" "$T_PORT" "$T_PID" --scenarios "$main"; stop_pid "$T_PID"
  fi
  if [[ ",$list," == *,churn,* ]]; then
    "$start"; run_bench "$label" -churn "$dialect" "$T_PORT" "$T_PID" --scenarios churn; stop_pid "$T_PID"
  fi
}
start_sb() { start_switchboard "$WORK/sqlite"; T_PORT=$SB_PORT; T_PID=$SB_PID; }
start_peer() { # script name
  T_PORT=$(free_port)
  node "bench/peers/$1" --port "$T_PORT" --jwt-secret "$SECRET" >>"$RESULTS/$2-server.log" 2>&1 &
  T_PID=$!; PIDS+=("$T_PID")
  wait_http "http://127.0.0.1:$T_PORT/healthz" 30
}
start_sio_peer() { start_peer socketio-server.js socketio-peer; }
start_ws_peer() { start_peer ws-server.js ws-peer; }

stop_postgres() {
  if [ -x "$ROOT/scripts/postgres-test.sh" ]; then "$ROOT/scripts/postgres-test.sh" stop "$PGDIR" >/dev/null 2>&1 || true; fi
  PGDIR=""
}

# ---- cluster (opt-in: --targets cluster) --------------------------------------------------
if has_target cluster; then
  CLUSTER_OUT="$ROOT/docs/benchmarks-cluster.md"
  [ "$OUTPUT" = "$ROOT/docs/benchmarks.md" ] || CLUSTER_OUT="${OUTPUT%.md}-cluster.md"
  if [ ! -d "$ROOT/tests/clients/node_modules/ws" ]; then
    log "installing the client libraries (npm) in tests/clients"
    (cd "$ROOT/tests/clients" && npm ci --no-audit --no-fund) >&2
  fi
  log "cluster: 3 nodes on PostgreSQL and redis-server (bench/cluster/cluster-bench.js)"
  CLUSTER_ARGS=(--output "$CLUSTER_OUT" --json "$RESULTS/cluster.json" --invoked-as "scripts/bench.sh $ORIG_ARGS"
    --server-label "$SERVER_ORIG (built $SERVER_BUILT)")
  [ "$QUICK" = 1 ] && CLUSTER_ARGS+=(--quick)
  SWITCHBOARD_SERVER="$SERVER" SWITCHBOARD_BENCH="$BENCH" node bench/cluster/cluster-bench.js "${CLUSTER_ARGS[@]}"
  TARGETS=$(minus "$TARGETS" cluster)
  if [ -z "$TARGETS" ]; then log "cluster report written to $CLUSTER_OUT"; exit 0; fi
fi

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# The commit the run started from: the report may be written (or re-written) later.
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain -- server shared 2>/dev/null | head -1)" ] && COMMIT="$COMMIT (work tree has uncommitted server changes)"
PLAN="$WORK/plan.json"
SKIPPED=()

# ---- Switchboard, SQLite --------------------------------------------------------------
if has_target switchboard || has_target switchboard-socketio || has_target socketio-peer || has_target ws-peer; then
  start_switchboard "$WORK/sqlite"
  log "provisioning users on Switchboard (port $SB_PORT; groups $PROVISION_GROUPS)"
  node bench/provision.mjs --server "http://127.0.0.1:$SB_PORT" --out "$PLAN" --bench-bin "$BENCH" \
    --groups "$PROVISION_GROUPS" "${PROVISION[@]}" 2>&1 | tee "$RESULTS/provision.log" | sed 's/^/  /' >&2
  SIO_OK=0
  node bench/probe-socketio.mjs "http://127.0.0.1:$SB_PORT" && SIO_OK=1 || true
  # A fresh process per run, so each memory figure starts from a clean heap.
  stop_pid "$SB_PID"
  if has_target switchboard; then
    run_target switchboard flatjson start_sb "$SCENARIOS"
  fi
  if has_target switchboard-socketio; then
    if [ "$SIO_OK" = 1 ]; then
      run_target switchboard-socketio socketio start_sb "$SCENARIOS"
    else
      SKIPPED+=("switchboard-socketio: /socket.io/?EIO=4&transport=websocket gave no Engine.IO open packet")
    fi
  fi
fi

# ---- peers ------------------------------------------------------------------------------
# They get the same plan: the tokens are signed with the same secret.
PEER_SCENARIOS=$(minus "$SCENARIOS" ingest) # the peers keep nothing: no ingest
if has_target socketio-peer; then
  run_target socketio-peer socketio start_sio_peer "$PEER_SCENARIOS"
fi
if has_target ws-peer; then
  run_target ws-peer flatjson start_ws_peer "$PEER_SCENARIOS"
fi

# ---- durable ingest on PostgreSQL -----------------------------------------------------------
if has_target postgres && ! has_scenario ingest; then
  SKIPPED+=("postgres: only runs the ingest scenario, which was not selected")
elif has_target postgres; then
  if [ -x "$ROOT/scripts/postgres-test.sh" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    PGINFO=$("$ROOT/scripts/postgres-test.sh" start)
    PGDIR=$(echo "$PGINFO" | sed -n 's/^PGDIR=//p')
    PGURL=$(echo "$PGINFO" | sed -n 's/^SWITCHBOARD_TEST_POSTGRES_URL=//p')
    start_switchboard "$WORK/postgres" --database "$PGURL"
    PLAN_SAVED=$PLAN; PLAN="$WORK/plan-pg.json"
    node bench/provision.mjs --server "http://127.0.0.1:$SB_PORT" --out "$PLAN" --groups ingest 2>&1 | sed 's/^/  /' >&2
    run_bench switchboard-postgres "" flatjson "$SB_PORT" "$SB_PID" --scenarios ingest
    PLAN=$PLAN_SAVED
    stop_pid "$SB_PID"
    stop_postgres
  else
    SKIPPED+=("postgres: PostgreSQL binaries or scripts/postgres-test.sh not found")
  fi
fi

# ---- report ----------------------------------------------------------------------------------
cat >"$RESULTS/meta.json" <<JSON
{"mode":"$MODE","started":"$STARTED","finished":"$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "command":$(node -e 'console.log(JSON.stringify(process.argv[1]))' "${SWITCHBOARD_SERVER:+SWITCHBOARD_SERVER=$SWITCHBOARD_SERVER }scripts/bench.sh $ORIG_ARGS"),
 "loadavg_before":"$LOAD_BEFORE","loadavg_after":"$(cut -d' ' -f1-3 /proc/loadavg)",
 "commit":"$COMMIT","server_binary":"$SERVER_ORIG","server_built":"$SERVER_BUILT","server_epoll":$SERVER_EPOLL,"user_pool":$USER_POOL,"workers":$WORKERS,
 "scenarios":"$SCENARIOS","provision":$(node -e 'console.log(JSON.stringify(process.argv.slice(1).join(" ")))' -- --groups "$PROVISION_GROUPS" "${PROVISION[@]}"),
 "skipped":$(node -e 'console.log(JSON.stringify(process.argv.slice(1).filter(Boolean)))' "${SKIPPED[@]:-}")}
JSON
mkdir -p "$(dirname "$OUTPUT")"
node bench/report.mjs "$RESULTS" "$OUTPUT"
log "results in $RESULTS; report written to $OUTPUT"
