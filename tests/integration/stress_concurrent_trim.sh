# Four builds of the same project at once on one cache while `edgecache trim`
# squeezes it: every build succeeds with correct objects, every compile is
# counted once, nothing is left locked or half-written.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
copy_example "$SCRATCH/src"
cmake -S "$SCRATCH/src" -B "$SCRATCH/plain" -G Ninja -DCMAKE_BUILD_TYPE= >/dev/null
ninja -C "$SCRATCH/plain" >/dev/null
for n in 1 2 3 4; do configure_with_launcher "$SCRATCH/src" "$SCRATCH/b$n"; done

for round in 1 2; do
  pids=()
  for n in 1 2 3 4; do ninja -C "$SCRATCH/b$n" -t clean >/dev/null; ninja -C "$SCRATCH/b$n" -j2 >/dev/null 2>&1 & pids+=($!); done
  ( for i in $(seq 1 30); do "$E" trim --max-size 20K >/dev/null; sleep 0.05; done ) & trimmer=$!
  for p in "${pids[@]}"; do wait "$p" || fail "round $round: a concurrent build failed"; done
  wait "$trimmer" || fail "trim failed"
  for n in 1 2 3 4; do same_objects "$SCRATCH/plain" "$SCRATCH/b$n"; done
done
total=$(( $(stat_value hit.local) + $(stat_value miss) ))
expect_eq "$total" 40 "every compile of 2 rounds x 4 builds x 5 compiles counted once"
"$E" verify > verify.txt || fail "bad objects after concurrent trim: $(cat verify.txt)"
"$E" trim --max-size 0 >/dev/null   # every lock free: this returns at once
find "$EDGECACHE_DIR" -name '*.tmp.*' | grep . >/dev/null && fail "temporary files left behind"
echo "PASS"
