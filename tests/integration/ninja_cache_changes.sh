#!/usr/bin/env bash
# Changes after a cached build: touching a header makes edgecache-ninja
# redo exactly the edges plain ninja redoes (from the cache, since the
# content is the same); editing it reruns exactly the compiles that include
# it, and the outputs match plain ninja's again.
source "$(dirname "$0")/ninja_cache_common.sh"

# started_edges <log>: the edges a build started, by Ninja's description.
started_edges() { sed -n 's/^\[[0-9]*\/[0-9]*\] //p' "$1" | grep -v '^edgecache' | sort; }

configure_hello "$WORK/plain" "$REAL_NINJA"
configure_hello "$WORK/wrapped" "$WRAPPER"
build_log "$WORK/plain" "$WORK/plain0.log"
build_log "$WORK/wrapped" "$WORK/wrapped0.log"

touch "$SRC/include/greet/greet.h"
build_log "$WORK/plain" "$WORK/plain1.log"
build_log "$WORK/wrapped" "$WORK/wrapped1.log"
[ "$(started_edges "$WORK/plain1.log")" = "$(started_edges "$WORK/wrapped1.log")" ] ||
  { diff <(started_edges "$WORK/plain1.log") <(started_edges "$WORK/wrapped1.log") >&2; fail "touch: other edges than plain ninja's"; }
restarted=$(started_edges "$WORK/plain1.log" | wc -l)
[ "$restarted" -gt 0 ] || fail "touching greet.h rebuilt nothing"
expect_summary "$WORK/wrapped1.log" "edgecache: $restarted/$restarted edges from cache ($restarted local, 0 remote), 0 ran"

: >"$TOOL_LOG"
echo '// a comment changes the header, not the objects' >>"$SRC/include/greet/greet.h"
build_log "$WORK/plain" "$WORK/plain2.log"
including=$(grep -c -- ' -c ' "$TOOL_LOG")
: >"$TOOL_LOG"
build_log "$WORK/wrapped" "$WORK/wrapped2.log"
[ "$(started_edges "$WORK/plain2.log")" = "$(started_edges "$WORK/wrapped2.log")" ] || fail "edit: other edges than plain ninja's"
[ "$(grep -c -- ' -c ' "$TOOL_LOG")" = "$including" ] || { cat "$TOOL_LOG" >&2; fail "edit: not exactly the $including including compiles ran"; }
# Objects are unchanged by a comment: the archive and the link are hits.
grep -E -- '^(ar |g\+\+ .* -o hello)' "$TOOL_LOG" >/dev/null && fail "edit: archive or link ran though its inputs are the same"
same_hello_outputs "$WORK/plain" "$WORK/wrapped"
output_matches 'no work to do' "$REAL_NINJA" -C "$WORK/wrapped" -n || fail "not up to date after the edit"
echo "PASS"
