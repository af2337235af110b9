#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang and runs each for a while from its seed corpus,
# failing if any of them finds a crash, a sanitizer report, a leak or a timeout.
#
# Usage: tools/fuzz.sh [seconds per target, default 30] [target ...]   (default: every target)
#
# Needs clang-14 and libclang-rt-14-dev (Debian 12); CXX_FUZZ picks another clang++. The build
# goes to build/fuzz (the whole project instrumented, see fuzz/CMakeLists.txt); inputs the
# fuzzer finds go to build/fuzz/corpus/<target>, crashing inputs to build/fuzz/artifacts/. The
# seeds in fuzz/corpus/ are only read.
set -euo pipefail

seconds="${1:-30}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/fuzz"
cxx="${CXX_FUZZ:-clang++-14}"
all_targets=(fuzz_tokenizer_json fuzz_config_json fuzz_safetensors_header fuzz_npy fuzz_coref_jsonl)
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=("${all_targets[@]}")
fi

if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
  exit 2
fi

# -fno-sanitize-recover: undefined behaviour stops the run like a crash instead of a log line.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
flags+=" -fno-omit-frame-pointer -gline-tables-only"
cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$flags" \
  -DATTNSCOPE_BUILD_FUZZERS=ON \
  -DATTNSCOPE_BUILD_TESTS=OFF \
  -DATTNSCOPE_WERROR=ON >/dev/null
cmake --build "$build" --target "${targets[@]}" -j "${ATTNSCOPE_JOBS:-$(nproc)}"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for target in "${targets[@]}"; do
  seeds="$root/fuzz/corpus/$target"
  work="$build/corpus/$target"
  mkdir -p "$work" "$build/artifacts"
  dict=()
  case "$target" in
    fuzz_tokenizer_json | fuzz_config_json | fuzz_coref_jsonl) dict=(-dict="$root/fuzz/json.dict") ;;
    fuzz_safetensors_header) dict=(-dict="$root/fuzz/safetensors.dict") ;;
    fuzz_npy) dict=(-dict="$root/fuzz/npy.dict") ;;
  esac
  echo "== $target: ${seconds}s"
  # The first folder receives new inputs; the seeds are read from the second.
  if "$build/fuzz/$target" "${dict[@]}" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=2048 -max_len=16384 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" "$work" "$seeds" 2>"$build/$target.log"; then
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/$target.log" || true
  else
    echo "fuzz.sh: $target failed; log: $build/$target.log" >&2
    grep -E -A30 'ERROR: |runtime error|Test unit written' "$build/$target.log" | head -60 >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: failures in ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
echo "fuzz.sh: no crashes in ${targets[*]}"
