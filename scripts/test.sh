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
# The dialect suites on a three-node cluster (ctest label cluster-mode,
# docs/cluster.md "Every dialect suite on a cluster") are not all green yet
# (rest/rest, REST read-after-write across nodes, fails at times): left out unless
# SWITCHBOARD_TEST_CLUSTER_MODE=1; `ctest -L cluster-mode` runs them.
exclude=()
[ "${SWITCHBOARD_TEST_CLUSTER_MODE:-0}" = 1 ] || exclude=(-LE cluster-mode)
ctest --test-dir build --output-on-failure -j2 --timeout 900 "${exclude[@]}" "$@"

# libFuzzer on every parser and codec, FUZZ_SECONDS (60) each (docs/fuzzing.md).
[ "${SWITCHBOARD_SKIP_FUZZ:-0}" = 1 ] || scripts/fuzz.sh

# The client suites again, against an AddressSanitizer + UBSan server.
# SWITCHBOARD_SKIP_ASAN=1 leaves it out (a quick local run).
[ "${SWITCHBOARD_SKIP_ASAN:-0}" = 1 ] || scripts/test-asan.sh
