# With a signing key, a reader rejects entries written without the key:
# a writable remote cannot be poisoned. Secrets never reach logs or output.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
export EDGECACHE_REMOTE="file://$SCRATCH/shared"
printf 'int answer(void) { return 42; }\n' > a.c
gcc -c a.c -o expected.o

note "CI, with the key, stores a.c's entry in the shared cache"
EDGECACHE_DIR="$SCRATCH/ci" EDGECACHE_SIGNING_KEY=correct-horse-battery "$E" gcc -c a.c -o a.o

note "an attacker without the key overwrites the result with a poisoned one"
printf 'int answer(void) { return 666; }\n' > evil.c
gcc -c evil.c -o evil.o
# The poison: the attacker's own result for evil.c, copied over the name of
# the victim's result for a.c (anyone who can PUT to the remote can do this).
result=$(find "$SCRATCH/shared" -name 'r-*')
[ -n "$result" ] || fail "no shared result written"
EDGECACHE_DIR="$SCRATCH/attacker" "$E" gcc -c evil.c -o evil.o
evil_result=$(find "$SCRATCH/attacker" -name 'r-*' | head -n 1)
cp "$evil_result" "$result"

note "a victim without a key would be served the poison (why signing exists)"
# (Every compile of a.c writes a.o: the output name is part of the key.)
EDGECACHE_DIR="$SCRATCH/victim-nokey" "$E" gcc -c a.c -o a.o
cmp -s a.o evil.o || fail "test setup: the poison did not take (so the next check proves nothing)"

note "a victim with the key rejects it, compiles for real and counts the rejection"
export EDGECACHE_SIGNING_KEY=correct-horse-battery
EDGECACHE_DIR="$SCRATCH/victim" "$E" gcc -c a.c -o a.o
cmp a.o expected.o || fail "the signed reader was served a poisoned object"
[ "$(EDGECACHE_DIR="$SCRATCH/victim" stat_value rejected.signature)" -ge 1 ] || fail "rejection not counted"

note "entries written with the key are read by another machine with the key"
EDGECACHE_DIR="$SCRATCH/second" "$E" gcc -c a.c -o a.o
cmp a.o expected.o || fail "signed round trip differs"
expect_eq "$(EDGECACHE_DIR="$SCRATCH/second" stat_value hit.remote)" 1 "signed remote hit"

note "secrets never appear in config output, stats, logs or warnings"
export EDGECACHE_REMOTE_TOKEN=tok-SECRET-987 EDGECACHE_LOG="$SCRATCH/decisions.log"
EDGECACHE_REMOTE="http://user:pw-SECRET-654@127.0.0.1:1/x" "$E" gcc -c a.c -o t.o 2> warn.txt
EDGECACHE_REMOTE="http://user:pw-SECRET-654@127.0.0.1:1/x" "$E" config > config.txt 2>&1 || true
"$E" stats --json > stats.txt
for f in warn.txt config.txt stats.txt "$SCRATCH/decisions.log"; do
  if grep -E "SECRET|correct-horse" "$f" >/dev/null; then fail "a secret leaked into $f: $(cat "$f")"; fi
done
grep "(set, hidden)" config.txt >/dev/null || fail "config does not say the token is set"
echo "PASS"
