#!/usr/bin/env bash
# A teammate through nginx: build A uploads to EDGECACHE_REMOTE; build B, a
# checkout at another path with an empty local cache, gets every edge from
# the remote, with outputs identical to A's; its summary says remote. A
# second clean build of B is then served by its own local cache. Every
# edge, archive and link included, is looked up ahead of -j.
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote
teammate_checkouts

as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "alice" "$A/build" "$(each_step ran $HELLO_EDGES)"
[ -n "$(find "$NGINX_DIR/data" -type f | head -n 1)" ] || fail "nothing was uploaded"
# Every lookup misses for alice (her configure's try-compiles too): the
# main thread waits for a worker's lookup only until it is done, never for
# the 20 s limit (each wait missed the worker's word once).
[ "$(stat_value prefetch.settle_timeouts)" = 0 ] ||
  fail "the main thread gave up waiting for a worker $(stat_value prefetch.settle_timeouts) times"

as_teammate "$B"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran for bob"; }
expect_outcomes "bob" "$B/build" "$(each_step remote-hit $HELLO_EDGES)"
# Lookups ahead of -j, for the whole plan: the 6 edges whose inputs are
# sources are looked up as the build starts, and the archive and the link
# from the digests their inputs' entries promise, before those are written
# (the main thread waits for a worker's lookup rather than repeat it).
# Every edge, the final link too: it used to be fetched by the main thread
# in about one run in ten, when a worker keyed main.cpp.o while a restore's
# temporary of version.h was in the include dir (fixed in 7104b26; 0 in 72
# runs since).
prefetched=$(record_value "$B/build" "sum(1 for e in d['edges'] if e['detail'].startswith('prefetched from the remote'))")
[ "$prefetched" = 8 ] || {
  record_value "$B/build" "'\\n'.join(e['output'] + ': ' + e['result'] + ', ' + e['detail'] for e in d['edges'])" >&2
  fail "$prefetched edges prefetched, expected all 8"
}
same_hello_outputs "$A/build" "$B/build"
# hello may have been written early (ninja_cache_early_finals.sh): its
# mtime still follows its inputs', and plain Ninja has nothing to do.
out=$("$REAL_NINJA" -C "$B/build" -n -d explain 2>&1)
case "$out" in *"no work to do"*) ;; *) echo "$out" >&2; fail "plain ninja would still build in bob's build" ;; esac
prefetch_edges() { "$EDGECACHE" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin).get('prefetch.edges', 0))"; }
[ "$(prefetch_edges)" -ge 8 ] || fail "the prefetch looked up $(prefetch_edges) edges for bob's empty cache"

# The remote hits filled bob's local cache. Every edge hits it, so the
# prefetch never starts: no edge is keyed and fetched a second time.
rm -rf "$B/build"
configure_hello "$B/build" "$WRAPPER"
before=$(prefetch_edges)  # after the configure, whose try-compiles build through edgecache-ninja too
build_log "$B/build" "$WORK/b2.log"
expect_summary "$WORK/b2.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
expect_outcomes "bob's rebuild" "$B/build" "$(each_step local-hit $HELLO_EDGES)"
[ "$(prefetch_edges)" = "$before" ] || { cat "$WORK/b2.log" >&2; fail "a warm build with a remote still prefetched $(( $(prefetch_edges) - before )) edges"; }

# A manifest found locally but matching nothing (a changed header) needs
# the remote after all: the prefetch starts at that edge.
echo '// changed' >>"$B/src/include/greet/greet.h"
build_log "$B/build" "$WORK/b3.log"
[ "$(prefetch_edges)" -gt "$before" ] || fail "a lookup that needed the remote did not start the prefetch"
echo "PASS"
