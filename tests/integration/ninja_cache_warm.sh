#!/usr/bin/env bash
# A cold build through edgecache-ninja stores every edge; after `rm -rf
# build` and a new configure, every compile, archive, link and the custom
# command come from the cache: no tool runs, outputs are byte-identical to
# plain ninja's, the compiler warning is replayed, the deps log lists the
# headers and the next run is a no-op. The run record and `edgecache stats`
# count the same.
source "$(dirname "$0")/ninja_cache_common.sh"

configure_hello "$WORK/plain" "$REAL_NINJA"
build_log "$WORK/plain" "$WORK/plain.log"

configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/cold.log"
expect_summary "$WORK/cold.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
expect_outcomes "cold build" "$SRC/build" "$(each_step ran $HELLO_EDGES)"

rm -rf "$SRC/build"
configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/warm.log"
expect_summary "$WORK/warm.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
grep -E ', [0-9.hms]+ saved$' "$WORK/warm.log" >/dev/null || fail "no time saved in the summary"
[ "$(tool_runs)" = 0 ] || { cat "$TOOL_LOG" >&2; fail "a compiler, linker or ar ran on a warm build"; }
expect_contains "$WORK/warm.log" "unused_for_warning_replay"
expect_contains "$WORK/warm.log" "Generating version.h"
same_hello_outputs "$WORK/plain" "$SRC/build"
[ "$("$SRC/build/hello")" = "$("$WORK/plain/hello")" ] || fail "restored hello prints something else"

# The run record: every edge a local hit, with its input key and saved time.
expect_outcomes "warm build" "$SRC/build" "$(each_step local-hit $HELLO_EDGES)"
[ "$(record_value "$SRC/build" "sum(1 for e in d['edges'] if e['result']=='local-hit' and e['input_key'] and e['saved_ms']>=0)")" = 8 ] ||
  fail "record: edges lack result, key or saved time"
[ "$(record_value "$SRC/build" "sorted(e['rule'].split('_')[0] for e in d['edges'])[0]")" = C ] ||
  fail "record: rule names missing"

# Ninja's own view of the restored tree: nothing to do, headers in the deps log.
output_matches 'no work to do' "$REAL_NINJA" -C "$SRC/build" -n || fail "plain ninja -n wants to rebuild"
output_matches 'no work to do' "$WRAPPER" -C "$SRC/build" || fail "second wrapper run is not a no-op"
output_matches 'include/greet/greet.h' "$REAL_NINJA" -C "$SRC/build" -t deps || fail "deps log lacks greet.h"
output_matches 'generated/version.h' "$REAL_NINJA" -C "$SRC/build" -t deps || fail "deps log lacks version.h"

# The launcher's stats count the wrapper's activity (CMake's try_compile
# builds during configure go through the wrapper too: more misses).
"$EDGECACHE" stats --json >"$WORK/stats.json"
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(not (s.get('hit.local')==8 and s.get('miss',0)>=8 and s.get('time.saved.ms',0)>0))" \
  "$WORK/stats.json" || { cat "$WORK/stats.json" >&2; fail "stats do not count 8 local hits, the misses and the time saved"; }
# Once a lookup hits locally, the next edges are keyed, looked up and
# restored on the restore threads (the first one on Ninja's main thread).
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(not 1 <= s.get('lookups.off_main', 0) <= 7)" \
  "$WORK/stats.json" || { cat "$WORK/stats.json" >&2; fail "the warm build did not look edges up off the main thread"; }
echo "PASS"
