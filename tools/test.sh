#!/usr/bin/env bash
# Set up (packages, configure, build) and run the whole test suite.
# Usage: tools/test.sh [preset]   (default: release; also debug, asan, tsan)
set -euo pipefail
preset="${1:-release}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" "$preset"
cd "$root"
QT_QPA_PLATFORM=offscreen ctest --preset "$preset" -j "$(nproc)"
