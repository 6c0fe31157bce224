#!/usr/bin/env bash
# A wrong prediction never gives a wrong hit. Here the generator of
# version.h writes a random nonce, so every real run writes other bytes.
# Alice's build stores nonce A in the remote. Bob (another path, empty local
# cache, the same remote) builds with EDGECACHE_VERIFY=all: the prefetch
# predicts version.h = A from the generator's entry and keys main.cpp's
# compile and the link from that, but the verified generator runs for real
# and writes nonce B. main.cpp's compile is then looked up with B on disk:
# a miss, it runs, its record says the prediction was wrong, and hello
# prints B, the nonce its own version.h holds.
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote

cat >"$SRC/cmake/gen_version.cmake" <<'CMAKE'
file(READ ${INPUT} version)
string(STRIP "${version}" version)
string(RANDOM LENGTH 16 nonce)
file(WRITE ${OUTPUT} "#pragma once\n#define HELLO_VERSION \"${version}-${nonce}\"\n")
CMAKE

teammate_checkouts

# nonce_of <build dir>: the nonce in its generated version.h.
nonce_of() { sed -n 's/.*-\([A-Za-z0-9]*\)"$/\1/p' "$1/generated/version.h"; }

as_teammate "$A"
build_log "$A/build" "$WORK/a.log"
expect_summary "$WORK/a.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
nonce_a=$(nonce_of "$A/build")
[ -n "$nonce_a" ] || fail "no nonce in alice's version.h"

as_teammate "$B"
EDGECACHE_VERIFY=all build_log "$B/build" "$WORK/b.log"
nonce_b=$(nonce_of "$B/build")
[ -n "$nonce_b" ] && [ "$nonce_b" != "$nonce_a" ] || fail "the verified generator kept nonce '$nonce_a' ('$nonce_b')"
output_matches "hello [^)]*-$nonce_b\)" "$B/build/hello" || { "$B/build/hello" >&2; fail "hello does not print its own nonce $nonce_b"; }

# main.cpp's compile and the link ran: looked up with the real version.h
# and the real main.cpp.o, not with the predicted ones.
edge() { record_value "$B/build" "[e for e in d['edges'] if e['output'].endswith('$1')][0]['$2']"; }
[ "$(edge main.cpp.o result)" = ran ] || fail "main.cpp.o: $(edge main.cpp.o result), expected ran"
[ "$(edge hello result)" = ran ] || fail "hello: $(edge hello result), expected ran"
for out in main.cpp.o hello; do
  case "$(edge "$out" detail)" in
    *"differs from the prefetch's prediction"*) ;;
    *)
      record_value "$B/build" "'\\n'.join(e['output'] + ': ' + e['result'] + ', ' + e['detail'] for e in d['edges'])" >&2
      fail "$out: misprediction not recorded: $(edge "$out" detail)"
      ;;
  esac
done
# The prefetch wrote alice's hello early (its chain hit with the predicted
# version.h); the link's turn replaced it with bob's own, and said so.
case "$(edge hello detail)" in
  *"the output the prefetch wrote early is replaced"*) ;;
  *) fail "hello: the early write's replacement not recorded: $(edge hello detail)" ;;
esac
[ "$(stat_value prefetch.early_replaced)" -ge 1 ] || fail "prefetch.early_replaced is $(stat_value prefetch.early_replaced)"
# The library's objects and archive were predicted right: hits.
[ "$(edge libgreet.a result)" = remote-hit ] || fail "libgreet.a: $(edge libgreet.a result)"
echo "PASS"
