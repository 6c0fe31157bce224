#!/usr/bin/env bash
# A remote that dies in the middle of a teammate's build never breaks it.
# A console-pool step (never cached: it runs in every build), which hello's
# compile and link wait for, stops nginx when $WORK/kill-remote exists. In
# bob's build (another path, empty local cache) the prefetch threads are
# looking the plan up while the remote goes away; whatever was not fetched
# by then runs. The build succeeds, hello works, main.cpp's compile and the
# link (looked up after the remote died) ran, and edgecache warns.
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote

cat >"$WORK/kill_remote.sh" <<SH
if [ -f "$WORK/kill-remote" ]; then bash "$NGINX_FIXTURE" stop "$NGINX_DIR"; fi
touch "\$1"
SH
cat >>"$SRC/CMakeLists.txt" <<CMAKE
add_custom_command(OUTPUT \${CMAKE_CURRENT_BINARY_DIR}/remote-gone.stamp
  COMMAND bash $WORK/kill_remote.sh \${CMAKE_CURRENT_BINARY_DIR}/remote-gone.stamp
  USES_TERMINAL)
add_custom_target(remote_gone DEPENDS \${CMAKE_CURRENT_BINARY_DIR}/remote-gone.stamp)
add_dependencies(hello remote_gone)
CMAKE

teammate_checkouts

as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
# 9 edges: the console step runs in every build.
expect_summary "$WORK/a.log" "edgecache: 0/9 edges from cache (0 local, 0 remote), 9 ran"

as_teammate "$B"
touch "$WORK/kill-remote"
build_log "$B/build" "$WORK/b.log"
[ ! -f "$NGINX_DIR/nginx.pid" ] || ! kill -0 "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null ||
  fail "nginx still runs: the console step did not stop it"
[ "$("$B/build/hello")" = "$("$A/build/hello")" ] || fail "bob's hello prints other text than alice's"
edge() { record_value "$B/build" "[e for e in d['edges'] if e['output'].endswith('$1')][0]['$2']"; }
[ "$(edge main.cpp.o result)" = ran ] || fail "main.cpp.o: $(edge main.cpp.o result), expected ran"
[ "$(edge hello result)" = ran ] || fail "hello: $(edge hello result), expected ran"
grep -q '^edgecache: warning: .*remote' "$WORK/b.log" || { cat "$WORK/b.log" >&2; fail "no warning about the remote"; }
echo "PASS"
