# A server that accepts connections and never answers, with short timeouts:
# the build succeeds with correct objects; only three compiles wait for the
# timeout, then the shared health state switches the remote off and the
# others do not even connect.
source "$(dirname "$0")/remote_lib.sh"
start_slow_server
started=$(date +%s%N)
build_against_failing_remote "$SLOW_URL/cache|timeout=500|connect-timeout=500"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
grep "edgecache: warning: .*Timeout was reached.*timeout=500ms" "$CHECKOUT.log" >/dev/null ||
  fail "the warning does not say the remote timed out: $(cat "$CHECKOUT.log")"
expect_eq "$(log_lines "$SLOW_DIR/connections")" 3 "connections to the silent server"
note "whole test (plain build, configure, launcher build) took ${elapsed_ms} ms; 3 timeouts are 1500 ms"
echo "PASS"
