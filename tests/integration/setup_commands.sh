# edgecache connect, doctor and explain against a real nginx and real compiles.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
FIXTURE="$EDGECACHE_SOURCE_DIR/tests/fixtures/nginx_fixture.sh"
mkdir -p "$SCRATCH/nginx"
bash "$FIXTURE" start "$SCRATCH/nginx" >/dev/null
trap 'bash "$FIXTURE" stop "$SCRATCH/nginx" >/dev/null 2>&1 || true; cleanup' EXIT
PORT=$(cat "$SCRATCH/nginx/port")
mkdir -p "$SCRATCH/proj/sub" && cd "$SCRATCH/proj"

note "connect checks the server with a round trip and writes edgecache.json"
"$E" connect "http://127.0.0.1:$PORT/team" > out.txt
grep "read it back *ok" out.txt >/dev/null || fail "no read-back step: $(cat out.txt)"
python3 -c "import json; assert json.load(open('edgecache.json'))['remote'] == 'http://127.0.0.1:$PORT/team'"
(cd sub && "$E" config | grep "remote.*127.0.0.1:$PORT/team.*edgecache.json" >/dev/null) \
  || fail "the project file is not found from a subdirectory"

note "connect keeps other keys and never writes the token unless asked"
echo '{"max_size": "1G"}' > edgecache.json
EDGECACHE_REMOTE_TOKEN=tok-123-secret "$E" connect "http://127.0.0.1:$PORT/team" > out2.txt
grep "max_size" edgecache.json >/dev/null || fail "connect dropped an existing key"
if grep "tok-123-secret" edgecache.json out2.txt >/dev/null; then fail "token written or printed"; fi
grep "Bearer tok-123-secret" "$SCRATCH/nginx/access.log" >/dev/null || fail "token not sent"

note "a failing server is named by step, and nothing is written"
cp edgecache.json before.json
for url in "http://127.0.0.1:1/x" "http://127.0.0.1:$PORT/fail500/x" "http://host.invalid/x" "ftp://nope"; do
  set +e; "$E" connect "$url" > bad.txt 2>&1; status=$?; set -e
  [ "$status" -ne 0 ] || fail "connect $url succeeded"
  cmp -s edgecache.json before.json || fail "connect $url changed edgecache.json"
done
{ "$E" connect "http://127.0.0.1:1/x" 2>&1 || true; } | grep "FAILED.*connect" >/dev/null || fail "refused not named"
{ "$E" connect "http://127.0.0.1:$PORT/fail500/x" 2>&1 || true; } | grep "FAILED.*HTTP 500" >/dev/null || fail "500 not named"
{ "$E" connect "http://host.invalid/x" 2>&1 || true; } | grep "FAILED.*DNS" >/dev/null || fail "DNS failure not named"

note "doctor passes with a working remote and fails with a broken one"
"$E" doctor > doctor.txt || fail "doctor failed: $(cat doctor.txt)"
grep "remote read it back" doctor.txt >/dev/null || fail "doctor did not probe the remote"
set +e; EDGECACHE_REMOTE="http://127.0.0.1:1/x" "$E" doctor > doctor2.txt; status=$?; set -e
[ "$status" -ne 0 ] || fail "doctor passed with a dead remote"
grep "FAIL" doctor2.txt >/dev/null || fail "doctor shows no FAIL line"
set +e; EDGECACHE_MAX_SIZE=huge "$E" doctor > doctor3.txt; status=$?; set -e
[ "$status" -ne 0 ] || fail "doctor passed with a bad config"
rm edgecache.json

note "explain names a changed flag and a changed header"
printf '#include "h.h"\nint f(void) { return H; }\n' > a.c
echo '#define H 1' > h.h
"$E" gcc -O1 -c a.c -o a.o
"$E" gcc -O2 -c a.c -o a.o
"$E" explain a.o > explain1.txt
grep "changed arg.*-O1 -> -O2" explain1.txt >/dev/null || fail "flag change not explained: $(cat explain1.txt)"
echo '#define H 2' > h.h
"$E" gcc -O2 -c a.c -o a.o
"$E" explain a.o > explain2.txt
grep "dependency .*h.h changed" explain2.txt >/dev/null || fail "header change not explained: $(cat explain2.txt)"
set +e; "$E" explain never-built.o > none.txt 2>&1; status=$?; set -e
[ "$status" -ne 0 ] && grep "no record" none.txt >/dev/null || fail "unknown output not reported"
cat explain1.txt explain2.txt
echo "PASS"
