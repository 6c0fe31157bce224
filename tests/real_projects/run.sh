#!/usr/bin/env bash
# The real-projects stage of scripts/test.sh: third-party CMake projects,
# from Debian source packages (projects.sh), built as a team would, once
# with the compiler launcher and once with edgecache-ninja, both through
# the CMake module with no edit to the project:
#   cold        Alice builds through the cache, writing to a shared nginx remote
#   teammate    Bob, at another checkout path with an empty local cache,
#               builds reading the remote
#   plain       Bob's outputs equal a plain build's at the same path
#               (a difference that is only Alice's path embedded is reported)
#   tests       the project's own tests pass in Bob's build
#   verify      Bob's whole build again with every hit verified: 0 mismatches
#   incremental touch a header, change a header, change a compile flag,
#               change a generator's input: after each, outputs equal plain
#               Ninja's, built beside it at the same path
# Hit counts and times are printed, not asserted: correctness is.
#
#   run.sh <edgecache build dir> [project...]    (default: fmt leveldb ninja)
# EDGECACHE_REAL_WORK=<dir> keeps the work tree there.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$here/lib.sh"
source "$here/projects.sh"

EDGECACHE_BUILD=$(cd "${1:?usage: run.sh <edgecache build dir> [project...]}" && pwd)
shift
projects=("$@")
[ "${#projects[@]}" -gt 0 ] || projects=(fmt leveldb ninja)
SOURCE_CACHE=${EDGECACHE_REAL_SOURCES:-/var/cache/edgecache-bootstrap/real-projects}
W=${EDGECACHE_REAL_WORK:-$(mktemp -d /tmp/edgecache-real.XXXXXX)}
FAILURES=()
export XDG_CONFIG_HOME=$W/config  # no user config leaks in
unset EDGECACHE_REMOTE EDGECACHE_BASEDIR EDGECACHE_DISABLE EDGECACHE_NO_REMOTE EDGECACHE_LOG \
  EDGECACHE_EXCLUDE_RULES EDGECACHE_VERIFY EDGECACHE_VERIFY_IGNORE || true

FIXTURE=$repo/tests/fixtures/nginx_fixture.sh
stop_nginx() { [ -f "$W/nginx/nginx.pid" ] && bash "$FIXTURE" stop "$W/nginx"; }
finish() { stop_nginx; [ -n "${EDGECACHE_REAL_WORK:-}" ] || rm -rf "$W"; }
trap finish EXIT

PREFIX=$W/prefix
MODULE=$PREFIX/share/edgecache/EdgeCache.cmake
cmake --install "$EDGECACHE_BUILD" --prefix "$PREFIX" >/dev/null || { echo "real: cannot install edgecache" >&2; exit 1; }
mkdir -p "$W/nginx" && bash "$FIXTURE" start "$W/nginx" || { echo "real: cannot start nginx" >&2; exit 1; }
REMOTE=http://127.0.0.1:$(cat "$W/nginx/port")

# Each scenario works on one project ($P, its variables from projects.sh)
# in one mode ($MODE); Alice and Bob are checkouts at different paths.
scenario_plain_reference() {
  local start; start=$(now)
  checkout "$BOB"
  configure "$BOB" plain && build "$BOB" plain "$W/$P/plain.log" || return 1
  mv "$BOB/build" "$W/$P/plain-ref"
  say "$P plain build (reference): $(elapsed "$start") s"
}

scenario_cold() {
  local start; start=$(now)
  export EDGECACHE_DIR=$W/$P/$MODE-alice-cache
  checkout "$ALICE"
  configure "$ALICE" "$MODE" "-DEDGECACHE_REMOTE=$REMOTE/$P-$MODE" || return 1
  local before; before=$(stats_json)
  build "$ALICE" "$MODE" "$ALICE.cold.log" || return 1
  # Alice's job ends as the README's CI pattern says: the launcher's
  # background uploads have reached the remote before Bob starts.
  "$PREFIX/bin/edgecache" wait-uploads || return 1
  say "$P/$MODE cold (Alice, $ALICE): $(elapsed "$start") s; $(figures "$before")"
}

scenario_teammate() {
  local start; start=$(now)
  export EDGECACHE_DIR=$W/$P/$MODE-bob-cache
  checkout "$BOB"
  configure "$BOB" "$MODE" "-DEDGECACHE_REMOTE=$REMOTE/$P-$MODE" -DEDGECACHE_READ_ONLY=ON || return 1
  local before; before=$(stats_json)
  build "$BOB" "$MODE" "$BOB.teammate.log" || return 1
  say "$P/$MODE teammate (Bob, $BOB, empty local cache, remote read-only): $(elapsed "$start") s; $(figures "$before")"
}

scenario_same_as_plain() { same_outputs "$W/$P/plain-ref" "$BOB/build" "$ALICE"; }

scenario_project_tests() {
  local start; start=$(now)
  ctest --test-dir "$BOB/build" -R "$TESTS" --output-on-failure --timeout 300 >"$BOB.ctest.log" 2>&1 ||
    { tail -n 40 "$BOB.ctest.log" >&2; fail "$P/$MODE: the project's tests failed in the teammate's build"; return 1; }
  say "$P/$MODE project tests in Bob's build: $(grep -o '[0-9]*% tests passed.*' "$BOB.ctest.log" | head -n 1 || true) ($(elapsed "$start") s)"
}

# Every edge Bob's build has, restored from his cache and re-run: strict
# fails on any difference, so a 0 exit status is the assertion.
scenario_verify() {
  local start; start=$(now)
  ninja -C "$BOB/build" -t clean >/dev/null
  local before; before=$(stats_json)
  if [ "$MODE" = ninja ]; then
    build "$BOB" ninja "$BOB.verify.log" --verify=strict || return 1
  else
    EDGECACHE_VERIFY=strict build "$BOB" launcher "$BOB.verify.log" || return 1
  fi
  local mismatches; mismatches=$(grep -c '^edgecache: warning: verify:\|^edgecache: verify:' "$BOB.verify.log" || true)
  [ "$mismatches" = 0 ] || fail "$P/$MODE: $mismatches verify mismatches: $(grep 'verify:' "$BOB.verify.log" | head -n 3)"
  say "$P/$MODE verify over Bob's build: $(elapsed "$start") s; $(figures "$before")"
}

# plain_beside STEP: plain Ninja's build of Bob's checkout, kept in
# $W/$P/plain-work and swapped in at Bob's build path to build, so both
# builds see the same paths; then the outputs are compared.
plain_beside() {
  mv "$BOB/build" "$BOB/build-cached" && mv "$W/$P/plain-work" "$BOB/build"
  build "$BOB" plain "$W/$P/plain-$1.log"
  mv "$BOB/build" "$W/$P/plain-work" && mv "$BOB/build-cached" "$BOB/build"
  same_outputs "$W/$P/plain-work" "$BOB/build" "$ALICE"
}

incremental_step() {  # NAME: after the edit, Bob's cached build, then plain beside it
  local start before; start=$(now); before=$(stats_json)
  build "$BOB" "$MODE" "$BOB.$1.log" || return 1
  say "$P/$MODE incremental, $1: $(elapsed "$start") s; $(figures "$before")"
  plain_beside "$1"
}

scenario_incremental() {
  rm -rf "$W/$P/plain-work" && cp -a "$W/$P/plain-ref" "$W/$P/plain-work"
  touch "$BOB/$TOUCH_HEADER" && incremental_step touch-header
  add_probe "$BOB/$EDIT_HEADER" 1 && incremental_step edit-header
  echo "set_source_files_properties($FLAG_SOURCE PROPERTIES COMPILE_OPTIONS -O1)" >>"$BOB/CMakeLists.txt"
  incremental_step compile-flag
  if [ -n "$GENERATOR_INPUT" ]; then
    echo "// edgecache real stage: generator input changed" >>"$BOB/$GENERATOR_INPUT"
    incremental_step generator-input
  fi
}

run_project() {
  P=$1
  "project_$P"
  local start; start=$(now)
  PRISTINE=$(sources "$PKG") || { fail "$P: no sources"; return; }
  mkdir -p "$W/$P"
  ALICE=$W/$P/alice/$P-src
  BOB=$W/$P/elsewhere/bob/$P
  say "== $P ($PKG, $(basename "$PRISTINE")): targets ${TARGETS[*]}"
  scenario_plain_reference || return
  for MODE in launcher ninja; do
    ALICE=$W/$P/alice-$MODE/$P-src
    scenario_cold || continue
    scenario_teammate || continue
    scenario_same_as_plain
    scenario_project_tests
    scenario_verify
    scenario_incremental
  done
  say "== $P done in $(elapsed "$start") s"
}

stage_start=$(now)
for project in "${projects[@]}"; do run_project "$project"; done
say "stage time $(elapsed "$stage_start") s"
if [ "${#FAILURES[@]}" -gt 0 ]; then
  say "${#FAILURES[@]} failures:"
  printf 'real:   %s\n' "${FAILURES[@]}"
  exit 1
fi
say "all projects passed: ${projects[*]}"
