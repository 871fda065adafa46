#!/usr/bin/env bash
# Checks the server's layers (docs/design.md, "Layers") and exits non-zero,
# naming file and line, on any breach:
#
#   a) no source under the guarded folders (server/dialects, server/http,
#      server/transport, server/admin) includes a storage or auth header, by
#      "storage/..." / "auth/..." path or by the bare name of a header in
#      server/storage or server/auth, or names one of their types (Store,
#      StoreStatus, JwtCodec, ...), outside comments and strings;
#   b) no CMake file under those folders links the storage or auth library
#      (or points at their folders);
#   c) the build enforces it: with the release build's own compile flags for
#      every guarded target, a file that includes "storage/Store.h" or an auth
#      header does NOT compile, and with those of the flat JSON dialect
#      (FlatJsonSession.cpp) one that includes "core/ChatService.h" does;
#   d) no file in server/core is longer than MAX_CORE_LINES (420) lines;
#   e) every header of the project (server/, shared/, admin-gui/, bench/) declares
#      its types inside `namespace switchboard`.
#
# Header, type and library names are read from server/storage and server/auth,
# not listed here. The compile flags come from build/compile_commands.json when
# it is there and newer than every CMakeLists.txt; otherwise the release preset
# is configured into a scratch directory (a few seconds, nothing is built).
#
#   scripts/check-layers.sh
#
# Environment: BUILD_DIR (default build), MAX_CORE_LINES (default 420).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

BUILD_DIR=${BUILD_DIR:-build}
MAX_CORE_LINES=${MAX_CORE_LINES:-420}
GUARDED=(server/dialects server/http server/transport server/admin)
PRIVATE=(server/storage server/auth)

failures=0
fail() { echo "check-layers: $*" >&2; failures=$((failures + 1)); }
note() { echo "check-layers: $*"; }

# ---- what is private to the core, read from its folders ----------------------------
headers=()  # Store.h, JwtCodec.h, ...
types=()    # Store, StoreStatus, JwtCodec, ... (class/struct defined at top level)
libs=()     # sb_storage, sb_auth
for dir in "${PRIVATE[@]}"; do
    for h in "$dir"/*.h; do
        headers+=("$(basename "$h")")
        while read -r t; do types+=("$t"); done < <(sed -nE 's/^(class|struct)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)([^;]*)$/\2/p' "$h")
    done
    while read -r l; do libs+=("$l"); done < <(sed -nE 's/^[[:space:]]*(qt_)?add_library\([[:space:]]*([A-Za-z0-9_]+).*/\2/p' "$dir/CMakeLists.txt")
done
if [ "${#headers[@]}" -eq 0 ] || [ "${#types[@]}" -eq 0 ] || [ "${#libs[@]}" -eq 0 ]; then
    echo "check-layers: could not read the headers, types and libraries of ${PRIVATE[*]}" >&2
    exit 2
fi
types_re=$(IFS='|'; echo "${types[*]}")
libs_re=$(IFS='|'; echo "${libs[*]}")

mapfile -t sources < <(find "${GUARDED[@]}" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' -o -name '*.cc' \) | sort)

# ---- a) includes and types ---------------------------------------------------------
# Every #include "x" / <x> of a guarded source: file:line:path.
while IFS=: read -r file line path; do
    base=${path##*/}
    why=""
    case "/$path" in
        */storage/*) why="a storage header" ;;
        */auth/*) why="an auth header" ;;
    esac
    if [ -z "$why" ]; then
        for h in "${headers[@]}"; do
            [ "$base" = "$h" ] && why="the name of a header in ${PRIVATE[*]}"
        done
    fi
    [ -n "$why" ] && fail "$file:$line: includes \"$path\" ($why): storage and auth are private to the core, use core/ChatService.h"
done < <(awk '/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]/ {
            p = $0; sub(/^[^"<]*["<]/, "", p); sub(/[">].*$/, "", p); print FILENAME ":" FNR ":" p }' "${sources[@]}")

# The same sources without comments, string and character literals, so that
# only code is searched for the private types.
strip_code() {
    awk -v q="'" -v dq='"' '
        FNR == 1 { block = 0 }
        {
            s = $0; out = ""; i = 1; n = length(s)
            while (i <= n) {
                c = substr(s, i, 1); c2 = substr(s, i, 2)
                if (block) { if (c2 == "*/") { block = 0; i += 2 } else i++; continue }
                if (c2 == "/*") { block = 1; i += 2; continue }
                if (c2 == "//") break
                if (c == dq || c == q) {
                    i++
                    while (i <= n) { d = substr(s, i, 1); if (d == "\\") { i += 2; continue } if (d == c) break; i++ }
                    out = out c c; i++; continue
                }
                out = out c; i++
            }
            print FILENAME ":" FNR ":" out
        }' "$@"
}
while IFS= read -r hit; do
    file=${hit%%:*}; rest=${hit#*:}; line=${rest%%:*}; code=${rest#*:}
    [[ "$code" =~ ^[[:space:]]*#[[:space:]]*include ]] && continue # judged above
    word=$(grep -oE "\\b($types_re)\\b" <<<"$code" | head -1) || continue
    fail "$file:$line: names $word, a type of ${PRIVATE[*]}: the core's facade (core/ChatService.h) is the way in"
done < <(strip_code "${sources[@]}" | grep -E ":.*\\b($types_re)\\b" || true)

# ---- b) CMake ------------------------------------------------------------------------
while IFS= read -r cm; do
    while IFS=: read -r line text; do
        text=${text%%#*}
        if grep -qE "\\b($libs_re)\\b" <<<"$text"; then
            fail "$cm:$line: links $(grep -oE "\\b($libs_re)\\b" <<<"$text" | head -1): only the core links storage and auth"
        elif grep -qE "/(storage|auth)([/\"[:space:])}]|$)" <<<"$text"; then
            fail "$cm:$line: points at a storage or auth folder: only the core sees storage and auth"
        fi
    done < <(grep -n '' "$cm")
done < <(find "${GUARDED[@]}" -type f \( -name CMakeLists.txt -o -name '*.cmake' \) | sort)

# ---- c) the build enforces it --------------------------------------------------------
scratch=""
cleanup() { [ -z "$scratch" ] || rm -rf "$scratch"; }
trap cleanup EXIT
db="$BUILD_DIR/compile_commands.json"
newer=""
[ -f "$db" ] && newer=$(find . \( -path './build*' -o -path '*/node_modules' \) -prune -o \
    \( -name CMakeLists.txt -o -name CMakePresets.json -o -name '*.cmake' \) -newer "$db" -print -quit)
if [ ! -f "$db" ] || [ -n "$newer" ]; then
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/check-layers.XXXXXX")
    if ! cmake --preset release -B "$scratch/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$scratch/configure.log" 2>&1; then
        cat "$scratch/configure.log" >&2
        echo "check-layers: configuring the release preset into $scratch/build failed" >&2
        exit 2
    fi
    db="$scratch/build/compile_commands.json"
fi
probe_dir=$(mktemp -d "${TMPDIR:-/tmp}/check-layers-probe.XXXXXX")
trap 'cleanup; rm -rf "$probe_dir"' EXIT

# One line per compile command: directory<TAB>file<TAB>target<TAB>command (JSON unescaped).
entries=$(awk '
    function val(s) { sub(/^[^:]*:[[:space:]]*"/, "", s); sub(/",?[[:space:]]*$/, "", s); return s }
    /^[[:space:]]*"directory":/ { dir = val($0) }
    /^[[:space:]]*"command":/   { cmd = val($0) }
    /^[[:space:]]*"file":/      { file = val($0) }
    /^[[:space:]]*"output":/    { out = val($0) }
    /^[[:space:]]*}/ {
        t = (out != "" ? out : cmd); if (match(t, /CMakeFiles\/[^\/]*\.dir\//)) t = substr(t, RSTART + 11, RLENGTH - 16); else t = "?"
        if (file != "") print dir "\t" file "\t" t "\t" cmd
        dir = cmd = file = out = ""
    }' "$db" | sed 's/\\\\/\x01/g; s/\\"/"/g; s/\x01/\\/g')

# Compiles $1 (a probe file) with the flags of one compile command (-fsyntax-only).
# Sets probe_log; returns the compiler's status.
probe() {
    local src=$1 dir=$2 cmd=$3 args=() out=() skip=0 a
    mapfile -d '' args < <(printf '%s' "$cmd" | xargs printf '%s\0')
    while [ "${#args[@]}" -gt 0 ] && [[ "$(basename "${args[0]}")" =~ ^s?ccache$ ]]; do args=("${args[@]:1}"); done
    for a in "${args[@]:1}"; do
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$a" in
            -o | -c | -MF | -MT | -MQ) skip=1 ;;
            -MD | -MMD) ;;
            *) out+=("$a") ;;
        esac
    done
    probe_log=$( (cd "$dir" && "${args[0]}" "${out[@]}" -fsyntax-only -x c++ "$src") 2>&1) && return 0 || return 1
}

printf '#include "storage/Store.h"\n' >"$probe_dir/storage_probe.cpp"
auth_headers=(server/auth/*.h)
printf '#include "auth/%s"\n' "${auth_headers[0]##*/}" >"$probe_dir/auth_probe.cpp"
printf '#include "core/ChatService.h"\nint main() { return 0; }\n' >"$probe_dir/core_probe.cpp"

seen=" "
probed=0
before=$failures
while IFS=$'\t' read -r dir file target cmd; do
    rel=${file#"$ROOT"/}
    inside=0
    for g in "${GUARDED[@]}"; do [[ "$rel" == "$g"/* ]] && inside=1; done
    [ "$inside" = 1 ] || continue
    [[ "$seen" == *" $target "* ]] && continue
    seen+="$target "
    probed=$((probed + 1))
    for p in storage auth; do
        want=$(head -1 "$probe_dir/${p}_probe.cpp" | sed 's/.*"\(.*\)"/\1/')
        if probe "$probe_dir/${p}_probe.cpp" "$dir" "$cmd"; then
            fail "$rel: with the flags of $target, #include \"$want\" compiles: the $p include root leaks into it (link it PRIVATE to sb_core only)"
        elif ! grep -qF -e "$want: No such file" -e "'$want' file not found" <<<"$probe_log"; then
            head -5 <<<"$probe_log" >&2
            fail "$rel: with the flags of $target, #include \"$want\" fails, but not with \"No such file\" for that header (compiler above): its include root leaks in, or the flags are unusable"
        fi
    done
done <<<"$entries"
[ "$probed" -gt 0 ] || fail "no compile command for a source under ${GUARDED[*]} in $db"
[ "$failures" -gt "$before" ] || note "build: none of the $probed targets under ${GUARDED[*]} can include storage/ or auth/ headers"

flat=$(awk -F'\t' '$2 ~ /(^|\/)server\/dialects\/flatjson\/FlatJsonSession\.cpp$/ { print; exit }' <<<"$entries")
if [ -z "$flat" ]; then
    fail "no compile command for server/dialects/flatjson/FlatJsonSession.cpp in $db"
else
    IFS=$'\t' read -r dir file target cmd <<<"$flat"
    if probe "$probe_dir/core_probe.cpp" "$dir" "$cmd"; then
        note "build: with the flags of $target, #include \"core/ChatService.h\" compiles"
    else
        echo "$probe_log" >&2
        fail "server/dialects/flatjson/FlatJsonSession.cpp: with the flags of $target, #include \"core/ChatService.h\" does not compile (see above)"
    fi
fi

# ---- d) the size of the core's files -------------------------------------------------
longest="" longest_n=0
while IFS= read -r f; do
    n=$(awk 'END { print NR }' "$f")
    [ "$n" -gt "$longest_n" ] && { longest=$f; longest_n=$n; }
    [ "$n" -le "$MAX_CORE_LINES" ] || fail "$f:$n: $n lines, over the $MAX_CORE_LINES the core's files may have: split it"
done < <(find server/core -type f | sort)
note "core: longest file $longest ($longest_n lines, limit $MAX_CORE_LINES)"

# ---- e) the namespace ----------------------------------------------------------------
nsfiles=0
while IFS= read -r f; do
    nsfiles=$((nsfiles + 1))
    grep -q '^namespace switchboard {' "$f" || fail "$f: declares nothing inside namespace switchboard"
done < <(find server shared admin-gui bench -type f -name '*.h' -not -path '*/node_modules/*' | sort)
note "namespace: $nsfiles headers checked"

if [ "$failures" -gt 0 ]; then
    echo "check-layers: FAILED ($failures problems)" >&2
    exit 1
fi
note "OK (${#sources[@]} sources under ${GUARDED[*]}; private: ${headers[*]})"
