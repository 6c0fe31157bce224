# What a silent server (accepts, never answers) costs with the default
# timeouts, which is what users get: the first lookup gives up after the
# first-byte timeout (500 ms), that one timeout switches the remote off for
# every process, and the rest of the build never connects. Timings are
# printed for the record, never asserted (the machine is shared).
source "$(dirname "$0")/remote_lib.sh"
start_slow_server
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

note "one compile, alone: with no remote, then against the silent server"
mkdir -p "$SCRATCH/one" && cd "$SCRATCH/one"
printf 'int one(void) { return 1; }\n' > one.c
t=$(date +%s%N); EDGECACHE_DIR="$SCRATCH/one-plain" "$EDGECACHE_BIN" gcc -c one.c -o plain.o; plain_ms=$(ms_since "$t")
t=$(date +%s%N)
EDGECACHE_DIR="$SCRATCH/one-silent" EDGECACHE_REMOTE="$SLOW_URL/cache" "$EDGECACHE_BIN" gcc -c one.c -o one.o 2>one.err
silent_ms=$(ms_since "$t")
cmp one.o plain.o || fail "the compile against the silent server differs"
grep -q "first-byte-timeout=500ms" one.err || fail "the warning does not name the first-byte timeout: $(cat one.err)"
note "one compile: ${plain_ms} ms without a remote, ${silent_ms} ms against the silent server"
connections_before=$(log_lines "$SLOW_DIR/connections")

note "a whole build, -j2: no remote, then against the silent server"
two_checkouts
t=$(date +%s%N); launcher_build "$A" "$SCRATCH/cache-a" ""; plain_ms=$(ms_since "$t")
t=$(date +%s%N); launcher_build "$B" "$SCRATCH/cache-b" "$SLOW_URL/cache"; silent_ms=$(ms_since "$t")
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"
connections=$(( $(log_lines "$SLOW_DIR/connections") - connections_before ))
[ "$connections" -le 2 ] || fail "$connections compiles waited on the silent server; at most the first two (-j2) may"
[ "$(stat_in "$SCRATCH/cache-b" remote.error)" -le 2 ] || fail "more than two remote errors"
remote_switched_off "$SCRATCH/cache-b" || fail "one timeout did not switch the remote off"
expect_eq "$(remote_warnings "$B.log")" 1 "remote warnings in the build output"
note "5 compiles, -j2: ${plain_ms} ms without a remote, ${silent_ms} ms against the silent server ($connections waited)"

if [ -n "${EDGECACHE_NINJA_BIN:-}" ]; then
  note "edgecache-ninja (8 prefetch threads) against the silent server"
  C="$SCRATCH/checkout-c"
  copy_example "$C"
  cmake -S "$C" -B "$C/build" -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_MAKE_PROGRAM="$EDGECACHE_NINJA_BIN" >/dev/null
  t=$(date +%s%N)
  EDGECACHE_DIR="$SCRATCH/cache-c" EDGECACHE_REMOTE="$SLOW_URL/cache" "$EDGECACHE_NINJA_BIN" -C "$C/build" >"$C.log" 2>&1 ||
    { cat "$C.log"; fail "edgecache-ninja build against the silent server failed"; }
  ninja_ms=$(ms_since "$t")
  note "edgecache-ninja build: ${ninja_ms} ms against the silent server"
  remote_switched_off "$SCRATCH/cache-c" || fail "edgecache-ninja: the timeout did not switch the remote off"
fi
echo "PASS"
