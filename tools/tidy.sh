#!/usr/bin/env bash
# Runs clang-tidy with the checked-in .clang-tidy on every source file of core/ and ui/ (what CI
# runs after the release build) and fails on any finding. Needs a configured build directory for
# compile_commands.json. Usage: tools/tidy.sh [build-dir]   (default: build/release)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/release}"
if [[ ! -f "$build/compile_commands.json" ]]; then
  echo "attnscope: $build/compile_commands.json is missing; configure the build first" >&2
  exit 1
fi
cd "$root"
# .clang-tidy makes every finding an error (WarningsAsErrors), so run-clang-tidy fails on one.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# The compile database is GCC's: clang does not know every GCC warning flag in it (such as
# -Wno-maybe-uninitialized), which -Werror builds would turn into errors of their own.
run-clang-tidy -quiet -p "$build" -j "$(nproc)" -extra-arg=-Wno-unknown-warning-option \
  "^$root/(core|ui)/" >"$log" 2>&1 || status=$?
# clang-tidy prints how many warnings it suppressed in system headers for every file: noise.
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^clang-tidy-[0-9]+ ' "$log" || true
if ((status != 0)); then
  echo "attnscope: clang-tidy found problems (see above)" >&2
  exit "$status"
fi
echo "attnscope: clang-tidy found nothing in core/ and ui/"
