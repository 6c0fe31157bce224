#!/usr/bin/env bash
# A remote that accepts connections and never answers: edgecache-ninja's
# build succeeds (every step runs, outputs as plain ninja's), waits for it
# only about one first-byte timeout, and says so in one warning line. The
# warning used to be lost: the prefetch worker still waiting on the server
# when the build ended was the one that switched the remote off.
source "$(dirname "$0")/ninja_cache_common.sh"

SLOW_DIR=$WORK/slow
mkdir -p "$SLOW_DIR"
python3 "$(dirname "$0")/slow_server.py" "$SLOW_DIR" 120 &
trap 'kill "$(cat "$SLOW_DIR/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do [ -f "$SLOW_DIR/port" ] && break; sleep 0.05; done
[ -f "$SLOW_DIR/port" ] || fail "the silent server did not start"

wrapped=$WORK/wrapped
configure_hello "$wrapped" "$WRAPPER"
rm -rf "$EDGECACHE_DIR"  # its configure's try-compiles met the server already
export EDGECACHE_REMOTE="http://127.0.0.1:$(cat "$SLOW_DIR/port")/cache|first-byte-timeout=300"
build_log "$wrapped" "$WORK/silent.log"
expect_summary "$WORK/silent.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
warnings=$(grep -c '^edgecache: warning' "$WORK/silent.log" || true)
[ "$warnings" = 1 ] || { cat "$WORK/silent.log" >&2; fail "$warnings warning lines for one silent remote, expected 1"; }
grep -q '^edgecache: warning: .*no response \[first-byte-timeout=300ms\]; remote cache off' "$WORK/silent.log" ||
  { cat "$WORK/silent.log" >&2; fail "the warning does not say the remote timed out"; }

plain=$WORK/plain
configure_hello "$plain" "$REAL_NINJA"
cmake --build "$plain" >/dev/null 2>&1 || fail "plain build failed"
same_hello_outputs "$plain" "$wrapped"
echo "ok: one warning, every step ran, outputs as plain ninja's"
