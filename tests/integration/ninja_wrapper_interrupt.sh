#!/usr/bin/env bash
# SIGINT and SIGTERM stop the running commands, as in Ninja: exit status 2,
# "interrupted by user", no command left running, and the output that the
# interrupted command may have half-written is removed.
source "$(dirname "$0")/ninja_wrapper_common.sh"

mkdir "$WORK/slow"
cat >"$WORK/slow/build.ninja" <<'NINJA'
rule slow
  command = sh -c 'echo $$$$ > $out.pid; echo partial > $out; exec sleep 60'
build a: slow
build b: slow
NINJA

# running <pid>: alive and not a zombie (PID 1 of a container may never reap
# the orphaned command, which does not make it a running one).
running() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

for signal in INT TERM; do
  (cd "$WORK/slow" && rm -f a b a.pid b.pid)
  "$WRAPPER" -C "$WORK/slow" -j2 >"$WORK/$signal.log" 2>&1 &
  wrapper=$!
  for _ in $(seq 100); do
    [ -s "$WORK/slow/a.pid" ] && [ -s "$WORK/slow/b.pid" ] && break
    sleep 0.1
  done
  [ -s "$WORK/slow/a.pid" ] && [ -s "$WORK/slow/b.pid" ] || fail "commands did not start"
  kill -"$signal" "$wrapper"
  set +e
  wait "$wrapper"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { cat "$WORK/$signal.log"; fail "SIG$signal: exit $rc, want 2"; }
  expect_contains "$WORK/$signal.log" "ninja: build stopped: interrupted by user."
  for out in a b; do
    ! running "$(cat "$WORK/slow/$out.pid")" || fail "SIG$signal: command for $out still running"
    [ ! -e "$WORK/slow/$out" ] || fail "SIG$signal: partial output $out left behind"
  done
done
echo PASS
