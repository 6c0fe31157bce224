#!/usr/bin/env bash
# The README's main command: builds edgecache, starts a local cache server
# (nginx with WebDAV on 127.0.0.1; a shared directory if nginx cannot start),
# builds the example project as "CI" in one checkout, then as "a teammate" in
# another checkout with an empty local cache, and shows what the cache did.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${EDGECACHE_BUILD_DIR:-$repo/build}
project=${EDGECACHE_DEMO_PROJECT:-$repo/examples/hello}

echo "== Building edgecache and edgecache-ninja (installs missing Debian packages first)"
EDGECACHE_BUILD_DIR=$build EDGECACHE_BUILD_TARGETS="edgecache edgecache-ninja" bash "$repo/scripts/build.sh"
launcher="$build/launcher/edgecache"
wrapper="$build/ninja_wrapper/edgecache-ninja"

work=$(mktemp -d "${TMPDIR:-/tmp}/edgecache-demo.XXXXXX")
server="$work/server"
cleanup() {
  bash "$repo/tests/fixtures/nginx_fixture.sh" stop "$server" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$server"
if bash "$repo/tests/fixtures/nginx_fixture.sh" start "$server" >/dev/null 2>&1; then
  remote="http://127.0.0.1:$(cat "$server/port")/edgecache"
  echo "== Cache server: nginx WebDAV at $remote"
else
  remote="file://$work/shared-cache"
  echo "== nginx could not start; the shared cache is the directory $remote"
fi

export XDG_CONFIG_HOME="$work/config"
unset EDGECACHE_DISABLE EDGECACHE_NO_REMOTE EDGECACHE_LOG EDGECACHE_BASEDIR || true

# build_as WHO MODE: a fresh checkout, its own empty local cache, the shared
# remote; MODE is "launcher" (compiles cached) or "ninja" (every edge cached).
build_as() {
  local who=$1 mode=$2
  local checkout="$work/$who-$mode/checkout"
  mkdir -p "$checkout" && cp -r "$project"/. "$checkout"/
  # No base dir set: both programs take the build tree's source and build
  # dirs (from CMakeCache.txt), so the other checkout path shares entries.
  export EDGECACHE_DIR="$work/$who-$mode/local-cache" EDGECACHE_REMOTE="$remote"
  local args=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
  if [ "$mode" = launcher ]; then
    args+=(-DCMAKE_C_COMPILER_LAUNCHER="$launcher" -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
  else
    args+=(-DCMAKE_MAKE_PROGRAM="$wrapper")
  fi
  cmake -S "$checkout" -B "$checkout/build" "${args[@]}" >/dev/null
  local start end
  start=$(date +%s.%N)
  cmake --build "$checkout/build" -j 2 > "$work/$who-$mode.log" 2>&1
  end=$(date +%s.%N)
  elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  # The launcher's compiles upload in the background: CI ends its job by
  # waiting for them, as the README's CI pattern says.
  [ "$mode" = launcher ] && [ "$who" = ci ] && "$launcher" wait-uploads
  grep '^edgecache:' "$work/$who-$mode.log" | sed 's/^/   /' || true
  "$launcher" stats --json > "$work/$who-$mode.json"
}

summarize() {  # WHO MODE; the wrapper already printed its own summary line
  [ "$2" = ninja ] && return 0
  python3 - "$work/$1-$2.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
local, remote, miss = s.get("hit.local", 0), s.get("hit.remote", 0), s.get("miss", 0)
total = local + remote + miss
print(f"   compiles from cache: {local + remote}/{total} ({local} local, {remote} remote), {miss} ran")
PY
}

for mode in launcher ninja; do
  [ "$mode" = ninja ] && [ ! -x "$wrapper" ] && continue
  echo
  echo "== [$mode] CI builds the project in one checkout and fills the shared cache"
  build_as ci "$mode"; ci_time=$elapsed
  summarize ci "$mode"
  echo "   build time: ${ci_time}s"
  echo "== [$mode] A teammate builds it in another checkout with an empty local cache"
  build_as teammate "$mode"; mate_time=$elapsed
  summarize teammate "$mode"
  echo "   build time: ${mate_time}s (CI took ${ci_time}s: $(awk -v a="$ci_time" -v b="$mate_time" 'BEGIN { printf "%.1f", a / b }')x faster)"
  cmp -s "$work/ci-$mode/checkout/build/hello" "$work/teammate-$mode/checkout/build/hello" \
    && echo "   the teammate's hello binary is byte-identical to CI's" \
    || echo "   note: binaries differ"
  "$work/teammate-$mode/checkout/build/hello" | sed 's/^/   hello says: /'
done
