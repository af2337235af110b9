#!/usr/bin/env bash
# Shared set-up for tools/run.sh, tools/test.sh and .ci/run: installs the Debian 12 packages that are
# missing (asking for sudo only when something must be installed), then configures and builds one
# CMake preset. Usage: tools/setup.sh [preset]   (default: release)
set -euo pipefail

preset="${1:-release}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Build tools, the libraries of the stack, Qt's translation tools (lupdate/lrelease) and Qt's own
# Chinese strings, and the fonts the figures use: DejaVu for Latin, WenQuanYi Micro Hei for CJK.
packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-l10n-tools qt6-translations-l10n
  libqcustomplot-dev libeigen3-dev libtbb-dev
  fonts-dejavu-core fonts-wqy-microhei
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "attnscope: installing ${missing[*]}" >&2
  sudo=()
  if ((EUID != 0)); then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

cd "$root"
extra=()
if [[ "${ATTNSCOPE_WERROR:-OFF}" == "ON" ]]; then
  extra+=(-DATTNSCOPE_WERROR=ON)
fi
cmake --preset "$preset" "${extra[@]}"
cmake --build --preset "$preset" -j "$(nproc)"
