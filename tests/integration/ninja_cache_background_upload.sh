#!/usr/bin/env bash
# edgecache-ninja hands each step's remote writes (the entry, then the merged
# manifest, whose read-backs pause 50-100 ms) to background threads: while
# the server holds every upload, every step of a cold build still runs,
# since Ninja's main thread never waits for the remote, and the build ends
# only once its uploads are done, so a teammate then hits every step.
# Nothing is timed: the server holds PUTs until the test says so.
source "$(dirname "$0")/ninja_cache_common.sh"

HELD=$WORK/held
mkdir -p "$HELD"
python3 "$EDGECACHE_SOURCE_DIR/tests/integration/held_put_server.py" "$HELD" 120 &
for _ in $(seq 1 100); do [ -f "$HELD/port" ] && break; sleep 0.05; done
[ -f "$HELD/port" ] || fail "held-PUT server did not start"
trap 'kill "$(cat "$HELD/pid")" 2>/dev/null || true; cleanup' EXIT
export EDGECACHE_REMOTE="http://127.0.0.1:$(cat "$HELD/port")/cache|timeout=60000"
count() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
teammate_checkouts

# The configure's try-compiles upload too: let those through.
touch "$HELD/release"
as_teammate "$A"
rm "$HELD/release"
uploads_before=$(count "$HELD/puts-started")

"$WRAPPER" -C "$A/build" >"$WORK/a.log" 2>&1 &
pid=$!
# Every step runs while the first uploads are held (hello: 5 compiles, 1
# archive, 1 link): with the uploads on the main thread, the build would
# stop at the first step's manifest.
for _ in $(seq 1 1500); do
  [ "$(tool_runs)" -ge 7 ] && [ "$(count "$HELD/puts-started")" -gt "$uploads_before" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
[ "$(tool_runs)" = 7 ] || { kill "$pid"; cat "$WORK/a.log" >&2; fail "$(tool_runs) of 7 steps ran while the uploads were held"; }
kill -0 "$pid" 2>/dev/null || { cat "$WORK/a.log" >&2; fail "the build ended before its uploads were done"; }
touch "$HELD/release"
wait "$pid" || { cat "$WORK/a.log" >&2; fail "alice's build failed"; }
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
[ "$(stat_value remote.error)" = 0 ] || fail "remote errors: $(stat_value remote.error)"

# Every upload was done when the build returned: bob hits every step.
as_teammate "$B"
build_log "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
same_hello_outputs "$A/build" "$B/build"
echo "PASS"
