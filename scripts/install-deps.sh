#!/usr/bin/env bash
# Installs the Debian 12 packages factorysim builds with, if they are missing.
# Idempotent: installs nothing when everything is present. Needs root or sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build
  libboost-graph-dev libfmt-dev libspdlog-dev nlohmann-json3-dev catch2 libcli11-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all build dependencies are present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
