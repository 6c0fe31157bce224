# Signatures are bound to the object's key: an attacker who can PUT to the
# remote but has no signing key copies a validly signed object (another
# compile's result, or another compile's manifest) over the name of the
# victim's object on a real nginx remote. A reader with the key rejects it,
# counts it, and compiles for real.
source "$(dirname "$0")/remote_lib.sh"
E="$EDGECACHE_BIN"
start_nginx
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
export EDGECACHE_SIGNING_KEY=correct-horse-battery
printf 'int answer(void) { return 42; }\n' > a.c
printf 'int answer(void) { return 7; }\n' > b.c
gcc -c a.c -o expected-a.o
gcc -c b.c -o expected-b.o
cmp -s expected-a.o expected-b.o && fail "test setup: a.c and b.c compile alike"

# objects_on_nginx PREFIX KIND: the remote paths of that kind, sorted.
objects_on_nginx() { (cd "$NGINX_DATA/$1" && find . -path "*/$2/*" -type f | sort); }

# ci_fills PREFIX: CI, with the key, stores a.c then b.c under PREFIX; sets
# A_RESULT, B_RESULT, A_MANIFEST, B_MANIFEST (paths below PREFIX).
ci_fills() {
  local prefix=$1
  EDGECACHE_DIR="$SCRATCH/ci-$prefix" EDGECACHE_REMOTE="$NGINX_URL/$prefix" "$E" gcc -c a.c -o a.o
  wait_uploads "$SCRATCH/ci-$prefix"
  A_RESULT=$(objects_on_nginx "$prefix" r)
  A_MANIFEST=$(objects_on_nginx "$prefix" m)
  EDGECACHE_DIR="$SCRATCH/ci-$prefix" EDGECACHE_REMOTE="$NGINX_URL/$prefix" "$E" gcc -c b.c -o b.o
  wait_uploads "$SCRATCH/ci-$prefix"
  B_RESULT=$(comm -13 <(echo "$A_RESULT") <(objects_on_nginx "$prefix" r))
  B_MANIFEST=$(comm -13 <(echo "$A_MANIFEST") <(objects_on_nginx "$prefix" m))
  for v in "$A_RESULT" "$B_RESULT" "$A_MANIFEST" "$B_MANIFEST"; do
    [ "$(wc -w <<<"$v")" = 1 ] || fail "test setup: expected one object per compile and kind, got '$v'"
  done
}

# attacker_copies PREFIX FROM TO: GET one object and PUT it at another name,
# as anyone with write access to the remote can.
attacker_copies() {
  curl -sf "$NGINX_URL/$1/$2" -o "$SCRATCH/stolen"
  curl -sf -T "$SCRATCH/stolen" "$NGINX_URL/$1/$3" || fail "attacker's PUT failed"
}

# victim_compiles PREFIX NAME: a fresh machine with the key compiles a.c;
# its object must be a plain compile's and the rejection counted.
victim_compiles() {
  local dir="$SCRATCH/victim-$2"
  EDGECACHE_DIR="$dir" EDGECACHE_REMOTE="$NGINX_URL/$1" "$E" gcc -c a.c -o a.o
  wait_uploads "$dir"
  cmp -s a.o expected-b.o && fail "$2: the victim was served b.c's object for a.c"
  cmp a.o expected-a.o || fail "$2: the victim's a.o differs from a plain compile"
  [ "$(EDGECACHE_DIR="$dir" stat_value rejected.signature)" -ge 1 ] ||
    fail "$2: the rejection was not counted as rejected.signature"
  expect_eq "$(EDGECACHE_DIR="$dir" stat_value miss)" 1 "$2: victim's misses"
}

note "b.c's validly signed result copied over a.c's result"
ci_fills swap-result
attacker_copies swap-result "$B_RESULT" "$A_RESULT"
victim_compiles swap-result result

note "b.c's validly signed manifest copied over a.c's manifest"
ci_fills swap-manifest
attacker_copies swap-manifest "$B_MANIFEST" "$A_MANIFEST"
victim_compiles swap-manifest manifest

note "untouched signed entries still serve a machine with the key"
EDGECACHE_DIR="$SCRATCH/teammate" EDGECACHE_REMOTE="$NGINX_URL/swap-result" "$E" gcc -c b.c -o b.o
cmp b.o expected-b.o || fail "signed round trip of b.c differs"
expect_eq "$(EDGECACHE_DIR="$SCRATCH/teammate" stat_value hit.remote)" 1 "teammate's remote hit"
echo "PASS"
