# Corrupt objects on the remote (truncated results, garbage manifests) are
# misses counted as corrupt, never wrong objects; the misses upload good
# entries again, so the next checkout hits.
source "$(dirname "$0")/remote_lib.sh"
start_nginx
REMOTE="$NGINX_URL/cache"
STORE="$NGINX_DATA/cache/v2"  # v<format version>

# The objects do not embed the checkout path, so one plain build is the
# reference for every checkout.
copy_example "$SCRATCH/plain"
plain_build "$SCRATCH/plain" "$SCRATCH/plain/build"

# build_checkout NAME: a fresh checkout built with the launcher and its own
# empty local cache, objects checked; CHECKOUT and CACHE name them.
build_checkout() {
  CHECKOUT="$SCRATCH/$1"
  CACHE="$SCRATCH/cache-$1"
  copy_example "$CHECKOUT"
  launcher_build "$CHECKOUT" "$CACHE" "$REMOTE"
  same_objects "$SCRATCH/plain/build" "$CHECKOUT/build"
}

note "checkout A fills the remote"
build_checkout a
results=$(find "$STORE/r" -type f)
manifests=$(find "$STORE/m" -type f)
expect_eq "$(wc -l <<<"$results")" 5 "results on the remote"
expect_eq "$(wc -l <<<"$manifests")" 5 "manifests on the remote"

note "truncated results: every compile misses, counted as corrupt"
for f in $results; do truncate -s $(($(stat -c %s "$f") / 2)) "$f"; done
build_checkout b
expect_outcomes "truncated results" "$CHECKOUT.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_in "$CACHE" corrupt)" 5 "corrupt entries with truncated results"
expect_eq "$(stat_in "$CACHE" remote.error)" 0 "a corrupt body is not a remote error"
expect_eq "$(remote_warnings "$CHECKOUT.log")" 0 "remote warnings"

note "garbage manifests: every compile misses, counted as corrupt"
for f in $manifests; do head -c 200 /dev/urandom >"$f"; done
build_checkout c
expect_outcomes "garbage manifests" "$CHECKOUT.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_in "$CACHE" corrupt)" 5 "corrupt entries with garbage manifests"

note "the misses uploaded good entries: the next checkout hits"
build_checkout d
expect_outcomes "after the repair" "$CHECKOUT.decisions" "$(each_step remote-hit $HELLO_COMPILES)"
expect_eq "$(stat_in "$CACHE" corrupt)" 0 "corrupt entries after the repair"
echo "PASS"
