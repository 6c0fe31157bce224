#!/usr/bin/env bash
# Two checkouts at different absolute paths, each with its build tree inside
# and EDGECACHE_BASEDIR set to its root, share one cache: the second gets
# every edge from it (compiles, archive, link, the custom command whose
# command line names absolute paths) and its outputs equal the first's.
source "$(dirname "$0")/ninja_cache_common.sh"

A=$WORK/checkout-a
B=$WORK/elsewhere/checkout-b
mkdir -p "$A" "$B"
cp -r "$SRC" "$A/src"
cp -r "$SRC" "$B/src"

SRC=$A/src
export EDGECACHE_BASEDIR=$A
configure_hello "$A/build" "$WRAPPER"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "first checkout" "$A/build" "$(each_step ran $HELLO_EDGES)"

SRC=$B/src
export EDGECACHE_BASEDIR=$B
configure_hello "$B/build" "$WRAPPER"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
expect_outcomes "second checkout" "$B/build" "$(each_step local-hit $HELLO_EDGES)"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran in the second checkout"; }
expect_contains "$WORK/b.log" "$B/src/src/shapes.cpp"  # the warning names this checkout's source
same_hello_outputs "$A/build" "$B/build"
output_matches 'no work to do' "$REAL_NINJA" -C "$B/build" -n || fail "second checkout not up to date"
output_matches "$B/src/include/greet/greet.h" "$REAL_NINJA" -C "$B/build" -t deps ||
  fail "restored depfile does not name the second checkout's headers"
echo "PASS"
