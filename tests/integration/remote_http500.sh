# A server answering 500 to everything: the build succeeds with correct
# objects, one warning naming the status, and only three requests are sent.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
build_against_failing_remote "$NGINX_URL/fail500/cache"
grep "edgecache: warning: .*HTTP 500" "$CHECKOUT.log" >/dev/null ||
  fail "the warning does not name HTTP 500: $(cat "$CHECKOUT.log")"
expect_eq "$(grep -c '"GET /fail500/cache/.*" 500 ' "$NGINX_LOG")" 3 "GETs answered 500"
expect_eq "$(log_lines "$NGINX_LOG")" 3 "requests to the failing server"
echo "PASS"
