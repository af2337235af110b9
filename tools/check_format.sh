#!/usr/bin/env bash
# Fails when a C++ file does not follow the checked-in .clang-format (what CI runs first).
# Usage: tools/check_format.sh [--fix]   (--fix rewrites the files in place instead)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# Tracked and new (not ignored) files that exist: a deleted file is not checked.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.h' |
                     sort -u | while read -r f; do [[ -f "$f" ]] && echo "$f"; done)
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}"; then
  echo "attnscope: these files do not follow .clang-format; run tools/check_format.sh --fix" >&2
  exit 1
fi
echo "attnscope: ${#files[@]} files follow .clang-format"
