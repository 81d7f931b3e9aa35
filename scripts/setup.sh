#!/usr/bin/env bash
# Installs exactly the Debian 12 packages app-server needs to build and test. Idempotent, non-interactive.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-filesystem1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libspdlog-dev libfmt-dev catch2
  libvalijson-dev libtomlplusplus-dev nettle-dev libssl-dev ca-certificates openssl python3 tmux
  libsqlite3-dev libsqlitecpp-dev  # the thread index
  libdtl-dev  # line diffs of fileChange items (header-only)
  bubblewrap  # the sandbox of the agent's commands (server/sandbox/)
  clang libclang-rt-14-dev procps  # libFuzzer targets (scripts/fuzz); pkill in tests
)
# Hooks in node are part of the e2e suite; any node will do (the image may ship its own).
command -v node > /dev/null || PKGS+=(nodejs)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
