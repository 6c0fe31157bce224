#!/usr/bin/env bash
# Final outputs first (issue 15 part 2). When a teammate's whole chain hits
# (objects -> libgreet.a -> hello), the prefetch writes hello as soon as its
# entry is found, before the main thread reaches the link; at the link's
# turn the main thread looks it up again with the files on disk and restores
# the same bytes (its mtime then follows its inputs'), so Ninja's next run
# has nothing to do.
# To see the order, a step that takes seconds and misses for the teammate
# (slow.in differs) holds the only slot of -j1: the link's turn comes only
# after it, so hello must exist while it still runs. Then that build is
# killed (after the early write, before the link's turn): the next build
# must not trust hello (no .ninja_log record: Ninja finds it dirty), and
# ends with alice's outputs and nothing to do after.
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote
cat >>"$SRC/CMakeLists.txt" <<'CMAKE'
# Seconds long, and a miss for a teammate whose slow.in differs.
add_custom_command(OUTPUT slow.stamp
  COMMAND sleep 4
  COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_SOURCE_DIR}/slow.in slow.stamp
  COMMAND grep -qv fail slow.stamp
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/slow.in)
add_custom_target(slow ALL DEPENDS slow.stamp)
CMAKE
echo alice >"$SRC/slow.in"
teammate_checkouts
C=$WORK/carol
D=$WORK/dave
mkdir -p "$C" "$D" && cp -r "$SRC" "$C/src" && cp -r "$SRC" "$D/src"
echo bob >"$B/src/slow.in"
echo carol >"$C/src/slow.in"

as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
expect_outcomes "alice" "$A/build" "$(each_step ran $HELLO_EDGES slow.stamp)"

# no_work <build dir>: plain Ninja has nothing to do there.
no_work() {
  local out
  out=$("$REAL_NINJA" -C "$1" -n -d explain 2>&1)
  case "$out" in *"no work to do"*) ;; *) echo "$out" >&2; fail "plain ninja would still build in $1" ;; esac
}

# Bob: killed after the early write of hello, before the link's turn.
as_teammate "$B"
setsid "$WRAPPER" -C "$B/build" -j1 >"$WORK/b.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  [ -e "$B/build/hello" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.01
done
[ -e "$B/build/hello" ] && [ ! -e "$B/build/slow.stamp" ] && kill -0 "$pid" 2>/dev/null || {
  kill -9 -- "-$pid" 2>/dev/null
  cat "$WORK/b.log" >&2
  fail "hello was not written before the link's turn (while the slow step ran)"
}
kill -9 -- "-$pid"
wait "$pid" 2>/dev/null || true
cmp -s "$A/build/hello" "$B/build/hello" || fail "the hello written early differs from alice's"
! grep -q "	hello	" "$B/build/.ninja_log" || fail "hello is in the build log before its turn"
"$REAL_NINJA" -C "$B/build" -n | grep -q "Linking CXX executable hello" ||
  fail "after the kill, plain ninja would not build hello again"
build_log "$B/build" "$WORK/b2.log"
same_hello_outputs "$A/build" "$B/build"
no_work "$B/build"

# Dave: the slow step fails (its input says "fail") after hello was
# written early: Ninja stops before the link's turn, so nothing confirmed
# hello's early bytes; the build removes them as it ends. Fixed, the next
# build ends with alice's outputs and nothing to do.
echo fail >"$D/src/slow.in"
as_teammate "$D"
if "$WRAPPER" -C "$D/build" -j1 >"$WORK/d.log" 2>&1; then cat "$WORK/d.log" >&2; fail "dave's build did not fail"; fi
[ "$(stat_value prefetch.written_early)" -ge 1 ] || { cat "$WORK/d.log" >&2; fail "hello was not written early for dave"; }
[ ! -e "$D/build/hello" ] || fail "hello, written early and never decided, is still there after the failed build"
[ "$(stat_value prefetch.early_removed)" = 1 ] || fail "prefetch.early_removed is $(stat_value prefetch.early_removed)"
echo alice >"$D/src/slow.in"
build_log "$D/build" "$WORK/d2.log"
same_hello_outputs "$A/build" "$D/build"
no_work "$D/build"

# Carol: the same, not killed. hello was written early, then restored again
# at its turn (its record says so); nothing is left to do after, and an
# edit rebuilds what plain Ninja rebuilds in alice's build (built for real).
as_teammate "$C"
"$WRAPPER" -C "$C/build" -j1 >"$WORK/c.log" 2>&1 || { cat "$WORK/c.log" >&2; fail "carol's build failed"; }
expect_outcomes "carol" "$C/build" "slow.stamp=ran $(each_step remote-hit $HELLO_EDGES)"
detail=$(record_value "$C/build" "[e['detail'] for e in d['edges'] if e['output'] == 'hello'][0]")
case "$detail" in *"written early by the prefetch"*) ;; *) fail "hello's record: '$detail'" ;; esac
[ "$(stat_value prefetch.written_early)" -ge 1 ] || fail "prefetch.written_early is $(stat_value prefetch.written_early)"
[ "$(stat_value prefetch.early_replaced)" = 0 ] || fail "prefetch.early_replaced is $(stat_value prefetch.early_replaced)"
same_hello_outputs "$A/build" "$C/build"
no_work "$C/build"
for who in "$A" "$C"; do echo '// edited' >>"$who/src/src/greet.cpp"; done
# steps_to_do <build dir>: what plain Ninja would run there, in order.
steps_to_do() { "$REAL_NINJA" -C "$1" -n | sed -n 's/^\[[0-9]*\/[0-9]*\] //p'; }
[ "$(steps_to_do "$C/build")" = "$(steps_to_do "$A/build")" ] || {
  diff <(steps_to_do "$A/build") <(steps_to_do "$C/build") >&2
  fail "after an edit, carol's build would not rebuild what alice's would"
}
echo "PASS"
