#!/usr/bin/env bash
# Installs what building, running and testing Switchboard needs on Debian 12.
# Idempotent: packages already present are not downloaded again.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-websockets-dev qt6-httpserver-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libqt6sql6-psql libgl-dev
  libsodium-dev libssl-dev libsqlite3-dev
  postgresql
  nodejs npm
  xvfb xauth
  clang-format ccache
  # The edge: fuzzers (libFuzzer, ASan, UBSan) and a real browser for the official clients.
  clang-16 libfuzzer-16-dev libclang-rt-16-dev chromium
  # Running as a service: the .deb packages and their checks.
  dpkg-dev fakeroot lintian help2man
  # sqlite3: the backup tests run PRAGMA integrity_check on the copy.
  sqlite3
  # The cluster (docs/cluster.md): Redis for fan-out and node leases, hiredis to talk to it,
  # HAProxy as the load balancer in front of the nodes; nginx runs the shipped nginx example in a test.
  redis-server libhiredis-dev haproxy nginx
  # PostgreSQL ingest by COPY on the QPSQL connection's libpq handle (server/storage/PostgresCopy).
  libpq-dev
  # jemalloc: the server's allocator, pages back to the system without loop stalls (server/app/JemallocConfig.cpp).
  libjemalloc-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node 20 may come from outside Debian's package (the machine image has one): keep it.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
