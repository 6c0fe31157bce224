# 16 compiles at once into one cache dir leave it consistent.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
for i in $(seq 1 8); do printf 'int f%d(void) { return %d; }\n' "$i" "$i" > "f$i.c"; done

round() {  # 16 compiles: each of 8 sources twice, concurrently
  local pids=()
  for i in $(seq 1 8); do
    for j in a b; do "$E" gcc -c "f$i.c" -o "f$i.$j.o" & pids+=($!); done
  done
  for p in "${pids[@]}"; do wait "$p" || fail "a parallel compile failed"; done
}
round
for i in $(seq 1 8); do gcc -c "f$i.c" -o "f$i.expected.o"; done
for i in $(seq 1 8); do
  cmp "f$i.a.o" "f$i.expected.o" && cmp "f$i.b.o" "f$i.expected.o" || fail "object $i differs"
done
total=$(( $(stat_value hit.local) + $(stat_value miss) ))
expect_eq "$total" 16 "every compile counted once"

note "second round: all hits"
rm -f f*.a.o f*.b.o
with_decisions "$SCRATCH/second.decisions" round
expect_outcomes "second round: every compile hits" "$SCRATCH/second.decisions" "$(each_step local-hit f{1..8}.{a,b}.o)"
for i in $(seq 1 8); do cmp "f$i.a.o" "f$i.expected.o" || fail "object $i from cache differs"; done
if find "$EDGECACHE_DIR" -name '*.tmp.*' | grep . >/dev/null; then fail "temporary files left behind"; fi
echo "PASS"
