#!/usr/bin/env bash
# A teammate through nginx: build A uploads to EDGECACHE_REMOTE; build B, a
# checkout at another path with an empty local cache, gets every edge from
# the remote, with outputs identical to A's; its summary says remote. A
# second clean build of B is then served by its own local cache.
source "$(dirname "$0")/ninja_cache_common.sh"

FIXTURE=$(realpath "$(dirname "$0")/../fixtures/nginx_fixture.sh")
NGINX_DIR=$WORK/nginx
mkdir -p "$NGINX_DIR"
stop_nginx() { bash "$FIXTURE" stop "$NGINX_DIR" || true; rm -rf "$WORK"; }
trap stop_nginx EXIT
bash "$FIXTURE" start "$NGINX_DIR"
export EDGECACHE_REMOTE="http://127.0.0.1:$(cat "$NGINX_DIR/port")/cache"

A=$WORK/alice
B=$WORK/far/away/bob
mkdir -p "$A" "$B"
cp -r "$SRC" "$A/src"
cp -r "$SRC" "$B/src"

SRC=$A/src
export EDGECACHE_BASEDIR=$A EDGECACHE_DIR=$WORK/cache-alice
configure_hello "$A/build" "$WRAPPER"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
[ -n "$(find "$NGINX_DIR/data" -type f | head -n 1)" ] || fail "nothing was uploaded"

SRC=$B/src
export EDGECACHE_BASEDIR=$B EDGECACHE_DIR=$WORK/cache-bob
configure_hello "$B/build" "$WRAPPER"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran for bob"; }
[ "$(record_value "$B/build" "d['totals']['remote_hits']")" = 8 ] || fail "record: not 8 remote hits"
# Lookups ahead of -j: the 6 edges whose inputs are sources (5 compiles and
# the custom command) are fetched by the prefetch threads as the build
# starts (the main thread may win the race for one or two; usually all 6
# are prefetched); the archive and the link wait for their inputs.
prefetched=$(record_value "$B/build" "sum(1 for e in d['edges'] if e['detail'] == 'prefetched from the remote')")
[ "$prefetched" -ge 1 ] && [ "$prefetched" -le 6 ] || fail "$prefetched edges prefetched, expected 1 to 6"
same_hello_outputs "$A/build" "$B/build"

# The remote hits filled bob's local cache.
rm -rf "$B/build"
configure_hello "$B/build" "$WRAPPER"
build_log "$B/build" "$WORK/b2.log"
expect_summary "$WORK/b2.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
echo "PASS"
