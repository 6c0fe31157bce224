# A server that accepts connections and never answers, with short timeouts:
# the build succeeds with correct objects; only the first compile waits for
# the timeout, then the shared health state switches the remote off and the
# others do not even connect.
source "$(dirname "$0")/remote_lib.sh"
start_slow_server
started=$(date +%s%N)
build_against_failing_remote "$SLOW_URL/cache|first-byte-timeout=300|connect-timeout=500" 1
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
grep "edgecache: warning: .*no response.*first-byte-timeout=300ms" "$CHECKOUT.log" >/dev/null ||
  fail "the warning does not say the remote timed out: $(cat "$CHECKOUT.log")"
expect_eq "$(log_lines "$SLOW_DIR/connections")" 1 "connections to the silent server"
note "whole test (plain build, configure, launcher build) took ${elapsed_ms} ms; 1 timeout is 300 ms"
echo "PASS"
