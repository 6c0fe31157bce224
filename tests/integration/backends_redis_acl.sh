# Redis with ACL users (default user off): a builder that may write, a
# reader with `read-only` that only reads, and the failures a user meets: a
# wrong password, no password, a read-only user without `read-only`. The
# build never fails, one warning names the problem, connect names it "auth",
# and no password is ever printed.
source "$(dirname "$0")/backends_lib.sh"
start_redis redis acl
HOSTPORT="127.0.0.1:$REDIS_PORT"
two_checkouts

note "the builder uploads"
launcher_build "$A" "$SCRATCH/cache-a" "redis://builder:builder-secret@$HOSTPORT"
expect_eq "$(stat_in "$SCRATCH/cache-a" remote.error)" 0 "remote errors for the builder"
keys=$(redis_keys redis admin admin-secret)
[ "$keys" -gt 0 ] || fail "the builder stored nothing"

note "a read-only reader gets every compile and writes nothing"
echo 'int extra_symbol_for_reader = 1;' >>"$B/src/shapes.cpp"
launcher_build "$B" "$SCRATCH/cache-b" "redis://reader:reader-secret@$HOSTPORT|read-only"
expect_outcomes "reader (shapes.cpp changed)" "$B.decisions" \
  "shapes.cpp.o=ran $(each_step remote-hit greet.cpp.o text.cpp.o stats.c.o main.cpp.o)"
expect_eq "$(stat_in "$SCRATCH/cache-b" remote.error)" 0 "reader remote errors"
expect_eq "$(redis_keys redis admin admin-secret)" "$keys" "keys after the read-only build"
expect_eq "$(remote_warnings "$B.log")" 0 "warnings for the reader"

note "a wrong password: the build goes on, one warning"
C="$SCRATCH/checkout-c"
copy_example "$C"
launcher_build "$C" "$SCRATCH/cache-c" "redis://builder:not-the-password@$HOSTPORT" 1
expect_outcomes "wrong password" "$C.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(remote_warnings "$C.log")" 1 "warnings with a wrong password"
grep "WRONGPASS" "$C.log" >/dev/null || fail "the warning does not say WRONGPASS: $(cat "$C.log")"

note "connect names each failure, and never prints a password"
connect() { (cd "$SCRATCH" && "$EDGECACHE_BIN" connect "$@" >"$SCRATCH/connect.log" 2>&1); }
! connect "redis://builder:not-the-password@$HOSTPORT" || fail "connect passed with a wrong password"
grep "FAILED.*: auth - .*WRONGPASS" "$SCRATCH/connect.log" >/dev/null || fail "wrong password: $(cat "$SCRATCH/connect.log")"
! connect "redis://$HOSTPORT" || fail "connect passed without a password"
grep "FAILED.*: auth - .*NOAUTH" "$SCRATCH/connect.log" >/dev/null || fail "no password: $(cat "$SCRATCH/connect.log")"
! connect "redis://reader:reader-secret@$HOSTPORT" || fail "a read-only user passed a write check"
grep "FAILED.*: auth - .*NOPERM" "$SCRATCH/connect.log" >/dev/null || fail "reader: $(cat "$SCRATCH/connect.log")"
connect --read-only "redis://reader:reader-secret@$HOSTPORT" || fail "read-only connect: $(cat "$SCRATCH/connect.log")"
! connect "redis://builder:b@127.0.0.1:$(closed_port)" || fail "connect passed against a closed port"
grep "FAILED.*: refused - " "$SCRATCH/connect.log" >/dev/null || fail "closed port: $(cat "$SCRATCH/connect.log")"

note "config and doctor hide the password"
cd "$SCRATCH"
EDGECACHE_REMOTE="redis://builder:builder-secret@$HOSTPORT" "$EDGECACHE_BIN" config >"$SCRATCH/config.log" 2>&1 || true
EDGECACHE_REMOTE="redis://builder:builder-secret@$HOSTPORT" "$EDGECACHE_BIN" doctor >"$SCRATCH/doctor.log" 2>&1 || true
grep "remote write probe object" "$SCRATCH/doctor.log" | grep -q "ok" || fail "doctor: $(cat "$SCRATCH/doctor.log")"
for log in "$SCRATCH"/*.log "$A.log" "$B.log" "$C.log"; do
  if grep -l -e builder-secret -e reader-secret -e not-the-password "$log"; then fail "a password is printed in $log"; fi
done
echo "PASS"
