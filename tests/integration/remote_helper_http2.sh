# The launcher's connection helper with an https server that speaks HTTP/2:
# the requests of compiles running at once (-j2), and the helper's reads
# ahead of them, are streams of one connection, not one connection each.
# A teammate at another path still gets every compile from the remote.
source "$(dirname "$0")/remote_lib.sh"
start_nginx start-tls
REMOTE="$NGINX_URL/cache|ca-file=$NGINX_CA"

note "checkout A fills the remote over https"
A="$SCRATCH/a"
copy_example "$A"
launcher_build "$A" "$SCRATCH/cache-a" "$REMOTE"
expect_outcomes "A" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
# A's helper is gone before B builds: B's helper opens its own connections.
rm -f "$XDG_RUNTIME_DIR"/edgecache/*.sock
sleep 0.5

note "teammate B, -j2: every compile a remote hit, all requests on one HTTP/2 connection"
B="$SCRATCH/elsewhere/b"
copy_example "$B"
before=$(log_lines "$NGINX_LOG")
launcher_build "$B" "$SCRATCH/cache-b" "$REMOTE" 2
expect_outcomes "B" "$B.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
plain_build "$B" "$B/build-plain"
same_objects "$B/build-plain" "$B/build"
gets=$(log_since "$NGINX_LOG" "$before" | grep -c '"GET ' || true)
[ "$gets" -ge 10 ] || { cat "$NGINX_LOG" >&2; fail "only $gets GETs for 5 remote hits"; }
log_since "$NGINX_LOG" "$before" | grep '"GET ' | grep -v 'proto=HTTP/2.0' >&2 && fail "a GET went over HTTP/1.1"
connections=$(log_since "$NGINX_LOG" "$before" | sed -n 's/.*conn=\([0-9]*\).*/\1/p' | sort -u | wc -l)
[ "$connections" = 1 ] || { log_since "$NGINX_LOG" "$before" >&2; fail "B's $gets GETs used $connections connections, expected 1"; }
echo "PASS"
