#!/usr/bin/env bash
# Set up (packages, configure, build) and run attnscope on its built-in example.
# Until the desktop app lands, this runs the command-line engine on a random example: 8 tokens,
# 4 heads, and prints each head's attention matrix.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/setup.sh" release
cli="$root/build/release/app/attnscope-cli"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$cli" random --seq 8 --embed 32 --heads 4 --seed 1 --weights-out "$out/weights.npy" "$@"
"$cli" show --weights "$out/weights.npy"
