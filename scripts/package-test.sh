#!/usr/bin/env bash
# The CI install test of the Debian packages (docs/operations.md): builds both
# .debs, lints them, installs them, checks the files the unit expects and the
# unit itself, runs the installed server as the switchboard user the way the
# unit does, talks to it (REST + WebSocket), backs it up, stops it, purges
# both packages and checks that only what Debian policy keeps is left.
# Runs as root on a machine without switchboard installed; cleans up on any exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-build}
PORT=${SWITCHBOARD_PACKAGE_TEST_PORT:-18765}
TLS_PORT=$((PORT + 1))

[ "$(id -u)" -eq 0 ] || { echo "package-test: needs root (dpkg -i)" >&2; exit 1; }
for p in switchboard-server switchboard-admin; do
  if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
    echo "package-test: $p is already on this machine; not touching it" >&2
    exit 1
  fi
done
user_existed=0
getent passwd switchboard >/dev/null && user_existed=1
WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
  local rc=$?
  set +e
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  dpkg --purge switchboard-server switchboard-admin >/dev/null 2>&1
  # The package keeps its system user on purge (policy); the test does not.
  if [ "$user_existed" = 0 ] && getent passwd switchboard >/dev/null; then
    deluser --quiet --system switchboard >/dev/null 2>&1
    getent group switchboard >/dev/null && delgroup --quiet --system switchboard >/dev/null 2>&1
  fi
  rm -rf "$WORK"
  [ "$rc" = 0 ] && echo "package-test: OK" || echo "package-test: FAILED ($rc)" >&2
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "package-test: $*" >&2; exit 1; }

echo "== build the packages"
cmake --build "$BUILD" --target switchboard-server switchboard-admin man-pages deb-changelog >/dev/null
(cd "$BUILD" && cpack -G DEB -B "$WORK/debs" >/dev/null)
SERVER_DEB=$(ls "$WORK"/debs/switchboard-server_*.deb)
ADMIN_DEB=$(ls "$WORK"/debs/switchboard-admin_*.deb)
ls -l "$SERVER_DEB" "$ADMIN_DEB"

echo "== lintian (fails on errors, prints warnings)"
lintian --fail-on error --display-level '>=warning' "$SERVER_DEB" "$ADMIN_DEB"

echo "== install"
if ! dpkg -i "$SERVER_DEB" "$ADMIN_DEB"; then
  DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq
fi
dpkg-query -W -f='${Status}\n' switchboard-server switchboard-admin | grep -c 'install ok installed' | grep -qx 2 \
  || fail "packages not installed"

echo "== files where the unit expects them"
UNIT=/usr/lib/systemd/system/switchboard.service
for f in /usr/bin/switchboard-server /usr/bin/switchboard-admin "$UNIT" /etc/switchboard/switchboard.conf \
         /usr/share/man/man8/switchboard-server.8.gz /usr/share/man/man1/switchboard-admin.1.gz \
         /usr/share/applications/switchboard-admin.desktop \
         /usr/share/icons/hicolor/scalable/apps/switchboard-admin.svg \
         /usr/share/doc/switchboard-server/copyright /usr/share/doc/switchboard-admin/copyright; do
  [ -e "$f" ] || fail "missing $f"
done
dpkg-query -W -f='${Conffiles}\n' switchboard-server | grep -q '/etc/switchboard/switchboard.conf' \
  || fail "switchboard.conf is not a conffile"
getent passwd switchboard >/dev/null || fail "no switchboard user"
[ "$(stat -c '%U:%G %a' /var/lib/switchboard)" = "switchboard:switchboard 750" ] \
  || fail "/var/lib/switchboard is $(stat -c '%U:%G %a' /var/lib/switchboard)"
[ "$(stat -c '%U:%G %a' /etc/switchboard/switchboard.conf)" = "root:switchboard 640" ] \
  || fail "switchboard.conf is $(stat -c '%U:%G %a' /etc/switchboard/switchboard.conf)"
grep -q '^Icon=switchboard-admin$' /usr/share/applications/switchboard-admin.desktop || fail "desktop entry icon"
QT_QPA_PLATFORM=offscreen switchboard-admin --help | grep -q -- '--url' || fail "switchboard-admin --help"

echo "== systemd-analyze"
systemd-analyze verify "$UNIT"
SECURITY=$(systemd-analyze security --offline=true "$UNIT" | tail -n 1)
echo "$SECURITY"
echo "$SECURITY" | grep -Eq 'exposure level for switchboard.service: [0-9.]+ (PERFECT|SAFE|OK)' \
  || fail "exposure worse than OK"

echo "== run the installed server as the unit does"
# ExecStartPre and ExecStart as written in the unit, as its user; only the
# port differs (8000 may be taken on a CI machine). setpriv execs in place,
# so $! is the server itself.
PRE=$(sed -n 's/^ExecStartPre=//p' "$UNIT")
START=$(sed -n 's/^ExecStart=//p' "$UNIT")
AS_USER=(setpriv --reuid=switchboard --regid=switchboard --init-groups --)
(cd /var/lib/switchboard && "${AS_USER[@]}" $PRE) | grep -qx 'configuration OK' || fail "ExecStartPre"
# A throwaway certificate in the state directory (purge removes it), readable by the service user.
TLS_DIR=/var/lib/switchboard/tls
install -d -o switchboard -g switchboard -m 0750 "$TLS_DIR"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 1 \
  -keyout "$TLS_DIR/key.pem" -out "$TLS_DIR/cert.pem" 2>/dev/null
chown switchboard:switchboard "$TLS_DIR/key.pem" "$TLS_DIR/cert.pem"
(cd /var/lib/switchboard && exec "${AS_USER[@]}" $START --listen "127.0.0.1:$PORT" \
  --tls-listen "127.0.0.1:$TLS_PORT" --tls-cert "$TLS_DIR/cert.pem" --tls-key "$TLS_DIR/key.pem" 2>"$WORK/server.log") &
SERVER_PID=$!
# The same client over plain HTTP/ws and over https/wss (NODE_EXTRA_CA_CERTS trusts the throwaway certificate).
run_client() { # BASE WS_BASE USERNAME
NODE_EXTRA_CA_CERTS="$TLS_DIR/cert.pem" NODE_PATH="$ROOT/tests/clients/node_modules" BASE="$1" WS_BASE="$2" \
  USERNAME="$3" SERVER_PID="$SERVER_PID" node - <<'JS' || { cat "$WORK/server.log" >&2; fail "client $1"; }
const WebSocket = require('ws');
const base = process.env.BASE;
(async () => {
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/readyz`)).status === 200) break; } catch (_) {}
    process.kill(Number(process.env.SERVER_PID), 0); // throws once the server has exited
    if (i > 300) throw new Error('not ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const reg = await fetch(`${base}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: process.env.USERNAME, password: 'password123', email: `${process.env.USERNAME}@example.test` }) });
  if (reg.status !== 201) throw new Error(`register: ${reg.status}`);
  const { access_token: token } = await reg.json();
  const chans = await (await fetch(`${base}/api/v1/channels`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const general = chans.channels.find((c) => c.name === 'general');
  const ws = new WebSocket(`${process.env.WS_BASE}/ws?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d);
      if (m.type === 'connection_established') ws.send(JSON.stringify({ type: 'send_message', channel_id: general.id, content: 'installed' }));
      if (m.type === 'message_sent') resolve();
      if (m.type === 'error') reject(new Error(JSON.stringify(m)));
    });
    ws.on('error', reject);
  });
  ws.close();
  console.log(`client: registered, sent a message over ${process.env.WS_BASE}/ws`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
}
run_client "http://127.0.0.1:$PORT" "ws://127.0.0.1:$PORT" packagetest
run_client "https://127.0.0.1:$TLS_PORT" "wss://127.0.0.1:$TLS_PORT" packagetesttls
[ -f /var/lib/switchboard/switchboard.db ] || fail "no database in /var/lib/switchboard"

echo "== backup while it runs"
(cd /var/lib/switchboard && "${AS_USER[@]}" /usr/bin/switchboard-server backup /var/lib/switchboard/package-test-backup.db \
  --config /etc/switchboard/switchboard.conf)
[ "$(sqlite3 /var/lib/switchboard/package-test-backup.db 'PRAGMA integrity_check')" = ok ] || fail "backup integrity"
[ "$(sqlite3 /var/lib/switchboard/package-test-backup.db "SELECT count(*) FROM messages WHERE content = 'installed'")" = 2 ] \
  || fail "backup lacks the message"

echo "== stop"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || fail "server exited with $?"
SERVER_PID=""

echo "== purge"
dpkg --purge switchboard-server switchboard-admin
left=()
for f in /usr/bin/switchboard-server /usr/bin/switchboard-admin "$UNIT" /etc/switchboard /var/lib/switchboard \
         /usr/share/doc/switchboard-server /usr/share/doc/switchboard-admin \
         /usr/share/icons/hicolor/scalable/apps/switchboard-admin.svg; do
  [ -e "$f" ] && left+=("$f")
done
[ "${#left[@]}" = 0 ] || fail "left after purge: ${left[*]}"
# What policy keeps: the system user and group (their ids may own files elsewhere).
echo "kept after purge (expected): user $(getent passwd switchboard | cut -d: -f1,3), group $(getent group switchboard | cut -d: -f1,3)"
getent passwd switchboard >/dev/null || fail "the switchboard user should stay after purge"
