#!/usr/bin/env bash
# A teammate through an https server that speaks HTTP/2 (nginx, TLS, ALPN):
# edgecache-ninja's lookups ahead of -j, many at once, travel as streams of
# one connection (one TLS handshake), not one connection each. Bob, at
# another path with an empty local cache, still gets every edge from the
# remote, with outputs identical to alice's.
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote start-tls
teammate_checkouts

as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
grep -q '"PUT .* HTTP/2.0" 201' "$NGINX_DIR/access.log" || { cat "$NGINX_DIR/access.log" >&2; fail "alice uploaded nothing over HTTP/2"; }

as_teammate "$B"
: >"$NGINX_DIR/access.log"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran for bob"; }
same_hello_outputs "$A/build" "$B/build"

# bob's build alone (his configure's try-compiles run edgecache-ninja too,
# each a process of its own): the requests of the build's process.
gets=$(grep -c '"GET ' "$NGINX_DIR/access.log" || true)
[ "$gets" -ge 16 ] || { cat "$NGINX_DIR/access.log" >&2; fail "only $gets GETs for 8 edges"; }
grep '"GET ' "$NGINX_DIR/access.log" | grep -v 'proto=HTTP/2.0' >&2 && fail "a GET went over HTTP/1.1"
connections=$(grep -o 'conn=[0-9]*' "$NGINX_DIR/access.log" | sort -u | wc -l)
[ "$connections" = 1 ] || {
  cat "$NGINX_DIR/access.log" >&2
  fail "bob's $gets GETs used $connections connections, expected 1 (HTTP/2 streams)"
}
echo "ok: bob's $gets GETs were streams of one HTTP/2 connection"
