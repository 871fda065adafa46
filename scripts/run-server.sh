#!/usr/bin/env bash
# Sets everything up and runs the server on its embedded default (SQLite in ./data).
# Extra arguments go to switchboard-server, e.g. --listen 0.0.0.0:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/bin/switchboard-server --data-dir "${SWITCHBOARD_DATA_DIR:-$PWD/data}" "$@"
