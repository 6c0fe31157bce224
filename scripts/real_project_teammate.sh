#!/usr/bin/env bash
# Proves the shared cache on a real CMake project (fmt, say): "CI" builds it
# in one checkout through EdgeCache.cmake's default route and fills a shared
# nginx remote; "a teammate" builds a copy at a NEW path with an empty local
# cache; "plain" builds a third copy with the same settings and the cache
# switched off (EDGECACHE_DISABLE=1: the same flags, the real compiler). It
# prints the teammate's hits, checks every object is byte-identical to the
# plain build's, and runs the project's tests in the teammate's build.
#
#   real_project_teammate.sh <project source dir> <build type> <work dir> [cmake args...]
#
# Environment:
#   EDGECACHE_PREFIX  an installed edgecache (cmake --install build --prefix P); required
#   MODE              launcher (the module's default) or ninja (edgecache-ninja)
#   JOBS              build jobs (default 2)
#   HEAVY_LOCK        a lock file taken around each build and test run ("" for none)
#   TEST_REGEX        ctest -R filter for the teammate's tests ("" runs all)
# Exit status 0 only when the teammate got every compile (launcher) or every
# edge (ninja) from the cache, the objects match and the tests pass.
set -euo pipefail
src=$(realpath "$1") build_type=$2 work=$3
shift 3
repo=$(cd "$(dirname "$0")/.." && pwd)
: "${EDGECACHE_PREFIX:?EDGECACHE_PREFIX must name an installed edgecache}"
mode=${MODE:-launcher} jobs=${JOBS:-2} lock=${HEAVY_LOCK:-}
module="$EDGECACHE_PREFIX/share/edgecache/EdgeCache.cmake"
edgecache="$EDGECACHE_PREFIX/bin/edgecache"
mkdir -p "$work"
work=$(realpath "$work")
name=$(basename "$src")

locked() { if [ -n "$lock" ]; then flock "$lock" "$@"; else "$@"; fi; }
server="$work/nginx"
stop_server() { bash "$repo/tests/fixtures/nginx_fixture.sh" stop "$server" >/dev/null 2>&1 || true; }
trap stop_server EXIT
mkdir -p "$server"
bash "$repo/tests/fixtures/nginx_fixture.sh" start "$server"
remote="http://127.0.0.1:$(cat "$server/port")/cache"
export XDG_CONFIG_HOME="$work/config"
unset EDGECACHE_BASEDIR EDGECACHE_REMOTE EDGECACHE_NO_REMOTE EDGECACHE_DISABLE EDGECACHE_LOG || true

# build_as WHO CHECKOUT [env...]: copies the project to CHECKOUT, configures
# CHECKOUT/build through the module and builds it; its own empty local cache.
build_as() {
  local who=$1 checkout=$2
  shift 2
  rm -rf "$checkout" && mkdir -p "$(dirname "$checkout")" && cp -r "$src" "$checkout"
  export EDGECACHE_DIR="$work/cache-$who"
  rm -rf "$EDGECACHE_DIR"
  cmake -S "$checkout" -B "$checkout/build" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" \
    -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$module" -DEDGECACHE_MODE="$mode" -DEDGECACHE_REMOTE="$remote" \
    "${CONFIGURE_ARGS[@]}" >"$work/$who.configure.log" 2>&1 || { cat "$work/$who.configure.log"; exit 1; }
  grep "EdgeCache:" "$work/$who.configure.log" | sed "s/^/   [$who] /"
  local start end
  start=$(date +%s.%N)
  env "$@" bash -c "$(declare -f locked); lock='$lock'; locked cmake --build '$checkout/build' -j $jobs" \
    >"$work/$who.build.log" 2>&1 || { tail -n 40 "$work/$who.build.log"; exit 1; }
  end=$(date +%s.%N)
  local objects
  objects=$(find "$checkout/build" -name '*.o' | wc -l)
  printf '   [%s] build %.1f s, %d objects; ' "$who" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$objects"
  "$edgecache" stats --json | python3 -c "import json,sys; s=json.load(sys.stdin)
print('compiles: %d local hits, %d remote hits, %d misses, uncacheable: %s' % (s.get('hit.local',0), s.get('hit.remote',0), s.get('miss',0),
  {k:v for k,v in s.items() if k.startswith('uncacheable.')} or 'none'))"
  grep '^edgecache: ' "$work/$who.build.log" | sed "s/^/   [$who] /" || true
}
CONFIGURE_ARGS=("$@")

echo "== $name, $build_type, mode $mode, remote $remote"
build_as ci "$work/ci/$name"
build_as teammate "$work/teammate/at/a/new/path/$name"
teammate_stats=$("$edgecache" stats --json)
build_as plain "$work/plain/$name" EDGECACHE_DISABLE=1

status=0
misses=$(echo "$teammate_stats" | python3 -c "import json,sys; print(json.load(sys.stdin).get('miss',0))")
if [ "$mode" = launcher ] && [ "$misses" != 0 ]; then echo "FAIL: the teammate missed $misses compiles"; status=1; fi
if [ "$mode" = ninja ] && ! grep -E '^edgecache: ([0-9]+)/\1 edges from cache' "$work/teammate.build.log" >/dev/null; then
  echo "FAIL: the teammate did not get every edge from the cache"; status=1
fi
compared=0
while IFS= read -r object; do
  cmp -s "$work/teammate/at/a/new/path/$name/build/$object" "$work/plain/$name/build/$object" ||
    { echo "FAIL: $object differs from the plain build's"; status=1; }
  compared=$((compared + 1))
done < <(cd "$work/plain/$name/build" && find . -name '*.o' | sort)
echo "   objects byte-identical to the plain build: checked $compared"
tests=(ctest --test-dir "$work/teammate/at/a/new/path/$name/build" -j "$jobs" --output-on-failure)
[ -n "${TEST_REGEX:-}" ] && tests+=(-R "$TEST_REGEX")
if locked "${tests[@]}" >"$work/teammate.test.log" 2>&1; then
  echo "   tests: $(grep -E 'tests passed' "$work/teammate.test.log")"
else
  tail -n 30 "$work/teammate.test.log"; echo "FAIL: the teammate's tests"; status=1
fi
exit $status
