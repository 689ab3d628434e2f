#!/usr/bin/env bash
# Sets up, then runs the whole test suite (unit, audio, pipeline and CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
SEED_BUILD_CONFIG=debug bash scripts/setup.sh
# XCTest only: Swift Testing would close the run with a misleading "0 tests" line.
swift test --disable-swift-testing "$@"
