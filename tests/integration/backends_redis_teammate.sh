# The teammate case through Redis (Debian's redis-server, no password):
# checkout A uploads, checkout B at another path with an empty local cache
# gets every compile from Redis, through the launcher and edgecache-ninja.
source "$(dirname "$0")/backends_lib.sh"
start_redis redis
REMOTE="redis://127.0.0.1:$REDIS_PORT"

note "connect: a real round trip"
(cd "$SCRATCH" && "$EDGECACHE_BIN" connect "$REMOTE" >"$SCRATCH/connect.log") || { cat "$SCRATCH/connect.log"; fail "connect failed"; }
grep "read it back *ok" "$SCRATCH/connect.log" >/dev/null || fail "connect did not read back"

note "teammate case"
teammate_case "$REMOTE"
[ "$(redis_keys redis)" -gt 0 ] || fail "no edgecache keys in Redis"

note "database 2 is another cache"
C="$SCRATCH/checkout-c"
copy_example "$C"
launcher_build "$C" "$SCRATCH/cache-db2" "$REMOTE/2"
expect_outcomes "database 2" "$C.decisions" "$(each_step ran $HELLO_COMPILES)"
echo "PASS"
