# A remote on a closed port (connection refused): the build succeeds with
# correct objects, one warning, and the remote switched off after 3 failures.
source "$(dirname "$0")/remote_lib.sh"
build_against_failing_remote "http://127.0.0.1:$(closed_port)/cache"
grep "edgecache: warning: remote cache read failed: GET http://127.0.0.1:.*remote cache off" \
  "$CHECKOUT.log" >/dev/null || fail "the warning does not say what failed: $(cat "$CHECKOUT.log")"
echo "PASS"
