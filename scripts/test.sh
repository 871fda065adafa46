#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: QtTest suites, the store
# suite against SQLite and a throwaway PostgreSQL, and the integration tests
# with the official npm clients against the real server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
(cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)

eval "$(scripts/postgres-test.sh start)"
export SWITCHBOARD_TEST_POSTGRES_URL
trap 'scripts/postgres-test.sh stop "$PGDIR"' EXIT

export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j2 --timeout 900 "$@"
