#!/usr/bin/env bash
# ThreadSanitizer over the code that crosses threads: the engine (oneTBB blocks, cancellation),
# the worker threads, the job runner, the document and the window (a burst of requests, stale
# results dropped, cancellation). Builds only those tests, in build/tsan. Usage: tools/tsan.sh
#
# TSan sees a happens-before edge only in code it instrumented. Debian's libtbb is not, and
# oneTBB's task objects live in its headers, so against it every hand-off of the scheduler is
# reported, and the suppressions that would quiet them would also hide the engine's own races.
# So this builds the same oneTBB release from Debian's source archive with -fsanitize=thread
# (about 20 s on 2 cores, kept in build/tsan-deps) and builds the TSan tests against it. Qt's
# hand-offs are avoided instead (WorkerThread); tests/sanitizers/tsan.supp says what remains.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The upstream release of Debian 12's libtbb-dev, and its tarball's SHA-256 from Debian's Sources
# index. A Debian update to another upstream release stops here with the line to change.
tbb_release=2021.8.0
tbb_sha256=7e9111b8bb59c8800bf6d0b06afe7b0891937443d2dae1ee1101c8e2ede6a7ef
installed="$(dpkg-query -W -f='${Version}' libtbb-dev 2>/dev/null || true)"
if [[ "${installed%%-*}" != "$tbb_release" ]]; then
  echo "tools/tsan.sh: libtbb-dev is '${installed:-not installed}', this script builds oneTBB" \
       "$tbb_release; update tbb_release and tbb_sha256 (Debian's Sources index lists the hash)" >&2
  exit 2
fi

deps="$root/build/tsan-deps"
tbb_prefix="$deps/onetbb-$tbb_release"
if [[ ! -f "$tbb_prefix/lib/cmake/TBB/TBBConfig.cmake" ]]; then
  mkdir -p "$deps"
  tarball="$deps/onetbb_$tbb_release.orig.tar.xz"
  if [[ ! -f "$tarball" ]]; then
    curl -sSf -o "$tarball.part" \
      "http://deb.debian.org/debian/pool/main/o/onetbb/onetbb_$tbb_release.orig.tar.xz"
    mv "$tarball.part" "$tarball"
  fi
  echo "$tbb_sha256  $tarball" | sha256sum --check --quiet
  rm -rf "$deps/oneTBB-$tbb_release" "$deps/onetbb-build"
  tar -xf "$tarball" -C "$deps"
  cmake -S "$deps/oneTBB-$tbb_release" -B "$deps/onetbb-build" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTBB_SANITIZE=thread -DTBB_TEST=OFF \
    -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF -DCMAKE_INSTALL_PREFIX="$tbb_prefix" > /dev/null
  cmake --build "$deps/onetbb-build" -j "$(nproc)" > /dev/null
  cmake --install "$deps/onetbb-build" > /dev/null
fi

tests=(test_gemm test_linear test_scaleddotproduct test_multiheadattention test_session
       test_workerthread test_jobrunner test_document test_mainwindow)
extra=(-DTBB_DIR="$tbb_prefix/lib/cmake/TBB")
if [[ "${ATTNSCOPE_WERROR:-OFF}" == "ON" ]]; then
  extra+=(-DATTNSCOPE_WERROR=ON)
fi
cmake --preset tsan "${extra[@]}" > /dev/null
cmake --build build/tsan -j "$(nproc)" --target "${tests[@]}"
# Every test must run on the instrumented oneTBB, or TSan is blind again.
for test in "${tests[@]}"; do
  binary="$(find build/tsan/tests -name "$test" -type f -executable | head -n1)"
  if ! ldd "$binary" | grep -q "$tbb_prefix/lib/libtbb"; then
    echo "tools/tsan.sh: $binary does not load $tbb_prefix/lib/libtbb.so" >&2
    exit 1
  fi
done
regex="^($(IFS='|'; echo "${tests[*]}"))\$"
QT_QPA_PLATFORM=offscreen ctest --preset tsan -R "$regex" -j "$(nproc)"
