# A clean rebuild with a warm cache is all hits, objects byte-identical,
# warnings replayed; a plain build (no launcher) gives the same objects.
source "$(dirname "$0")/lib.sh"
copy_example "$SCRATCH/src"

note "cold build"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/cold"
with_decisions "$SCRATCH/cold.decisions" ninja -C "$SCRATCH/cold" > "$SCRATCH/cold.log"
expect_outcomes "cold build" "$SCRATCH/cold.decisions" "$(each_step ran $HELLO_COMPILES)"
"$SCRATCH/cold/hello" | grep "Hello, edgecache" >/dev/null || fail "cold binary does not run"

note "clean rebuild (rm -rf build): every compile is a hit"
mv "$SCRATCH/cold" "$SCRATCH/cold-saved"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/cold"
with_decisions "$SCRATCH/warm.decisions" ninja -C "$SCRATCH/cold" > "$SCRATCH/warm.log"
mv "$SCRATCH/cold" "$SCRATCH/warm" && mv "$SCRATCH/cold-saved" "$SCRATCH/cold"
expect_outcomes "warm build" "$SCRATCH/warm.decisions" "$(each_step local-hit $HELLO_COMPILES)"
same_objects "$SCRATCH/cold" "$SCRATCH/warm"
grep -q "unused variable" "$SCRATCH/warm.log" || fail "warning was not replayed on a hit"
"$SCRATCH/warm/hello" | grep "Hello, edgecache" >/dev/null || fail "warm binary does not run"

note "plain build without the cache gives the same objects"
cmake -S "$SCRATCH/src" -B "$SCRATCH/plain" -G Ninja -DCMAKE_BUILD_TYPE= >/dev/null
ninja -C "$SCRATCH/plain" >/dev/null
same_objects "$SCRATCH/plain" "$SCRATCH/warm"

note "depfiles of hits are valid: a second ninja run has nothing to do"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/again"
ninja -C "$SCRATCH/again" >/dev/null
ninja -C "$SCRATCH/again" -n | grep "no work to do" >/dev/null || fail "second ninja run is not a no-op"
echo "PASS"
