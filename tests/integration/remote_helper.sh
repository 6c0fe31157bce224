# The launcher reaches an http remote through edgecache-remote-helper, which
# keeps the connections open across compiles: a teammate's build gets every
# compile from nginx over a few connections (direct: one per compile); a
# helper killed mid-build, a stale socket, a hung helper and a stopped server
# never break a build, and only a hung helper or a stopped server is worth a
# warning.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
SOCKETS="$XDG_RUNTIME_DIR/edgecache"

# helper_pids: the helpers serving this test's sockets (we started them).
helper_pids() {
  local pid
  for pid in $(pgrep -f edgecache-remote-helper || true); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -q "^CRSH_IPC_ENDPOINT=$SOCKETS/"; then echo "$pid"; fi
  done
}

# connections_since N: distinct nginx connections among the log lines after the first N.
connections_since() { log_since "$NGINX_LOG" "$1" | sed -n 's/.*conn=\([0-9]*\).*/\1/p' | sort -u | wc -l; }

# checkout NAME: a fresh copy of the example at a new path.
checkout() { copy_example "$SCRATCH/$1"; echo "$SCRATCH/$1"; }

# expect_all_remote_hits DIR: each compile (DIR.decisions) a remote hit, objects of a plain build, no warning.
expect_all_remote_hits() {
  expect_outcomes "$1" "$1.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
  plain_build "$1" "$1/build-plain"
  same_objects "$1/build-plain" "$1/build"
  if grep "edgecache: warning" "$1.log"; then fail "a warning in $1's build"; fi
}

note "checkout A fills the remote through a helper the first compile starts"
A=$(checkout a)
launcher_build "$A" "$SCRATCH/cache-a" "$NGINX_URL/cache"
expect_outcomes "A" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
[ -n "$(helper_pids)" ] || fail "no edgecache-remote-helper runs for this test"
expect_eq "$(ls "$SOCKETS" | grep -c '\.sock$')" 1 "helper sockets"

note "teammate B: every compile a remote hit, over the helper's few connections"
B=$(checkout b)
before=$(log_lines "$NGINX_LOG")
launcher_build "$B" "$SCRATCH/cache-b" "$NGINX_URL/cache" 1
expect_all_remote_hits "$B"
requests=$(($(log_lines "$NGINX_LOG") - before))
[ "$requests" -ge 10 ] || fail "only $requests requests for 5 remote hits"
[ "$(connections_since "$before")" -le 1 ] || fail "B's $requests requests used $(connections_since "$before") connections"

note "remote_helper=off: the same build opens a connection per compile (what the helper saves)"
C=$(checkout c)
before=$(log_lines "$NGINX_LOG")
EDGECACHE_REMOTE_HELPER=off launcher_build "$C" "$SCRATCH/cache-c" "$NGINX_URL/cache" 1
expect_all_remote_hits "$C"
expect_eq "$(connections_since "$before")" 5 "connections without the helper"

note "the helper killed (stale socket left): the next compile starts a new one, no warning"
old=$(helper_pids)
kill -9 $old
sleep 0.2
[ -S "$(ls "$SOCKETS"/*.sock)" ] || fail "the killed helper left no socket: the test is wrong"
D=$(checkout d)
launcher_build "$D" "$SCRATCH/cache-d" "$NGINX_URL/cache" 1
expect_all_remote_hits "$D"
new=$(helper_pids)
[ -n "$new" ] && [ "$new" != "$old" ] || fail "no new helper after the stale socket (old $old, now '$new')"

note "the helper killed mid-build: every compile still hits, no warning"
E=$(checkout e)
EDGECACHE_DIR="$SCRATCH/cache-e" configure_with_launcher "$E" "$E/build"
(
  for _ in $(seq 1 400); do
    if grep -q "hit remote" "$SCRATCH/e.decisions" 2>/dev/null; then kill -9 $(helper_pids) 2>/dev/null; break; fi
    sleep 0.005
  done
) &
killer=$!
EDGECACHE_DIR="$SCRATCH/cache-e" EDGECACHE_BASEDIR="$E" EDGECACHE_REMOTE="$NGINX_URL/cache" \
  EDGECACHE_LOG="$SCRATCH/e.decisions" ninja -j1 -C "$E/build" >"$E.log" 2>&1 || { cat "$E.log"; fail "build E failed"; }
wait "$killer" || true
expect_all_remote_hits "$E"
note "decisions after the kill: $(grep -c 'hit remote' "$SCRATCH/e.decisions") remote hits in all"

note "a hung helper (stopped): one wait of connect-timeout (1 s) for its greeting, one warning, then direct"
kill -STOP $(helper_pids)
F=$(checkout f)
start=$(date +%s%N)
launcher_build "$F" "$SCRATCH/cache-f" "$NGINX_URL/cache" 1
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
kill -CONT $(helper_pids)
expect_outcomes "F (a hung helper)" "$F.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
expect_eq "$(grep -c "edgecache: warning: remote helper did not answer in time" "$F.log")" 1 "hung-helper warnings"
note "build F took ${elapsed_ms} ms with one wait of 1000 ms"

note "the server stopped: the helper reports errors, the remote is switched off once, the build succeeds"
bash "$FIXTURE" stop "$NGINX_DIR"
rm -f "$SOCKETS"/*.failed
G=$(checkout g)
launcher_build "$G" "$SCRATCH/cache-g" "$NGINX_URL/cache" 1
plain_build "$G" "$G/build-plain"
same_objects "$G/build-plain" "$G/build"
expect_outcomes "G (the server down)" "$G.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_in "$SCRATCH/cache-g" remote.error)" 3 "remote errors before the switch-off"
expect_eq "$(remote_warnings "$G.log")" 1 "remote warnings with the server down"
echo "PASS"
