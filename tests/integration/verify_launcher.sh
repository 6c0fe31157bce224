#!/usr/bin/env bash
# EDGECACHE_VERIFY for the launcher, with gcc and clang: a verified hit runs
# the real compile too and compares the object byte for byte. A clean cache
# verifies with no mismatch; a poisoned entry (two objects' entries
# swapped) is caught, reported with the first differing byte, counted as
# verify.mismatch, and the real object is kept; strict fails the compile;
# verify_ignore accepts the difference; a fraction samples the same hits
# on every run.
source "$(dirname "$0")/verify_lib.sh"

# compile CC NAME [env...]: NAME.o from NAME.c through the launcher;
# stderr in $SCRATCH/err.
compile() {
  local cc=$1 name=$2; shift 2
  (cd "$SCRATCH" && env "$@" "$EDGECACHE_BIN" "$cc" -O1 -c "src/$name.c" -o "$name.o") 2>"$SCRATCH/err"
}

for cc in gcc clang; do
  note "$cc"
  export EDGECACHE_DIR=$SCRATCH/cache-$cc
  (cd "$SCRATCH" && $cc -O1 -c src/a.c -o plain-a.o && $cc -O1 -c src/b.c -o plain-b.o)

  # Cold: one entry per object, named by the order of the compiles.
  result_entries >"$SCRATCH/none"
  compile "$cc" a || fail "cold compile of a"
  entry_a=$(entries_since "$SCRATCH/none"); result_entries >"$SCRATCH/after-a"
  compile "$cc" b || fail "cold compile of b"
  entry_b=$(entries_since "$SCRATCH/after-a")
  [ -n "$entry_a" ] && [ -n "$entry_b" ] || fail "no entries stored"

  # A clean cache: every hit verified, nothing differs.
  compile "$cc" a EDGECACHE_VERIFY=1 || fail "verified hit failed"
  compile "$cc" b EDGECACHE_VERIFY=all || fail "verified hit failed"
  expect_eq "$(counter verify.checked)" 2 "hits verified"
  expect_eq "$(counter verify.mismatch)" 0 "mismatches on a clean cache"
  expect_eq "$(counter hit.local)" 2 "verified hits still count as hits"
  grep -q verify "$SCRATCH/err" && fail "a matching hit printed: $(cat "$SCRATCH/err")"

  # Poisoned: without verify the wrong object is restored (the poison works).
  poison "$entry_a" "$entry_b"
  compile "$cc" a || fail "hit on the poisoned entry failed"
  cmp -s "$SCRATCH/a.o" "$SCRATCH/plain-a.o" && fail "poisoned entry restored the right object"

  # --verify: caught, described, counted; the real object is kept; exit 0.
  compile "$cc" a EDGECACHE_VERIFY=1 || fail "plain verify failed a compile that succeeds"
  grep -q "verify: a.o differs from the cache entry r-.*: object a.o: first difference at byte [0-9]*, [0-9]* bytes cached, [0-9]* real" \
    "$SCRATCH/err" || fail "mismatch not described: $(cat "$SCRATCH/err")"
  cmp -s "$SCRATCH/a.o" "$SCRATCH/plain-a.o" || fail "verify did not keep the real object"
  expect_eq "$(counter verify.mismatch)" 1 "verify.mismatch"

  # strict: the compile fails, with the real object in place.
  if compile "$cc" b EDGECACHE_VERIFY=strict; then fail "strict verify passed a poisoned hit"; fi
  grep -q "verify: b.o differs" "$SCRATCH/err" || fail "strict: no description"
  cmp -s "$SCRATCH/b.o" "$SCRATCH/plain-b.o" || fail "strict verify did not keep the real object"
  expect_eq "$(counter verify.mismatch)" 2 "verify.mismatch after strict"

  # verify_ignore: the difference is accepted (counted as ignored), even strict.
  compile "$cc" a EDGECACHE_VERIFY=strict "EDGECACHE_VERIFY_IGNORE=*.txt:*.o" || fail "ignored difference failed strict"
  grep -q verify "$SCRATCH/err" && fail "an ignored difference printed: $(cat "$SCRATCH/err")"
  expect_eq "$(counter verify.ignored)" 1 "verify.ignored"
  expect_eq "$(counter verify.mismatch)" 2 "verify.mismatch after an ignored difference"
done

# A fraction samples by key: the same hits are checked on every run.
note "sampling"
export EDGECACHE_DIR=$SCRATCH/cache-sample
for i in 1 2 3 4 5 6 7 8 9 10; do echo "int f$i(void) { return $i; }" >"$SRC/s$i.c"; done
sample_run() {
  for i in 1 2 3 4 5 6 7 8 9 10; do compile gcc "s$i" "$@" || fail "compile of s$i"; done
}
sample_run
sample_run EDGECACHE_VERIFY=0.5
first=$(counter verify.checked)
sample_run EDGECACHE_VERIFY=0.5
expect_eq "$(counter verify.checked)" $((2 * first)) "the same sample on the second run"
[ "$first" -lt 10 ] || fail "a 0.5 sample verified all 10 hits"
sample_run EDGECACHE_VERIFY=0
expect_eq "$(counter verify.checked)" $((2 * first)) "EDGECACHE_VERIFY=0 verified"

# A malformed value: one configuration warning; the compile still works.
compile gcc a EDGECACHE_VERIFY=sometimes || fail "a bad EDGECACHE_VERIFY broke the compile"
grep -q "configuration error.*verify" "$SCRATCH/err" || fail "bad EDGECACHE_VERIFY not reported: $(cat "$SCRATCH/err")"
echo PASS
