# A compile that misses hands its remote writes (the entry, then the merged
# manifest) to a background process and returns to the build at once: the
# upload reaches the remote after the launcher has exited (edgecache
# wait-uploads waits for it), and a remote that hangs or dies during the
# upload never fails the build nor holds it up. The server holds every PUT
# until the test says so, so nothing here is timed.
source "$(dirname "$0")/remote_lib.sh"
E="$EDGECACHE_BIN"
HELD="$SCRATCH/held"
mkdir -p "$HELD" "$SCRATCH/w" && cd "$SCRATCH/w"
python3 "$EDGECACHE_SOURCE_DIR/tests/integration/held_put_server.py" "$HELD" 120 &
for _ in $(seq 1 100); do [ -f "$HELD/port" ] && break; sleep 0.05; done
[ -f "$HELD/port" ] || fail "held-PUT server did not start"
trap 'kill "$(cat "$HELD/pid")" 2>/dev/null || true; remote_cleanup' EXIT
REMOTE="http://127.0.0.1:$(cat "$HELD/port")/cache|timeout=3000"
printf 'int answer(void) { return 42; }\n' > a.c
printf 'int other(void) { return 7; }\n' > b.c
gcc -c a.c -o expected-a.o
gcc -c b.c -o expected-b.o
count() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

note "a miss returns while its upload is still held by the server"
EDGECACHE_DIR="$SCRATCH/ci" EDGECACHE_REMOTE="$REMOTE" "$E" gcc -c a.c -o a.o 2>ci.err || fail "the compile failed: $(cat ci.err)"
cmp a.o expected-a.o || fail "a.o differs from a plain compile"
for _ in $(seq 1 200); do [ "$(count "$HELD/puts-started")" -ge 1 ] && break; sleep 0.02; done
expect_eq "$(count "$HELD/puts-started")" 1 "uploads started (the entry; the manifest waits for it)"
expect_eq "$(count "$HELD/puts-done")" 0 "uploads finished when the launcher had exited"
[ -s ci.err ] && fail "the compile printed: $(cat ci.err)"

note "released: the queued uploads reach the remote after the launcher exited"
touch "$HELD/release"
wait_uploads "$SCRATCH/ci" >wait.out 2>&1
expect_eq "$(count "$HELD/puts-done")" 2 "uploads done (entry and manifest)"
expect_eq "$(find "$HELD/data" -type f -path '*/r/*' | wc -l)" 1 "entries on the remote"
expect_eq "$(find "$HELD/data" -type f -path '*/m/*' | wc -l)" 1 "manifests on the remote"
[ -s wait.out ] && fail "wait-uploads printed: $(cat wait.out)"
expect_eq "$(stat_in "$SCRATCH/ci" remote.error)" 0 "remote errors of the uploads"
EDGECACHE_DIR="$SCRATCH/teammate" EDGECACHE_REMOTE="$REMOTE" "$E" gcc -c a.c -o a.o
cmp a.o expected-a.o || fail "the teammate's a.o differs from a plain compile"
expect_eq "$(stat_in "$SCRATCH/teammate" hit.remote)" 1 "the teammate's remote hits"

note "the server dies during the upload: the build is not held up and nothing breaks"
rm -f "$HELD/release"
before=$(count "$HELD/puts-started")
EDGECACHE_DIR="$SCRATCH/ci2" EDGECACHE_REMOTE="$REMOTE" "$E" gcc -c b.c -o b.o 2>ci2.err || fail "the compile failed: $(cat ci2.err)"
cmp b.o expected-b.o || fail "b.o differs from a plain compile"
for _ in $(seq 1 200); do [ "$(count "$HELD/puts-started")" -gt "$before" ] && break; sleep 0.02; done
[ "$(count "$HELD/puts-started")" -gt "$before" ] || fail "the upload of b never started"
expect_eq "$(count "$HELD/puts-done")" 2 "uploads finished when the launcher had exited"
touch "$HELD/drop"
wait_uploads "$SCRATCH/ci2" >wait2.out 2>&1
expect_eq "$(count "$HELD/puts-done")" 2 "uploads stored by the dead server"
# The local cache has it: the next compile here is a hit, the remote off.
rm -f "$HELD/drop"
EDGECACHE_DIR="$SCRATCH/ci2" EDGECACHE_REMOTE="$REMOTE" "$E" gcc -c b.c -o b.o 2>>wait2.out
cmp b.o expected-b.o || fail "b.o differs after the failed upload"
expect_eq "$(stat_in "$SCRATCH/ci2" hit.local)" 1 "local hits after the failed upload"
expect_eq "$(stat_in "$SCRATCH/ci2" remote.error)" 1 "remote errors counted by the upload"
note "what the user saw: $(cat wait2.out)"

# In CI the machine may go away right after the build: with CI set,
# background_uploads=auto makes the compile return only once its uploads
# are on the remote, with no wait-uploads at the end of the job.
printf 'int third(void) { return 3; }\n' > c.c
gcc -c c.c -o expected-c.o
rm -f "$HELD/drop" "$HELD/release"
note "CI=true: the compile is still running while the server holds its upload"
before=$(count "$HELD/puts-started")
done_before=$(count "$HELD/puts-done")
CI=true EDGECACHE_DIR="$SCRATCH/ci3" EDGECACHE_REMOTE="$REMOTE" "$E" gcc -c c.c -o c.o 2>ci3.err &
compile=$!
for _ in $(seq 1 200); do [ "$(count "$HELD/puts-started")" -gt "$before" ] && break; sleep 0.02; done
[ "$(count "$HELD/puts-started")" -gt "$before" ] || fail "the upload of c never started"
kill -0 "$compile" 2>/dev/null || fail "with CI=true the compile returned before its upload was stored"
touch "$HELD/release"
wait "$compile" || fail "the compile failed: $(cat ci3.err)"
cmp c.o expected-c.o || fail "c.o differs from a plain compile"
expect_eq "$(( $(count "$HELD/puts-done") - done_before ))" 2 "uploads stored when the CI compile returned"
[ -s ci3.err ] && fail "the compile printed: $(cat ci3.err)"

note "CI=true with background_uploads=true: the user's word wins, the compile returns at once"
rm -f "$HELD/release"
printf 'int fourth(void) { return 4; }\n' > d.c
before=$(count "$HELD/puts-started")
done_before=$(count "$HELD/puts-done")
CI=true EDGECACHE_BACKGROUND_UPLOADS=true EDGECACHE_DIR="$SCRATCH/ci4" EDGECACHE_REMOTE="$REMOTE" \
  "$E" gcc -c d.c -o d.o 2>ci4.err || fail "the compile failed: $(cat ci4.err)"
expect_eq "$(( $(count "$HELD/puts-done") - done_before ))" 0 "uploads finished when the launcher had exited"
touch "$HELD/release"
wait_uploads "$SCRATCH/ci4" >/dev/null 2>&1
expect_eq "$(( $(count "$HELD/puts-done") - done_before ))" 2 "uploads done after wait-uploads"
echo "PASS"
