# A file:// remote: a teammate's checkout reads what checkout A wrote into a
# shared directory; an unwritable directory is a remote failure, not a
# failed build.
source "$(dirname "$0")/remote_lib.sh"
two_checkouts
REMOTE="file://$SCRATCH/shared"

note "checkout A writes into the shared directory"
launcher_build "$A" "$SCRATCH/cache-a" "$REMOTE"
expect_outcomes "checkout A" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
[ "$(stat_in "$SCRATCH/cache-a" remote.bytes.written)" -gt 0 ] || fail "checkout A wrote nothing"
expect_eq "$(find "$SCRATCH/shared/v2" -type f | wc -l)" 10 "objects in the shared directory"

note "checkout B with an empty local cache: all remote hits"
launcher_build "$B" "$SCRATCH/cache-b" "$REMOTE"
expect_outcomes "checkout B" "$B.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"
if ninja -C "$B/build" -t deps | grep checkout-a >/dev/null; then
  fail "ninja's deps log in B names checkout A"
fi

note "an unwritable shared directory: remote errors, correct objects"
C="$SCRATCH/checkout-c"
copy_example "$C"
# A path below a regular file cannot be created, even by root.
touch "$SCRATCH/not-a-dir"
launcher_build "$C" "$SCRATCH/cache-c" "file://$SCRATCH/not-a-dir/shared" 1
plain_build "$C" "$C/build-plain"
same_objects "$C/build-plain" "$C/build"
expect_outcomes "an unwritable remote" "$C.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_in "$SCRATCH/cache-c" remote.bytes.written)" 0 "bytes written to an unwritable remote"
# Reads of the missing directory are misses, not successes: the failed
# writes add up to the switch-off after three compiles, with one warning.
expect_eq "$(stat_in "$SCRATCH/cache-c" remote.error)" 3 "remote errors with an unwritable remote"
remote_switched_off "$SCRATCH/cache-c" || fail "an unwritable remote was not switched off"
expect_eq "$(remote_warnings "$C.log")" 1 "remote warnings with an unwritable remote"
grep "edgecache: warning: remote cache write failed: .*not-a-dir/shared.*Not a directory" "$C.log" >/dev/null ||
  fail "the warning does not say the write failed: $(cat "$C.log")"
echo "PASS"
