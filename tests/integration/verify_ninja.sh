#!/usr/bin/env bash
# edgecache-ninja --verify: every hit (or a sampled fraction) also runs its
# command and the outputs are compared byte for byte. A generator writing a
# timestamp differs on every run (verify_ignore accepts it); a poisoned
# entry (two objects' entries swapped) is caught once per edge, counted in
# the summary, stats, run record and HTML report, and the real outputs are
# kept; plain --verify exits 0, --verify=strict exits 1.
source "$(dirname "$0")/verify_lib.sh"
: "${EDGECACHE_NINJA_BIN:?}"
B=$SCRATCH/b
mkdir -p "$B"
cat >"$B/build.ninja" <<'NINJA'
rule cc
  command = gcc -O1 -MD -MF $out.d -c $in -o $out
  depfile = $out.d
  deps = gcc
rule stamp
  command = date +%s%N > $out
build a.o: cc ../src/a.c
build b.o: cc ../src/b.c
build stamp.txt: stamp ../src/a.c
NINJA
(cd "$SCRATCH" && gcc -O1 -c src/a.c -o plain-a.o && gcc -O1 -c src/b.c -o plain-b.o)

# wrapped LOG [args...]: edgecache-ninja in $B, output in LOG; its exit status.
wrapped() {
  local log=$1; shift
  "$EDGECACHE_NINJA_BIN" -C "$B" "$@" >"$log" 2>&1
}
summary() { grep '^edgecache: [0-9]' "$1" | sed 's/, [0-9.hms]* saved$//'; }
record() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$B/.edgecache/last-run.json"; }
clean() { rm -f "$B/a.o" "$B/b.o" "$B/stamp.txt"; }

# Cold, one edge at a time, to know which entry is whose.
result_entries >"$SCRATCH/e0"
wrapped "$SCRATCH/cold.log" a.o || fail "cold a.o"
entry_a=$(entries_since "$SCRATCH/e0"); result_entries >"$SCRATCH/e1"
wrapped "$SCRATCH/cold.log" b.o || fail "cold b.o"
entry_b=$(entries_since "$SCRATCH/e1")
wrapped "$SCRATCH/cold.log" stamp.txt || fail "cold stamp.txt"
[ -n "$entry_a" ] && [ -n "$entry_b" ] || fail "no entries stored"

note "clean cache: only the timestamp differs"
clean
wrapped "$SCRATCH/v1.log" --verify || { cat "$SCRATCH/v1.log" >&2; fail "--verify failed a good build"; }
expect_eq "$(summary "$SCRATCH/v1.log")" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran, 3 hits verified (1 differed)" summary
grep -q "^edgecache: verify: stamp.txt differs from the cache entry: output:0 stamp.txt: first difference at byte" "$SCRATCH/v1.log" ||
  { cat "$SCRATCH/v1.log" >&2; fail "timestamp difference not described"; }
expect_eq "$(record "d['totals']['verified'], d['totals']['verify_mismatch']")" "3 1" "record totals"

note "verify_ignore accepts the timestamp"
clean
EDGECACHE_VERIFY_IGNORE='*.txt' wrapped "$SCRATCH/v2.log" --verify=strict || { cat "$SCRATCH/v2.log" >&2; fail "ignored difference failed strict"; }
expect_eq "$(summary "$SCRATCH/v2.log")" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran, 3 hits verified (0 differed)" summary
grep -q 'verify:' "$SCRATCH/v2.log" && fail "an ignored difference printed"
expect_eq "$(stat_value verify.ignored)" 1 "verify.ignored"
cmp -s "$B/a.o" "$SCRATCH/plain-a.o" || fail "a.o differs from gcc's own"

note "poisoned entries"
poison "$entry_a" "$entry_b"
clean
wrapped "$SCRATCH/p0.log" || fail "build with poisoned entries"
cmp -s "$B/a.o" "$SCRATCH/plain-a.o" && fail "the poisoned entry restored the right a.o"
clean
export EDGECACHE_VERIFY_IGNORE='stamp.txt'
mismatches_before=$(stat_value verify.mismatch)
wrapped "$SCRATCH/p1.log" --verify || { cat "$SCRATCH/p1.log" >&2; fail "plain --verify failed a build that succeeds"; }
expect_eq "$(summary "$SCRATCH/p1.log")" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran, 3 hits verified (2 differed)" summary
for o in a b; do
  expect_eq "$(grep -c "^edgecache: verify: $o.o differs from the cache entry: object $o.o: first difference at byte [0-9]*, [0-9]* bytes cached, [0-9]* real" "$SCRATCH/p1.log")" 1 "lines about $o.o"
  cmp -s "$B/$o.o" "$SCRATCH/plain-$o.o" || fail "--verify did not keep the real $o.o"
done
expect_eq "$(stat_value verify.mismatch)" $((mismatches_before + 2)) "verify.mismatch in stats"
expect_eq "$(record "sorted(e['output'] for e in d['edges'] if e['verify']=='mismatch')")" "['a.o', 'b.o']" "mismatched edges in the record"
record "[e['detail'] for e in d['edges'] if e['output']=='a.o'][0]" | grep -q "first difference at byte" || fail "record detail"
page=$("$EDGECACHE_BIN" report "$B") || fail "edgecache report"
grep -q '<table id="verify">' "$page" || fail "no verify section in the report"
expect_eq "$(grep -c 'class="bar verify-mismatch' "$page")" 2 "mismatch bars in the timeline"
grep -q '2 differed from the cache' "$page" || fail "verify section count"

note "--verify=strict"
clean
if wrapped "$SCRATCH/p2.log" --verify=strict; then cat "$SCRATCH/p2.log" >&2; fail "--verify=strict passed a poisoned build"; fi
grep -q 'verify=strict: cached outputs differed' "$SCRATCH/p2.log" || fail "strict: no final message"
cmp -s "$B/a.o" "$SCRATCH/plain-a.o" || fail "strict did not keep the real a.o"

note "a fraction samples the same edges each run"
clean
wrapped "$SCRATCH/f1.log" --verify=0.5 || fail "--verify=0.5"
first=$(record "sorted(e['output'] for e in d['edges'] if e['verify'])")
clean
wrapped "$SCRATCH/f2.log" --verify=0.5 || fail "--verify=0.5"
expect_eq "$(record "sorted(e['output'] for e in d['edges'] if e['verify'])")" "$first" "sampled edges"

note "bad values"
if wrapped "$SCRATCH/bad.log" --verify=often; then fail "--verify=often accepted"; fi
grep -q -- "--verify takes a fraction" "$SCRATCH/bad.log" || fail "no message for a bad --verify"
echo PASS
