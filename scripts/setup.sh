#!/usr/bin/env bash
# Installs the Debian packages seed builds against (when missing; with sudo when not root),
# checks the Swift toolchain, and builds. Called by demo.sh, test.sh, the Makefile and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libsndfile1-dev libmp3lame-dev libmpg123-dev libsoxr-dev libsamplerate0-dev
          libebur128-dev libcurl4-openssl-dev libfftw3-dev libopenblas-dev libcairo2-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    if [ -x "$d/swift" ]; then export PATH="$d:$PATH"; break; fi
  done
fi
command -v swift >/dev/null 2>&1 || { echo "setup: a Swift 6 toolchain is needed (swift.org/install)" >&2; exit 1; }

config="${SEED_BUILD_CONFIG:-release}"
swift build -c "$config" --product seed 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\]' || true
test -x ".build/$config/seed" || { echo "setup: build failed" >&2; exit 1; }
echo "setup: built .build/$config/seed"
