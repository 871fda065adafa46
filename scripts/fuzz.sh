#!/usr/bin/env bash
# Builds the libFuzzer targets (cmake --preset fuzz: clang-16, ASan, UBSan)
# and fuzzes each for FUZZ_SECONDS (default 60: ten targets, so about ten
# minutes in all), starting from a copy of its seed corpus (tests/fuzz/corpus
# is never grown here). Fails on any crash, leak, timeout or UBSan report, and
# prints the executions per target. docs/fuzzing.md explains the rest.
#   scripts/fuzz.sh                 every target
#   scripts/fuzz.sh jwt socketio    just these
#   FUZZ_SECONDS=600 scripts/fuzz.sh websocket_frames
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
ALL_TARGETS=(http_request websocket_frames multipart jwt phoenix_codec phoenix_longpoll
             engineio socketio workspacejson flatjson)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL_TARGETS[@]}"); fi

export CMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"${FUZZ_JOBS:-2}"

# Qt's and libFuzzer's own memory at exit is not a leak; everything else is.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Crash inputs are kept here (outside the repository) for docs/fuzzing.md's "adding a finding".
artifacts="${FUZZ_ARTIFACTS:-build-fuzz/artifacts}"
mkdir -p "$artifacts"

declare -A EXECS STATUS
failed=0
for t in "${TARGETS[@]}"; do
  bin="build-fuzz/bin/fuzz_$t"
  [ -x "$bin" ] || { echo "no such fuzz target: $t" >&2; exit 2; }
  cp -r "tests/fuzz/corpus/$t" "$work/$t"
  log="$work/$t.log"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  set +e
  "$bin" "$work/$t" -dict="tests/fuzz/dict/$t.dict" -max_total_time="$SECONDS_PER_TARGET" \
    -error_exitcode=77 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/$t-" >"$log" 2>&1
  rc=$?
  set -e
  EXECS[$t]="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$rc" -eq 0 ]; then
    STATUS[$t]=ok
  else
    STATUS[$t]="FAILED (exit $rc)"
    failed=1
    # The report and the input that caused it.
    grep -E -A40 'ERROR: |runtime error|fuzz invariant failed' "$log" | head -60 >&2 || tail -40 "$log" >&2
    grep -E 'Test unit written to' "$log" >&2 || true
  fi
done

echo
printf '%-18s %12s  %s\n' target executions result
for t in "${TARGETS[@]}"; do printf '%-18s %12s  %s\n' "$t" "${EXECS[$t]:-?}" "${STATUS[$t]}"; done
exit "$failed"
