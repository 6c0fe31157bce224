# EDGECACHE_NO_REMOTE=1 keeps every request away from a configured remote:
# nginx's access log does not grow, the build uses the local cache only.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
B="$SCRATCH/checkout"
copy_example "$B"
plain_build "$B" "$B/build-plain"
export EDGECACHE_NO_REMOTE=1
launcher_build "$B" "$SCRATCH/cache" "$NGINX_URL/cache"
expect_eq "$(log_lines "$NGINX_LOG")" 0 "requests to nginx with EDGECACHE_NO_REMOTE=1"
expect_outcomes "build with EDGECACHE_NO_REMOTE=1" "$B.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_value remote.bytes.written)" 0 "bytes written to the remote"
[ -z "$(find "$NGINX_DATA" -type f)" ] || fail "nginx's data dir is not empty"
same_objects "$B/build-plain" "$B/build"
note "a clean rebuild hits locally, still without a request"
ninja -C "$B/build" -t clean >/dev/null
EDGECACHE_DIR="$SCRATCH/cache" EDGECACHE_BASEDIR="$B" EDGECACHE_REMOTE="$NGINX_URL/cache" \
  with_decisions "$B.2.decisions" ninja -C "$B/build" >/dev/null 2>&1 || fail "rebuild failed"
expect_outcomes "the clean rebuild" "$B.2.decisions" "$(each_step local-hit $HELLO_COMPILES)"
expect_eq "$(log_lines "$NGINX_LOG")" 0 "requests to nginx with EDGECACHE_NO_REMOTE=1"
echo "PASS"
