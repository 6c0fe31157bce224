# What a user meets with a misconfigured S3 remote, against a server that
# checks SigV4 signatures (@20minutes/s3rver): a wrong secret is refused by
# the server (403 SignatureDoesNotMatch) and reported as an auth failure; a
# missing bucket is "bucket missing", a closed port "refused", no
# credentials "auth". The build never fails, one warning, no secret printed.
source "$(dirname "$0")/backends_lib.sh"
start_s3 s3 team-cache
ENDPOINT="http://127.0.0.1:$S3_PORT"
export HOME="$SCRATCH/home"
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=wrong-secret-0815

note "a wrong secret: the server refuses, the build goes on with one warning"
C="$SCRATCH/checkout"
copy_example "$C"
launcher_build "$C" "$SCRATCH/cache" "s3://team-cache/p|endpoint=$ENDPOINT" 1
expect_outcomes "wrong secret" "$C.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(remote_warnings "$C.log")" 1 "warnings with a wrong secret"
grep "HTTP 403 SignatureDoesNotMatch" "$C.log" >/dev/null || fail "the warning does not say why: $(cat "$C.log")"
grep " 403 " "$SCRATCH/s3/server.log" >/dev/null || fail "the server refused nothing: $(cat "$SCRATCH/s3/server.log")"
[ -z "$(find "$SCRATCH/s3/data/team-cache" -type f -path '*/p/*')" ] || fail "an object was stored with a wrong secret"

connect_fails() {  # connect_fails URL WORD: connect fails and names WORD
  if (cd "$SCRATCH" && "$EDGECACHE_BIN" connect "$1" >"$SCRATCH/connect.log" 2>&1); then
    fail "connect passed: $1"
  fi
  grep "FAILED.*: $2 - " "$SCRATCH/connect.log" >/dev/null || fail "expected '$2': $(cat "$SCRATCH/connect.log")"
}
note "connect names each failure"
connect_fails "s3://team-cache/p|endpoint=$ENDPOINT" auth
export AWS_SECRET_ACCESS_KEY=S3RVER
connect_fails "s3://no-such-bucket/p|endpoint=$ENDPOINT" "bucket missing"
connect_fails "s3://team-cache/p|endpoint=http://127.0.0.1:$(closed_port)" refused
(unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY; connect_fails "s3://team-cache/p|endpoint=$ENDPOINT" auth)
grep "AWS_ACCESS_KEY_ID" "$SCRATCH/connect.log" >/dev/null || fail "no hint what to set: $(cat "$SCRATCH/connect.log")"

note "doctor probes the remote; config and doctor print no secret"
cd "$SCRATCH"
AWS_SECRET_ACCESS_KEY=wrong-secret-0815 EDGECACHE_REMOTE="s3://team-cache/p|endpoint=$ENDPOINT" \
  "$EDGECACHE_BIN" doctor >"$SCRATCH/doctor.log" 2>&1 && fail "doctor passed with a wrong secret"
grep "FAIL.*remote write probe object.*auth" "$SCRATCH/doctor.log" >/dev/null || fail "doctor: $(cat "$SCRATCH/doctor.log")"
EDGECACHE_REMOTE="s3://team-cache/p|endpoint=$ENDPOINT" "$EDGECACHE_BIN" doctor >"$SCRATCH/doctor-ok.log" 2>&1 ||
  fail "doctor failed with the right secret: $(cat "$SCRATCH/doctor-ok.log")"
EDGECACHE_REMOTE="s3://team-cache/p|endpoint=$ENDPOINT" "$EDGECACHE_BIN" config >"$SCRATCH/config.log" 2>&1 || true
for log in "$SCRATCH"/*.log "$C.log"; do
  if grep -l -e wrong-secret-0815 "$log"; then fail "the secret is printed in $log"; fi
done
echo "PASS"
