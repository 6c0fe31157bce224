#!/usr/bin/env bash
# Faults: a failing edge is never stored, with or without -k (the next build
# runs it again and fails again), while -k 0 stores the edges that
# succeeded; a corrupted cache entry is a miss: the edge runs, one warning,
# the build succeeds with the right outputs.
source "$(dirname "$0")/ninja_cache_common.sh"

configure_hello "$WORK/plain" "$REAL_NINJA"
build_log "$WORK/plain" "$WORK/plain.log"
cp "$SRC/src/text.cpp" "$WORK/text.cpp.good"
echo 'this is not C++;' >>"$SRC/src/text.cpp"

# failing_build <log> [args...]: the wrapper build must fail.
failing_build() {
  local log=$1
  shift
  if cmake --build "$WORK/wrapped" "$@" >"$log" 2>&1; then fail "build with a broken text.cpp succeeded"; fi
}

configure_hello "$WORK/wrapped" "$WRAPPER"
for round in 1 2; do
  : >"$TOOL_LOG"
  failing_build "$WORK/fail$round.log" -j 1
  grep -- ' -c .*text.cpp' "$TOOL_LOG" >/dev/null || fail "round $round: text.cpp was not compiled (restored?)"
  [ "$(record_value "$WORK/wrapped" "d['totals']['failed']")" = 1 ] || fail "record: round $round has no failed edge"
done

# -k 0: everything else builds and is stored; the broken edge still is not.
failing_build "$WORK/keep.log" -- -k 0
rm -rf "$WORK/wrapped"
configure_hello "$WORK/wrapped" "$WRAPPER"
failing_build "$WORK/keep2.log" -- -k 0
grep -- ' -c .*text.cpp' "$TOOL_LOG" >/dev/null || fail "-k 0: the failed compile came from the cache"
grep -- ' -c .*shapes.cpp' "$TOOL_LOG" >/dev/null && fail "-k 0: the good compiles were not stored"

# Fixed again: it runs, is stored, and a clean rebuild is all hits.
cp "$WORK/text.cpp.good" "$SRC/src/text.cpp"
build_log "$WORK/wrapped" "$WORK/fixed.log"
same_hello_outputs "$WORK/plain" "$WORK/wrapped"

# Corrupt every result entry: each edge misses, runs and the build succeeds.
while IFS= read -r entry; do
  printf 'garbage' | dd of="$entry" bs=1 seek=20 conv=notrunc status=none
done < <(find "$EDGECACHE_DIR" -name 'r-*' -type f)
rm -rf "$WORK/wrapped"
configure_hello "$WORK/wrapped" "$WRAPPER"
build_log "$WORK/wrapped" "$WORK/corrupt.log"
expect_summary "$WORK/corrupt.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "every result entry corrupt" "$WORK/wrapped" "$(each_step ran $HELLO_EDGES)"
[ "$(grep -c 'edgecache: warning: corrupt' "$WORK/corrupt.log")" = 1 ] || { cat "$WORK/corrupt.log" >&2; fail "not exactly one corrupt-entry warning"; }
same_hello_outputs "$WORK/plain" "$WORK/wrapped"
# The runs replaced the bad entries.
rm -rf "$WORK/wrapped"
configure_hello "$WORK/wrapped" "$WRAPPER"
build_log "$WORK/wrapped" "$WORK/after.log"
expect_summary "$WORK/after.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
expect_outcomes "after the runs replaced them" "$WORK/wrapped" "$(each_step local-hit $HELLO_EDGES)"
echo "PASS"
