#!/usr/bin/env bash
# Sets up, then runs the whole test suite (unit, audio, pipeline and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED_BUILD_CONFIG=debug bash scripts/setup.sh
swift test "$@"
