# Compile errors, a corrupted cache, an unwritable cache dir and a bad config
# never break a build and never give a wrong result.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
printf 'int ok(void) { return 1; }\n' > ok.c

note "a compile error is reported with the compiler's status and never cached"
printf 'int broken(void) { return }\n' > bad.c
set +e
with_decisions "$SCRATCH/bad1.decisions" "$E" gcc -c bad.c -o bad.o 2> err1.txt; status1=$?
with_decisions "$SCRATCH/bad2.decisions" "$E" gcc -c bad.c -o bad.o 2> err2.txt; status2=$?
set -e
[ "$status1" -ne 0 ] && [ "$status2" -ne 0 ] || fail "compile error did not fail"
grep -q "error" err1.txt && grep -q "error" err2.txt || fail "compiler error text missing"
expect_outcomes "the failing compile ran the compiler" "$SCRATCH/bad1.decisions" "bad.o=failed"
expect_outcomes "and ran it again" "$SCRATCH/bad2.decisions" "bad.o=failed"
[ ! -e bad.o ] || fail "an object appeared for a failed compile"

note "a corrupted cache is a miss, the build goes on with correct objects"
"$E" gcc -c ok.c -o ok.o
cp ok.o ok.expected.o
find "$EDGECACHE_DIR" -type f \( -name 'r-*' -o -name 'm-*' \) | while read -r f; do
  head -c 40 "$f" > "$f.tmp" && printf 'garbage' >> "$f.tmp" && mv "$f.tmp" "$f"
done
rm ok.o
with_decisions "$SCRATCH/corrupt.decisions" "$E" gcc -c ok.c -o ok.o
cmp ok.o ok.expected.o || fail "object after corruption differs"
expect_outcomes "a corrupted entry" "$SCRATCH/corrupt.decisions" "ok.o=ran"
[ "$(stat_value corrupt)" -ge 1 ] || fail "corruption not counted"
note "the corrupt entry was replaced: next time it hits"
rm ok.o
with_decisions "$SCRATCH/repaired.decisions" "$E" gcc -c ok.c -o ok.o
expect_outcomes "hit after corruption repaired" "$SCRATCH/repaired.decisions" "ok.o=local-hit"
cmp ok.o ok.expected.o || fail "object from repaired entry differs"

note "an unwritable cache dir: the compile succeeds with one warning"
mkdir -p "$SCRATCH/ro" && touch "$SCRATCH/ro/not-a-dir"
EDGECACHE_DIR="$SCRATCH/ro/not-a-dir/cache" "$E" gcc -c ok.c -o ok2.o 2> warn.txt
cmp ok2.o ok.expected.o || fail "object with unwritable cache differs"
grep -q "edgecache: warning" warn.txt || fail "no warning for an unwritable cache dir"
EDGECACHE_DIR="$SCRATCH/ro/not-a-dir/cache" "$E" gcc -c ok.c -o ok3.o 2> warn2.txt
[ ! -s warn2.txt ] || fail "the warning repeated on the next compile: $(cat warn2.txt)"

note "a malformed config: compile runs uncached, edgecache config names the problem"
mkdir -p "$XDG_CONFIG_HOME/edgecache"
echo '{ "max_size": "lots" }' > "$XDG_CONFIG_HOME/edgecache/config.json"
"$E" gcc -c ok.c -o ok4.o 2> warn3.txt
cmp ok4.o ok.expected.o || fail "object with bad config differs"
grep -q "max_size" warn3.txt || fail "bad config warning does not name the key"
set +e; "$E" config > cfg.txt 2>&1; cfg_status=$?; set -e
[ "$cfg_status" -ne 0 ] || fail "edgecache config exits 0 with a bad config"
grep -q 'invalid value "lots" for max_size' cfg.txt || fail "config output lacks the bad value: $(cat cfg.txt)"
echo '{ not json' > "$XDG_CONFIG_HOME/edgecache/config.json"
set +e; "$E" config > cfg2.txt 2>&1; set -e
grep -q "config.json: not a JSON object" cfg2.txt || fail "malformed JSON not reported"
rm "$XDG_CONFIG_HOME/edgecache/config.json"

note "EDGECACHE_DISABLE=1 runs the compiler with no cache at all"
before=$(stat_value hit.local)
EDGECACHE_DISABLE=1 with_decisions "$SCRATCH/disabled.decisions" "$E" gcc -c ok.c -o ok5.o
expect_eq "$(stat_value hit.local)" "$before" "disabled run touched the cache"
[ ! -e "$SCRATCH/disabled.decisions" ] || fail "the disabled run decided something: $(cat "$SCRATCH/disabled.decisions")"
cmp ok5.o ok.expected.o || fail "object with the cache disabled differs"

note "Ctrl-C during a compile the launcher added its depfile to leaves no file in TMPDIR"
# A "gcc" that writes the depfile it is given at once, as cc1 does early,
# then compiles slowly; the launcher adds -MD -MF (the call names no depfile).
mkdir -p "$SCRATCH/slow" "$SCRATCH/tmpdir"
cat > "$SCRATCH/slow/gcc" <<'GCC'
#!/bin/sh
case " $* " in *" -c "*) ;; *) exec /usr/bin/gcc "$@" ;; esac
previous=
for arg; do
  [ "$previous" = -MF ] && printf 'ok.o: ok.c\n' > "$arg" && touch "${0%/gcc}/written"
  previous=$arg
done
sleep 30
exec /usr/bin/gcc "$@"
GCC
chmod +x "$SCRATCH/slow/gcc"
# (A script's background job starts with SIGINT ignored: back to the default,
# as in a terminal.)
TMPDIR="$SCRATCH/tmpdir" setsid env --default-signal=INT "$E" "$SCRATCH/slow/gcc" -c ok.c \
  -o slow.o 2>/dev/null &
launcher=$!
for _ in $(seq 100); do
  [ -e "$SCRATCH/slow/written" ] && break
  sleep 0.1
done
ls "$SCRATCH/tmpdir"/edgecache-*-deps-*.d >/dev/null 2>&1 || fail "the compile never got its temporary depfile"
kill -INT -- "-$launcher"  # the whole process group, as a terminal's Ctrl-C
set +e; wait "$launcher"; interrupted=$?; set -e
[ "$interrupted" -ne 0 ] || fail "an interrupted compile exited 0"
leftovers=$(find "$SCRATCH/tmpdir" -name 'edgecache-*' | wc -l)
[ "$leftovers" = 0 ] || fail "temporary depfile left after Ctrl-C: $(ls "$SCRATCH/tmpdir")"
echo "PASS"
