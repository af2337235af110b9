#!/usr/bin/env bash
# Set up (packages, configure, build) and open attnscope on its built-in model and first example.
# Extra arguments go to the app (e.g. --fresh to ignore the last session's settings).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" release
exec "$root/build/release/app/attnscope" "$@"
