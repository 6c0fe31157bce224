# Redis killed (SIGKILL) in the middle of a launcher build: the build goes
# on with every object right, one warning says the remote is off, and what
# was uploaded before the kill is in Redis.
source "$(dirname "$0")/backends_lib.sh"
start_redis redis
P="$SCRATCH/project"
killer_project "$P" "bash $FIXTURES/redis_fixture.sh kill $SCRATCH/redis"
launcher_build "$P" "$SCRATCH/cache" "redis://127.0.0.1:$REDIS_PORT" 1
[ ! -f "$SCRATCH/redis/redis.pid" ] || fail "the server was not killed"
expect_outcomes "build with the server killed" "$P.decisions" "$(each_step ran one_{1..4}.c.o two_{1..4}.c.o)"
[ "$(stat_value remote.error)" -ge 1 ] || fail "no remote error counted after the kill"
remote_switched_off "$EDGECACHE_DIR" || fail "the health state does not say the remote is off"
expect_eq "$(remote_warnings "$P.log")" 1 "remote warnings in the build output"
grep "edgecache: warning: .*127.0.0.1:$REDIS_PORT.*remote cache off" "$P.log" >/dev/null ||
  fail "the warning does not name the server: $(grep warning "$P.log")"
[ -f "$P/build/libtwo.a" ] || fail "the second library was not built"
plain_build "$P" "$P/build-plain"
same_objects "$P/build-plain" "$P/build"
echo "PASS"
