#!/usr/bin/env bash
# The sanitizer stage: builds switchboard-server with AddressSanitizer and
# UBSan (the asan preset, into build-asan/) and runs the Node client suites
# (tests/clients, the teardown race among them) against it. Fails when a
# suite fails or when any server printed a sanitizer report, even one a test
# did not look for. scripts/test.sh runs it after the main suite; run it alone
# the same way. Extra arguments go to ctest (e.g. -R teardown).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
# ccache where it is installed (a second build-asan/ then takes a minute).
if command -v ccache >/dev/null && [ -z "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
fi
cmake --preset asan >/dev/null
cmake --build --preset asan --target switchboard-server -j"$(nproc)"
[ -d tests/clients/node_modules ] || (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
echo "test-asan: build took $((SECONDS - start)) s"

logs=$(mktemp -d "${TMPDIR:-/tmp}/switchboard-asan.XXXXXX")
export SWITCHBOARD_SERVER_LOG_DIR="$logs"
# Stop at the first report (a use-after-free must not run on); UBSan stops
# too, so a test sees its server die. Leak checking at exit is off for now:
# a WebSocketConnection made by an upgrade that races SIGTERM is left behind
# now and then (HttpServer::handleUpgrade, seen in socketio/seed001), which
# would make CI flaky. SWITCHBOARD_ASAN_LEAKS=1 turns it on.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=${SWITCHBOARD_ASAN_LEAKS:-0}:print_summary=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=0:print_stacktrace=1"
export LSAN_OPTIONS="print_suppressions=0"

status=0
ctest --test-dir build-asan --output-on-failure -j2 --timeout 600 -R '^clients/' "$@" || status=$?

# A report a test did not check (a server stopped by SIGKILL, a suite that
# never calls stop()) still fails the stage.
if grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$logs"/*.log >/dev/null 2>&1; then
  echo "test-asan: sanitizer reports in the servers' stderr:" >&2
  for f in $(grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$logs"/*.log); do
    echo "---- $f" >&2
    grep -n -A30 -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$f" | head -80 >&2
  done
  status=1
fi
rm -rf "$logs"
echo "test-asan: took $((SECONDS - start)) s, status $status"
exit "$status"
