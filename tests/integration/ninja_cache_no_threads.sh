#!/usr/bin/env bash
# A system that gives edgecache-ninja no thread (a process limit: every
# pthread_create fails, here through an LD_PRELOAD shim): the build still
# gets every edge from the cache, with outputs identical to plain ninja's.
# The restore pool restores on the calling thread, the prefetch looks up
# nothing ahead, and the shared HTTP connection thread is not there (each
# request drives its own transfer); a teammate still gets every edge from
# the remote.
source "$(dirname "$0")/ninja_cache_common.sh"

cat >"$WORK/no_threads.c" <<'C'
#include <errno.h>
#include <pthread.h>
int pthread_create(pthread_t* thread, const pthread_attr_t* attr, void* (*start)(void*), void* arg) {
  (void)thread; (void)attr; (void)start; (void)arg;
  return EAGAIN;
}
C
gcc -shared -fPIC -o "$WORK/no_threads.so" "$WORK/no_threads.c" || fail "cannot build the shim"
# without_threads <build dir> <log>: a build whose edgecache-ninja gets no thread.
# (In the sanitize stage ASan wants its runtime first among the preloads;
# the shim must come first to replace pthread_create, so ASan is told not
# to check.)
without_threads() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" LD_PRELOAD="$WORK/no_threads.so" \
    "$WRAPPER" -C "$1" >"$2" 2>&1 || { cat "$2" >&2; fail "the build without threads failed"; }
}

configure_hello "$WORK/plain" "$REAL_NINJA"
build_log "$WORK/plain" "$WORK/plain.log"

start_remote
teammate_checkouts
as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"

# Alice's own cache, no thread: every edge restored by the main thread.
rm -rf "$A/build"
configure_hello "$A/build" "$WRAPPER"
without_threads "$A/build" "$WORK/a-warm.log"
expect_summary "$WORK/a-warm.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran without threads"; }
same_hello_outputs "$WORK/plain" "$A/build"

# Bob at another path, empty local cache, no thread: the remote still serves.
as_teammate "$B"
prefetch_edges() { "$EDGECACHE" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin).get('prefetch.edges', 0))"; }
before=$(prefetch_edges)  # his configure's try-compiles ran edgecache-ninja with threads
without_threads "$B/build" "$WORK/b.log"
expect_summary "$WORK/b.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran for bob without threads"; }
same_hello_outputs "$A/build" "$B/build"
# The shim did bite: no prefetch worker looked anything up ahead.
prefetched=$(($(prefetch_edges) - before))
[ "$prefetched" = 0 ] || fail "$prefetched edges were looked up ahead: a thread started after all"
grep '^edgecache: warning' "$WORK/a-warm.log" "$WORK/b.log" >&2 && fail "a warning for a build that lost nothing"
echo "ok: no thread, every edge from the cache (local and remote)"
