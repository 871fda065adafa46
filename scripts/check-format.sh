#!/usr/bin/env bash
# Checks the C++ sources against the repository's .clang-format without
# changing them: prints every violation and exits non-zero if there is one.
#
#   scripts/check-format.sh              every .cpp/.h under server shared admin-gui tests bench
#   scripts/check-format.sh FILE...      just these files
#
# Build directories (build, build-*) and node_modules are skipped.
# Environment: CLANG_FORMAT (default clang-format; the style needs version 14 or later).
# To fix a file instead: clang-format -i FILE.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
if ! command -v "$CLANG_FORMAT" >/dev/null 2>&1; then
    echo "check-format: $CLANG_FORMAT not found (apt-get install clang-format)" >&2
    exit 2
fi
version=$("$CLANG_FORMAT" --version | sed -n 's/.*version \([0-9][0-9]*\).*/\1/p')
if [ -z "$version" ] || [ "$version" -lt 14 ]; then
    echo "check-format: $CLANG_FORMAT is version ${version:-unknown}; 14 or later is needed" >&2
    exit 2
fi
if [ ! -f .clang-format ]; then
    echo "check-format: no .clang-format in $ROOT" >&2
    exit 2
fi

files=()
if [ $# -gt 0 ]; then
    files=("$@")
else
    dirs=()
    for d in server shared admin-gui tests bench; do
        [ -d "$d" ] && dirs+=("$d")
    done
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(find "${dirs[@]}" \
                 \( -type d \( -name node_modules -o -name build -o -name 'build-*' -o -name '.git' \) -prune \) \
                 -o -type f \( -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)
fi
if [ ${#files[@]} -eq 0 ]; then
    echo "check-format: no C++ sources found" >&2
    exit 2
fi

# --dry-run --Werror: each violation is printed as a warning, and the exit
# status is non-zero if any file would change.
bad=0
failed=()
for f in "${files[@]}"; do
    if ! "$CLANG_FORMAT" --style=file --dry-run --Werror "$f"; then
        bad=$((bad + 1))
        failed+=("$f")
    fi
done

if [ "$bad" -gt 0 ]; then
    echo >&2
    echo "check-format: $bad of ${#files[@]} files are not formatted (clang-format -i FILE fixes one):" >&2
    printf '  %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files formatted"
