#!/usr/bin/env bash
# Installs what is missing, then configures and builds edgecache into
# ${EDGECACHE_BUILD_DIR:-build}. Extra arguments go to the cmake configure.
# EDGECACHE_BUILD_TARGETS (space-separated) builds only those targets (the
# demo builds the two programs, not the tests).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${EDGECACHE_BUILD_DIR:-$repo/build}

ninja_src=$(bash "$repo/scripts/bootstrap.sh" | tail -n 1)
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DFETCHCONTENT_SOURCE_DIR_NINJA="$ninja_src" "$@" >/dev/null
read -r -a targets <<<"${EDGECACHE_BUILD_TARGETS:-}"
cmake --build "$build" -j 2 ${targets[@]+--target "${targets[@]}"}
