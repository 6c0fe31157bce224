# A read-only remote is read but never written: no PUT reaches nginx and its
# data dir is unchanged, while misses still compile and fill the local cache.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
two_checkouts
echo '// a change only checkout B has' >>"$B/src/greet.cpp"

note "checkout A fills the remote"
launcher_build "$A" "$SCRATCH/cache-a" "$NGINX_URL/cache"
[ "$(stat_in "$SCRATCH/cache-a" remote.bytes.written)" -gt 0 ] || fail "checkout A uploaded nothing"

note "checkout B, read-only: four remote hits, the changed greet.cpp misses, nothing written"
before=$(data_snapshot "$NGINX_DATA")
requests=$(log_lines "$NGINX_LOG")
launcher_build "$B" "$SCRATCH/cache-b" "$NGINX_URL/cache|read-only"
expect_outcomes "a read-only remote" "$B.decisions" \
  "greet.cpp.o=ran $(each_step remote-hit shapes.cpp.o text.cpp.o stats.c.o main.cpp.o)"
expect_eq "$(stat_in "$SCRATCH/cache-b" remote.bytes.written)" 0 "bytes written to a read-only remote"
expect_eq "$(stat_in "$SCRATCH/cache-b" remote.error)" 0 "remote errors with a read-only remote"
expect_eq "$(remote_warnings "$B.log")" 0 "remote warnings with a read-only remote"
new_requests=$(log_since "$NGINX_LOG" "$requests")
[ -n "$new_requests" ] || fail "the read-only build sent no request"
if grep -v '"GET ' <<<"$new_requests" >/dev/null; then
  fail "a read-only build sent more than GETs: $(grep -v '"GET ' <<<"$new_requests")"
fi
expect_eq "$(data_snapshot "$NGINX_DATA")" "$before" "nginx's data after a read-only build"
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"

note "the miss went to B's local cache: a clean rebuild is all local hits"
ninja -C "$B/build" -t clean >/dev/null
EDGECACHE_DIR="$SCRATCH/cache-b" EDGECACHE_BASEDIR="$B" EDGECACHE_REMOTE="$NGINX_URL/cache|read-only" \
  with_decisions "$B.2.decisions" ninja -C "$B/build" >/dev/null 2>&1 || fail "rebuild of B failed"
expect_outcomes "B's rebuild" "$B.2.decisions" "$(each_step local-hit $HELLO_COMPILES)"
expect_eq "$(data_snapshot "$NGINX_DATA")" "$before" "nginx's data after the rebuild"
echo "PASS"
