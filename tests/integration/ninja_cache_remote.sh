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
[ -n "$(find "$NGINX_DIR/data" -type f | head -n 1)" ] || fail "nothing was uploaded"

as_teammate "$B"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran for bob"; }
[ "$(record_value "$B/build" "d['totals']['remote_hits']")" = 8 ] || fail "record: not 8 remote hits"
# Lookups ahead of -j, for the whole plan: the 6 edges whose inputs are
# sources are looked up as the build starts, and the archive and the link
# from the digests their inputs' entries promise, before those are written
# (the main thread waits for a worker's lookup rather than repeat it).
prefetched=$(record_value "$B/build" "sum(1 for e in d['edges'] if e['detail'] == 'prefetched from the remote')")
[ "$prefetched" = 8 ] || {
  record_value "$B/build" "'\\n'.join(e['output'] + ': ' + e['result'] + ', ' + e['detail'] for e in d['edges'])" >&2
  fail "$prefetched edges prefetched, expected all 8"
}
same_hello_outputs "$A/build" "$B/build"

# The remote hits filled bob's local cache.
rm -rf "$B/build"
configure_hello "$B/build" "$WRAPPER"
build_log "$B/build" "$WORK/b2.log"
expect_summary "$WORK/b2.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
echo "PASS"
