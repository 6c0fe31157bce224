# A bearer token (or user:password in the URL) reaches the server, and is
# never printed: not by `edgecache config`, stats, the decision log, the
# health state, or the warnings of a build against a failing server.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
TOKEN=s3cret-token
PASSWORD=pa55-w0rd-xyz
A="$SCRATCH/checkout-a"
copy_example "$A"
export EDGECACHE_LOG="$SCRATCH/decisions.log"

# no_secret WHAT FILE...: none of the files holds the token or the password.
no_secret() {
  local what=$1; shift
  if grep -l -r -e "$TOKEN" -e "$PASSWORD" "$@" >/dev/null 2>&1; then
    fail "$what shows a secret: $(grep -r -e "$TOKEN" -e "$PASSWORD" "$@" | head -3)"
  fi
}

note "the token is sent as a bearer token on every request"
EDGECACHE_REMOTE_TOKEN=$TOKEN launcher_build "$A" "$SCRATCH/cache" "$NGINX_URL/cache"
[ "$(stat_value remote.bytes.written)" -gt 0 ] || fail "nothing uploaded with a token"
[ -s "$NGINX_LOG" ] || fail "no request reached nginx"
if grep -v 'auth="Bearer s3cret-token"' "$NGINX_LOG" >/dev/null; then
  fail "a request without the bearer token: $(grep -v 'auth="Bearer s3cret-token"' "$NGINX_LOG" | head -1)"
fi
no_secret "the build output" "$A.log"

note "user:password in the URL is sent as basic auth"
basic=$(printf 'alice:%s' "$PASSWORD" | base64)
requests=$(log_lines "$NGINX_LOG")
ninja -C "$A/build" -t clean >/dev/null
EDGECACHE_DIR="$SCRATCH/cache-basic" EDGECACHE_BASEDIR="$A" \
  EDGECACHE_REMOTE="http://alice:$PASSWORD@127.0.0.1:${NGINX_URL##*:}/cache" \
  with_decisions "$SCRATCH/basic.decisions" ninja -C "$A/build" >"$SCRATCH/basic.log" 2>&1 || fail "build with basic auth failed"
expect_outcomes "basic auth" "$SCRATCH/basic.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
log_since "$NGINX_LOG" "$requests" | grep "auth=\"Basic $basic\"" >/dev/null ||
  fail "nginx saw no basic credentials"
no_secret "the build output" "$SCRATCH/basic.log"

note "edgecache config and stats never show the secrets"
EDGECACHE_REMOTE_TOKEN=$TOKEN EDGECACHE_REMOTE="http://alice:$PASSWORD@127.0.0.1:1/cache" \
  "$EDGECACHE_BIN" config >"$SCRATCH/config.txt" 2>&1
grep -E '^remote_token +\(set, hidden\)' "$SCRATCH/config.txt" >/dev/null ||
  fail "config does not say the token is set: $(cat "$SCRATCH/config.txt")"
grep '127.0.0.1:1/cache' "$SCRATCH/config.txt" >/dev/null || fail "config does not show the remote URL"
no_secret "edgecache config" "$SCRATCH/config.txt"
for cache in "$SCRATCH/cache" "$SCRATCH/cache-basic"; do
  EDGECACHE_DIR=$cache "$EDGECACHE_BIN" stats >"$SCRATCH/stats.txt" 2>&1
  EDGECACHE_DIR=$cache "$EDGECACHE_BIN" stats --json >>"$SCRATCH/stats.txt" 2>&1
  no_secret "edgecache stats" "$SCRATCH/stats.txt"
done

note "builds against failing servers: warnings, logs and state without secrets"
B="$SCRATCH/elsewhere/checkout-b"
copy_example "$B"
EDGECACHE_DIR="$SCRATCH/cache-fail" configure_with_launcher "$B" "$B/build"
port=$(closed_port)
for remote in "$NGINX_URL/fail500/cache" "http://alice:$PASSWORD@127.0.0.1:${NGINX_URL##*:}/fail500/cache" \
              "http://alice:$PASSWORD@127.0.0.1:$port/cache" "http://127.0.0.1:$port/cache"; do
  ninja -C "$B/build" -t clean >/dev/null
  rm -rf "$SCRATCH/cache-fail"
  EDGECACHE_DIR="$SCRATCH/cache-fail" EDGECACHE_BASEDIR="$B" EDGECACHE_REMOTE="$remote" \
    EDGECACHE_REMOTE_TOKEN=$TOKEN ninja -j1 -C "$B/build" >"$SCRATCH/fail.log" 2>&1 ||
    { cat "$SCRATCH/fail.log"; fail "build against a failing remote failed"; }
  expect_eq "$(remote_warnings "$SCRATCH/fail.log")" 1 "remote warnings against a failing remote"
  no_secret "the build output against a failing remote" "$SCRATCH/fail.log"
  no_secret "the cache dir (health state, stats)" "$SCRATCH/cache-fail"
  EDGECACHE_DIR="$SCRATCH/cache-fail" EDGECACHE_REMOTE="$remote" EDGECACHE_REMOTE_TOKEN=$TOKEN \
    "$EDGECACHE_BIN" stats >"$SCRATCH/stats.txt" 2>&1
  no_secret "edgecache stats after a failing build" "$SCRATCH/stats.txt"
done
[ -s "$EDGECACHE_LOG" ] || fail "the decision log is empty"
no_secret "the decision logs" "$EDGECACHE_LOG" "$A.decisions" "$SCRATCH/basic.decisions"
echo "PASS"
