#!/usr/bin/env bash
# The README's test command: installs what is missing, builds edgecache and
# runs every unit and integration test (real gcc, cmake, ninja and nginx).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${EDGECACHE_BUILD_DIR:-$repo/build}

EDGECACHE_BUILD_DIR=$build bash "$repo/scripts/build.sh" "$@"
cd "$build"
ctest -j 2 --output-on-failure --timeout 600
