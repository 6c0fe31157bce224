# The teammate case through an S3-compatible server that checks SigV4
# signatures (@20minutes/s3rver from npm): path style, credentials from the
# environment (with a session token) and then from ~/.aws/credentials with
# AWS_PROFILE; objects land under the prefix in the bucket.
source "$(dirname "$0")/backends_lib.sh"
start_s3 s3 team-cache
REMOTE="s3://team-cache/ci/linux|endpoint=http://127.0.0.1:$S3_PORT|region=eu-west-1"
export HOME="$SCRATCH/home"
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_SESSION_TOKEN=session-token-4711

note "connect: a real signed round trip"
(cd "$SCRATCH" && "$EDGECACHE_BIN" connect "$REMOTE" >"$SCRATCH/connect.log") || { cat "$SCRATCH/connect.log"; fail "connect failed"; }
grep "path style" "$SCRATCH/connect.log" >/dev/null || fail "connect does not say path style"

note "teammate case"
teammate_case "$REMOTE"
[ -n "$(find "$SCRATCH/s3/data/team-cache" -path '*ci/linux/v2/r/*' -type f | head -n 1)" ] ||
  fail "no object under the prefix in the bucket"

note "credentials from a profile in ~/.aws/credentials"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n[ci]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' >"$HOME/.aws/credentials"
C="$SCRATCH/checkout-c"
copy_example "$C"
AWS_PROFILE=ci launcher_build "$C" "$SCRATCH/cache-c" "$REMOTE"
expect_outcomes "ci profile" "$C.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
for log in "$SCRATCH"/*.log "$A.log" "$B.log" "$C.log" "$A.ninja.log" "$B.ninja.log"; do
  if grep -l -e session-token-4711 "$log"; then fail "the session token is printed in $log"; fi
done
echo "PASS"
