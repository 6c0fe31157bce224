# Helpers for the remote cache tests: lib.sh plus an nginx WebDAV remote (or a
# silent TCP server) in the test's scratch dir, stopped on exit before
# lib.sh's cleanup removes the scratch dir.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

FIXTURE="$EDGECACHE_SOURCE_DIR/tests/fixtures/nginx_fixture.sh"
SLOW_SERVER="$EDGECACHE_SOURCE_DIR/tests/integration/slow_server.py"
NGINX_DIR="$SCRATCH/nginx"
SLOW_DIR="$SCRATCH/slow"

stop_servers() {
  if [ -f "$NGINX_DIR/nginx.pid" ]; then bash "$FIXTURE" stop "$NGINX_DIR" || true; fi
  if [ -f "$SLOW_DIR/pid" ]; then kill "$(cat "$SLOW_DIR/pid")" 2>/dev/null || true; fi
}
remote_cleanup() { stop_servers; cleanup; }
trap remote_cleanup EXIT

# start_nginx [start-tls]: sets NGINX_URL (http://127.0.0.1:<port>, or
# https:// with HTTP/2 and a self-signed certificate whose CA bundle is
# NGINX_CA), NGINX_DATA, NGINX_LOG.
start_nginx() {
  mkdir -p "$NGINX_DIR"
  bash "$FIXTURE" "${1:-start}" "$NGINX_DIR"
  NGINX_URL="http://127.0.0.1:$(cat "$NGINX_DIR/port")"
  if [ "${1:-}" = start-tls ]; then
    NGINX_URL="https://127.0.0.1:$(cat "$NGINX_DIR/port")"
    NGINX_CA="$NGINX_DIR/tls/cert.pem"
  fi
  NGINX_DATA="$NGINX_DIR/data"
  NGINX_LOG="$NGINX_DIR/access.log"
  touch "$NGINX_LOG"
}

# start_slow_server: sets SLOW_URL to a server that accepts and never answers.
start_slow_server() {
  mkdir -p "$SLOW_DIR"
  python3 "$SLOW_SERVER" "$SLOW_DIR" 240 &
  local i
  for i in $(seq 1 100); do
    [ -f "$SLOW_DIR/port" ] && break
    sleep 0.05
  done
  [ -f "$SLOW_DIR/port" ] || fail "slow server did not start"
  SLOW_URL="http://127.0.0.1:$(cat "$SLOW_DIR/port")"
}

# closed_port: a port nothing listens on (the kernel's pick, released at once).
closed_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# log_lines FILE: its line count (0 when absent).
log_lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# log_since FILE N: the lines after the first N.
log_since() { tail -n "+$(($2 + 1))" "$1"; }

# stat_in CACHE_DIR NAME: one counter of that cache dir.
stat_in() { EDGECACHE_DIR="$1" stat_value "$2"; }

# launcher_build SRC CACHE_DIR REMOTE [JOBS]: configures SRC/build with the
# launcher, then builds it with SRC as base dir and REMOTE as the remote
# ("" for none), and waits for the uploads its compiles left running in the
# background, as a CI job ends (`edgecache wait-uploads`). The whole output
# goes to SRC.log, each compile's decision to SRC.decisions (read it with
# expect_outcomes).
launcher_build() {
  local src=$1 cache=$2 remote=$3 jobs=${4:-2}
  EDGECACHE_DIR="$cache" configure_with_launcher "$src" "$src/build"
  rm -f "$src.decisions"
  if ! EDGECACHE_DIR="$cache" EDGECACHE_BASEDIR="$src" EDGECACHE_REMOTE="$remote" EDGECACHE_LOG="$src.decisions" \
      ninja -j"$jobs" -C "$src/build" >"$src.log" 2>&1; then
    cat "$src.log" >&2
    fail "build of $src failed"
  fi
  wait_uploads "$cache" >>"$src.log" 2>&1
}


# plain_build SRC BUILD: the same project built without the launcher.
plain_build() {
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE= >/dev/null
  ninja -C "$2" >/dev/null 2>&1 || fail "plain build of $1 failed"
}

# remote_warnings LOG: how many edgecache warnings about the remote it holds.
remote_warnings() { grep -c "edgecache: warning: .*remote" "$1" || true; }

# remote_switched_off CACHE_DIR: true when the shared health state in that
# cache dir says the remote is off now.
remote_switched_off() {
  python3 - "$1" <<'EOF'
import glob, json, sys, time
files = glob.glob(sys.argv[1] + "/remote-health-*.json")
now_ms = time.time() * 1000
sys.exit(0 if any(json.load(open(f)).get("disabled_until_ms", 0) > now_ms for f in files) else 1)
EOF
}

# data_snapshot DIR: path and checksum of every file below DIR.
data_snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r md5sum); }

# build_against_failing_remote REMOTE [TRIES]: builds a fresh checkout with
# -j1 against a remote that fails every request, and checks what the user
# gets: the build succeeds with the objects of a plain build; TRIES compiles
# (default 3, RemoteHealth's threshold for errors; 1 for timeouts) try the
# remote, then the shared state switches it off, the other compiles skip it,
# and one warning says so. Sets CHECKOUT.
build_against_failing_remote() {
  local tries=${2:-3}
  CHECKOUT="$SCRATCH/checkout"
  copy_example "$CHECKOUT"
  plain_build "$CHECKOUT" "$CHECKOUT/build-plain"
  launcher_build "$CHECKOUT" "$SCRATCH/cache" "$1" 1
  same_objects "$CHECKOUT/build-plain" "$CHECKOUT/build"
  expect_outcomes "against a failing remote" "$CHECKOUT.decisions" "$(each_step ran $HELLO_COMPILES)"
  expect_eq "$(stat_value remote.error)" "$tries" "remote errors before the switch-off"
  remote_switched_off "$EDGECACHE_DIR" || fail "the health state does not say the remote is off"
  expect_eq "$(remote_warnings "$CHECKOUT.log")" 1 "remote warnings in the build output"
  if grep "edgecache: warning" "$CHECKOUT.log" | grep -v "remote cache off" >/dev/null; then
    fail "an unexpected warning: $(grep "edgecache: warning" "$CHECKOUT.log")"
  fi
}

# two_checkouts: fresh copies of the example at two absolute paths, A and B.
two_checkouts() {
  A="$SCRATCH/checkout-a"
  B="$SCRATCH/elsewhere/checkout-b"
  copy_example "$A"
  copy_example "$B"
}
