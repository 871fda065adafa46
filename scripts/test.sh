#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: QtTest suites, the store
# suite against SQLite and a throwaway PostgreSQL, and the integration tests
# with the official npm clients against the real server; then those client
# tests once more against an ASan/UBSan build (scripts/test-asan.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The layers (storage and auth private to the core, the core's file sizes):
# a few seconds, so a breach fails before the long build.
scripts/check-layers.sh
# House style: the sources as .clang-format (clang-format 14) writes them.
scripts/check-format.sh
scripts/build.sh
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
# The .debs: lint, install, run as the unit does, purge (root; SWITCHBOARD_SKIP_PACKAGE=1 skips).
[ "${SWITCHBOARD_SKIP_PACKAGE:-0}" = 1 ] || scripts/package-test.sh

eval "$(scripts/postgres-test.sh start)"
export SWITCHBOARD_TEST_POSTGRES_URL
trap 'scripts/postgres-test.sh stop "$PGDIR"' EXIT

export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j2 --timeout 900 -LE cluster-mode "$@"

# Every dialect suite again on a three-node cluster (ctest label cluster-mode):
# the clients of each test spread over the nodes directly, then through HAProxy
# with the shipped packaging/haproxy/haproxy.cfg (label haproxy); see
# docs/cluster.md "Every dialect suite on a cluster". The files run one at a
# time (resource lock "cluster"), each within lib/cluster-run.js's 400 s test
# budget and 480 s deadline; the whole set within SWITCHBOARD_CLUSTER_MODE_BUDGET
# seconds (1800 unless set), else it fails. SWITCHBOARD_TEST_CLUSTER_MODE=0
# leaves it out (a quick local run).
if [ "${SWITCHBOARD_TEST_CLUSTER_MODE:-1}" = 1 ]; then
    timeout --kill-after=30 "${SWITCHBOARD_CLUSTER_MODE_BUDGET:-1800}" \
        ctest --test-dir build --output-on-failure -j2 --timeout 600 -L cluster-mode "$@" || {
        echo "cluster-mode suites failed (or ran past the budget)" >&2
        exit 1
    }
fi

# libFuzzer on every parser and codec, FUZZ_SECONDS (60) each (docs/fuzzing.md).
[ "${SWITCHBOARD_SKIP_FUZZ:-0}" = 1 ] || scripts/fuzz.sh

# The client suites again, against an AddressSanitizer + UBSan server.
# SWITCHBOARD_SKIP_ASAN=1 leaves it out (a quick local run).
[ "${SWITCHBOARD_SKIP_ASAN:-0}" = 1 ] || scripts/test-asan.sh
