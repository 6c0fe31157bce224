# layout=bazel against nginx: objects land under <base>/ac/<64 hex>, and a
# second checkout with an empty local cache reads them back.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
two_checkouts
REMOTE="$NGINX_URL/cache|layout=bazel"

note "checkout A uploads in bazel layout"
launcher_build "$A" "$SCRATCH/cache-a" "$REMOTE"
expect_eq "$(stat_in "$SCRATCH/cache-a" remote.error)" 0 "remote errors in A"
all=$(cd "$NGINX_DATA" && find . -type f | sort)
[ -n "$all" ] || fail "nothing stored under nginx's data dir"
ac=$(grep -E '^\./cache/ac/[0-9a-f]{64}$' <<<"$all" || true)
expect_eq "$all" "$ac" "every stored object is cache/ac/<64 hex>"
# Five compiles, each a result and a manifest.
expect_eq "$(wc -l <<<"$ac")" 10 "objects under cache/ac"

note "checkout B reads them back"
launcher_build "$B" "$SCRATCH/cache-b" "$REMOTE"
expect_outcomes "checkout B" "$B.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
grep -E '"GET /cache/ac/[0-9a-f]{64} HTTP/1.1" 200 ' "$NGINX_LOG" >/dev/null ||
  fail "no GET of /cache/ac/<64 hex> answered 200"
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"
echo "PASS"
