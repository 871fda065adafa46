#!/usr/bin/env bash
# Screenshots of switchboard-admin with live traffic, for docs/admin.md.
#
#   scripts/screenshots.sh [BUILD_DIR]      (default: build)
#
# Starts switchboard-server with an admin token on a free port in a scratch
# data directory, connects chat clients of every dialect that keep talking
# (node with the packages in tests/clients), then runs the console under
# xvfb-run, which saves one PNG per tab into docs/screenshots/ (and the
# German overview as overview-de.png). Everything it starts, it stops.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
SERVER="$BUILD/bin/switchboard-server"
ADMIN="$BUILD/bin/switchboard-admin"
OUT="$ROOT/docs/screenshots"
TOKEN="screenshot-$RANDOM$RANDOM"
WATCH_MS="${WATCH_MS:-20000}"

for tool in "$SERVER" "$ADMIN"; do
    [[ -x "$tool" ]] || { echo "missing $tool: build it first" >&2; exit 2; }
done
command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed (apt-get install xvfb)" >&2; exit 2; }
command -v node >/dev/null || { echo "node is not installed" >&2; exit 2; }
[[ -d "$ROOT/tests/clients/node_modules/ws" ]] || (cd "$ROOT/tests/clients" && npm ci --no-audit --no-fund >/dev/null)

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" --admin-token "$TOKEN" \
    --rate-messages-per-minute 0 --fast-password-hashing true >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

# Chat clients in every dialect, talking for as long as the console watches.
cat >"$WORK/traffic.js" <<'JS'
'use strict';
const WebSocket = require('ws');
const { io } = require('socket.io-client');
const { Socket } = require('phoenix');
const base = `http://127.0.0.1:${process.env.PORT}`;
const wsBase = `ws://127.0.0.1:${process.env.PORT}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function api(method, path, token, body) {
  const r = await fetch(base + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return r.json().catch(() => ({}));
}
const lines = ['Morning all!', 'Deploy is green', 'Who has the release notes?', 'Lunch at 12?', 'PR #42 needs a review',
  'The build is flaky again', 'Ship it', 'Can someone look at the staging logs?', 'Thanks!', 'On my way', '+1', 'Retro at 4'];
(async () => {
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace'];
  const users = [];
  for (const n of names) {
    const r = await api('POST', '/api/v1/auth/register', null, { username: n, password: 'correct horse battery', display_name: n[0].toUpperCase() + n.slice(1) });
    users.push({ name: n, token: r.access_token, id: r.user && r.user.id });
  }
  const ws = (await api('GET', '/api/v1/workspaces', users[0].token)).workspaces.find((w) => w.is_default).id;
  const channels = [(await api('GET', '/api/v1/channels', users[0].token)).channels.find((c) => c.name === 'general')];
  for (const name of ['random', 'dev', 'ops', 'design']) {
    const c = await api('POST', '/api/v1/channels', users[0].token, { name, type: 'public' });
    channels.push(c);
    for (const u of users.slice(1)) await api('POST', `/api/v1/channels/${c.id}/join`, u.token);
  }
  const open = (url) => { const s = new WebSocket(url, { headers: { 'user-agent': 'screenshot-client/1.0 (ws)' } }); s.on('error', () => {}); return s; };
  const flat = [open(`${wsBase}/ws?token=${users[0].token}`), open(`${wsBase}/ws?token=${users[1].token}`)];
  open(`${wsBase}/ws/${ws}?token=${users[2].token}`);
  try { io(base, { auth: { token: users[3].token }, transports: ['websocket'] }); } catch (e) {}
  try { io(`${base}/chat`, { auth: { token: users[4].token }, transports: ['websocket'] }); } catch (e) {}
  try {
    const ph = new Socket(`${wsBase}/socket`, { params: { token: users[5].token }, transport: WebSocket });
    ph.connect();
    for (const c of channels.slice(0, 3)) ph.channel(`channel:${c.id}`, {}).join();
  } catch (e) {}
  try { io(base, { auth: { token: users[6].token }, transports: ['polling'] }); } catch (e) {}
  await sleep(1000);
  for (let i = 0; ; ++i) {
    const ch = channels[(i * 7) % 3 === 0 ? 0 : 1 + (i % (channels.length - 1))];
    const text = lines[i % lines.length];
    const s = flat[i % 2];
    if (i % 3 !== 2 && s.readyState === WebSocket.OPEN) {
      s.send(JSON.stringify({ type: 'typing_indicator', channel_id: ch.id, is_typing: true }));
      s.send(JSON.stringify({ type: 'send_message', channel_id: ch.id, content: text, client_id: `shot-${i}` }));
    } else {
      await api('POST', '/api/v1/messages', users[2 + (i % 5)].token, { channel_id: ch.id, content: text });
    }
    await sleep(120 + ((i * 37) % 200));
  }
})().catch((e) => { console.error(e); process.exit(1); });
JS
PORT="$PORT" NODE_PATH="$ROOT/tests/clients/node_modules" node "$WORK/traffic.js" >"$WORK/traffic.log" 2>&1 &
PIDS+=($!)
sleep 2

mkdir -p "$OUT"
run_console() { # DIR LANG
    LANG="$2" LC_ALL="$2" LANGUAGE="" XDG_CONFIG_HOME="$WORK/config" \
    xvfb-run -a -s "-screen 0 1440x900x24" "$ADMIN" \
        --url "ws://127.0.0.1:$PORT/admin/ws" --token "$TOKEN" --size 1360x860 \
        --screenshots "$1" --screenshot-delay "$WATCH_MS"
}
run_console "$OUT" C.UTF-8
run_console "$WORK/de" de_DE.UTF-8
cp "$WORK/de/overview.png" "$OUT/overview-de.png"
echo "screenshots in $OUT:"
ls -l "$OUT"
