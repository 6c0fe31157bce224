# A teammate's checkout at another path, with an empty local cache, gets every
# compile from the shared nginx remote that checkout A filled; its objects and
# ninja's deps are as if built there; the remote hits fill its local cache.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
two_checkouts

note "checkout A builds and uploads"
launcher_build "$A" "$SCRATCH/cache-a" "$NGINX_URL/cache"
expect_outcomes "checkout A" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
[ "$(stat_in "$SCRATCH/cache-a" remote.bytes.written)" -gt 0 ] || fail "checkout A uploaded nothing"
expect_eq "$(stat_in "$SCRATCH/cache-a" remote.error)" 0 "remote errors in A"
grep '"PUT /cache/' "$NGINX_LOG" >/dev/null || fail "no PUT reached nginx"
[ -n "$(find "$NGINX_DATA/cache" -type f)" ] || fail "nothing stored under nginx's data dir"

note "checkout B at another path, empty local cache: all remote hits"
launcher_build "$B" "$SCRATCH/cache-b" "$NGINX_URL/cache"
expect_outcomes "checkout B" "$B.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
[ "$(stat_in "$SCRATCH/cache-b" remote.bytes.read)" -gt 0 ] || fail "remote.bytes.read is 0"
expect_eq "$(remote_warnings "$B.log")" 0 "remote warnings in B's build"
grep "elsewhere/checkout-b/src/shapes.cpp" "$B.log" >/dev/null ||
  fail "replayed warning does not name checkout B's file"

note "B's objects are those of a plain build of B"
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"
[ -x "$B/build/hello" ] || fail "checkout B has no hello executable"
"$B/build/hello" >/dev/null || fail "checkout B's hello does not run"

note "ninja's deps in B name B's files, never A's"
deps=$(ninja -C "$B/build" -t deps)
if grep checkout-a <<<"$deps" >/dev/null; then fail "ninja's deps log in B names checkout A"; fi
grep "elsewhere/checkout-b/include/greet/greet.h" <<<"$deps" >/dev/null ||
  fail "ninja's deps log in B does not name B's header"
if grep -rl checkout-a --include='*.d' "$B/build" >/dev/null; then fail "a depfile in B names checkout A"; fi

note "a clean rebuild of B: local hits, no request to nginx"
requests=$(log_lines "$NGINX_LOG")
ninja -C "$B/build" -t clean >/dev/null
EDGECACHE_DIR="$SCRATCH/cache-b" EDGECACHE_BASEDIR="$B" EDGECACHE_REMOTE="$NGINX_URL/cache" \
  with_decisions "$B.2.decisions" ninja -j2 -C "$B/build" >"$B.2.log" 2>&1 || { cat "$B.2.log"; fail "rebuild of B failed"; }
expect_outcomes "B's rebuild" "$B.2.decisions" "$(each_step local-hit $HELLO_COMPILES)"
expect_eq "$(log_lines "$NGINX_LOG")" "$requests" "requests to nginx during the local rebuild"
same_objects "$B/build-plain" "$B/build"
echo "PASS"
