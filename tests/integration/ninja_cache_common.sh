# Sourced by the ninja_cache_*.sh tests: edgecache-ninja with a real cache
# on examples/hello. On top of ninja_wrapper_common.sh ($WORK, a private copy
# of the project in $SRC, fail, configure, expect_contains, output_matches):
# compilers and ar that log their calls, and helpers to read the summary line
# and the run record. $EDGECACHE is the launcher binary, which reads stats.
EXAMPLE_PROJECT=hello
# shellcheck source=ninja_wrapper_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/ninja_wrapper_common.sh"
EDGECACHE=$(realpath "$EDGECACHE_BIN")

# Wrappers named like the tools (edgecache-ninja recognises compilers by
# name) that log each call to $TOOL_LOG, then run the real tool.
TOOL_LOG=$WORK/tools.log
mkdir -p "$WORK/bin"
for tool in gcc g++ ar; do
  cat >"$WORK/bin/$tool" <<TOOL
#!/bin/sh
echo "$tool \$*" >>"$TOOL_LOG"
exec /usr/bin/$tool "\$@"
TOOL
  chmod +x "$WORK/bin/$tool"
done

# configure_hello <build dir> <make program> [cmake args...]: the project
# with the logging tools; the log starts empty after CMake's own probes.
configure_hello() {
  local dir=$1 make_program=$2
  shift 2
  configure "$dir" "$make_program" -DCMAKE_BUILD_TYPE= -DCMAKE_C_COMPILER="$WORK/bin/gcc" \
    -DCMAKE_CXX_COMPILER="$WORK/bin/g++" -DCMAKE_AR="$WORK/bin/ar" "$@"
  : >"$TOOL_LOG"
}

# build_log <build dir> <log> [cmake --build args...]: builds, output in <log>.
build_log() {
  local dir=$1 log=$2
  shift 2
  cmake --build "$dir" "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "build of $dir failed"; }
}

# tool_runs: how many compiles, links and archive writes ran since the log
# was last emptied (the compiler's include-dir probe, -E -v, is not counted).
# (hello: 5 compiles, 1 archive, 1 link.)
tool_runs() { grep -cE -- ' -c | -o |^ar ' "$TOOL_LOG" || true; }

# expect_summary <log> <text>: the summary line is exactly <text> (a
# trailing ", <time> saved" is ignored; warnings may follow it).
expect_summary() {
  local line
  line=$(grep '^edgecache: [0-9]' "$1" | tail -n 1 | sed 's/, [0-9.hms]* saved$//') || true
  [ "$line" = "$2" ] || { cat "$1" >&2; fail "summary '$line', expected '$2'"; }
}

# record_value <build dir> <python expression on d>: reads the run record.
record_value() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1/.edgecache/last-run.json"
}

# same_hello_outputs <dir a> <dir b>: objects, libgreet.a, the generated
# header and the hello executable are byte-identical.
same_hello_outputs() {
  same_outputs "$1" "$2" >/dev/null
  cmp -s "$1/hello" "$2/hello" || fail "hello differs between $1 and $2"
}

# rebuild_from_local <log>: a fresh build dir for $SRC through the wrapper:
# every edge a local hit, no tool run, outputs identical to $WORK/plain's.
rebuild_from_local() {
  rm -rf "$SRC/build"
  configure_hello "$SRC/build" "$WRAPPER"
  build_log "$SRC/build" "$1"
  expect_summary "$1" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
  [ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a tool ran on a warm build"; }
  same_hello_outputs "$WORK/plain" "$SRC/build"
}

# cached_objects: the result entries in the local cache.
cached_objects() { find "$EDGECACHE_DIR" -name 'r-*' -type f | wc -l; }

# start_remote [start-tls]: nginx (tests/fixtures/nginx_fixture.sh) in
# $NGINX_DIR, stopped on exit; EDGECACHE_REMOTE points at it. With
# start-tls: https with HTTP/2 and a self-signed certificate, named as the
# CA bundle in EDGECACHE_REMOTE.
NGINX_FIXTURE=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../fixtures/nginx_fixture.sh")
NGINX_DIR=$WORK/nginx
start_remote() {
  mkdir -p "$NGINX_DIR"
  trap 'bash "$NGINX_FIXTURE" stop "$NGINX_DIR" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
  bash "$NGINX_FIXTURE" "${1:-start}" "$NGINX_DIR"
  export EDGECACHE_REMOTE="http://127.0.0.1:$(cat "$NGINX_DIR/port")/cache"
  if [ "${1:-}" = start-tls ]; then
    EDGECACHE_REMOTE="https://127.0.0.1:$(cat "$NGINX_DIR/port")/cache|ca-file=$NGINX_DIR/tls/cert.pem"
  fi
}

# teammate_checkouts: copies of $SRC at $A (alice) and at $B, another path (bob).
A=$WORK/alice
B=$WORK/far/away/bob
teammate_checkouts() {
  mkdir -p "$A" "$B"
  cp -r "$SRC" "$A/src"
  cp -r "$SRC" "$B/src"
}

# as_teammate <checkout>: builds from <checkout>/src with it as base dir and
# its own local cache; configures <checkout>/build.
as_teammate() {
  SRC=$1/src
  export EDGECACHE_BASEDIR=$1 EDGECACHE_DIR=$1.cache
  configure_hello "$1/build" "$WRAPPER"
}
