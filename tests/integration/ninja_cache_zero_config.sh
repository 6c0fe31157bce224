#!/usr/bin/env bash
# No configuration at all: edgecache-ninja takes the build tree's source and
# build dirs (from CMakeCache.txt) as base dirs, so a second build dir of the
# same checkout gets every edge from the cache, with no tool run and the same
# outputs; the first build says in its run record why each edge missed.
source "$(dirname "$0")/ninja_cache_common.sh"

configure_hello "$WORK/b1" "$WRAPPER"
build_log "$WORK/b1" "$WORK/b1.log"
expect_summary "$WORK/b1.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "first build dir" "$WORK/b1" "$(each_step ran $HELLO_EDGES)"
[ "$(record_value "$WORK/b1" "len({e['detail'] for e in d['edges']})")" = 1 ] || fail "the first build's misses differ in why"
[ "$(record_value "$WORK/b1" "d['edges'][0]['detail']")" = \
  "first build of this output: no earlier run in the local cache (no remote configured)" ] ||
  fail "first build's why: $(record_value "$WORK/b1" "d['edges'][0]['detail']")"

configure_hello "$WORK/b2" "$WRAPPER"
build_log "$WORK/b2" "$WORK/b2.log"
expect_summary "$WORK/b2.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
expect_outcomes "second build dir" "$WORK/b2" "$(each_step local-hit $HELLO_EDGES)"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran in the second build dir"; }
same_hello_outputs "$WORK/b1" "$WORK/b2"
output_matches 'no work to do' "$REAL_NINJA" -C "$WORK/b2" -n || fail "second build dir not up to date"
echo "PASS"
