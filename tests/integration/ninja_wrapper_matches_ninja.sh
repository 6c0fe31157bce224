#!/usr/bin/env bash
# A cold build through edgecache-ninja (as CMake's make program) produces the
# same bytes as plain ninja; a second build has nothing to do; -n runs nothing.
source "$(dirname "$0")/ninja_wrapper_common.sh"

configure_pair
cmake --build "$WORK/plain" >"$WORK/plain.log" 2>&1 || fail "plain ninja build failed"
cmake --build "$WORK/wrapped" >"$WORK/wrapped.log" 2>&1 || { cat "$WORK/wrapped.log"; fail "wrapped build failed"; }
same_outputs "$WORK/plain" "$WORK/wrapped"
[ "$("$WORK/wrapped/demo_app")" = "$("$WORK/plain/demo_app")" ] || fail "demo_app output differs"
output_matches 'demo 1\.2\.3' "$WORK/wrapped/demo_app" || fail "generated header not used"

# Both ran the same commands in the same order (-j1 makes the order fixed)
# when nothing hits: an empty cache of its own, so every edge runs.
rm -rf "$WORK/plain" "$WORK/wrapped"
configure_pair
"$REAL_NINJA" -C "$WORK/plain" -v -j1 >"$WORK/plain.v.log"
EDGECACHE_DIR=$WORK/empty-cache "$WRAPPER" -C "$WORK/wrapped" -v -j1 >"$WORK/wrapped.v.log"
diff <(commands_run "$WORK/plain.v.log" "$WORK/plain") \
  <(commands_run "$WORK/wrapped.v.log" "$WORK/wrapped") || fail "different commands ran"

# When edges hit, the same commands are reported, each once; several restores
# are in flight even at -j1 (they are not commands) and are reported as they
# finish, so their order is not Ninja's.
rm -rf "$WORK/wrapped"
configure "$WORK/wrapped" "$WRAPPER"
"$WRAPPER" -C "$WORK/wrapped" -v -j1 >"$WORK/wrapped.hits.log"
grep -q "^edgecache: 6/6 edges from cache" "$WORK/wrapped.hits.log" || { cat "$WORK/wrapped.hits.log"; fail "not every edge hit"; }
diff <(commands_run "$WORK/plain.v.log" "$WORK/plain" | sort) \
  <(commands_run "$WORK/wrapped.hits.log" "$WORK/wrapped" | sort) || fail "different commands reported on hits"

# Second run: a no-op.
"$WRAPPER" -C "$WORK/wrapped" >"$WORK/second.log"
expect_contains "$WORK/second.log" "ninja: no work to do."

# -n after a source edit: reports the work, runs none of it, and leaves the
# tree to be built for real afterwards.
touch "$SRC/src/farewell.cpp"
before=$(stat -c %Y.%y "$WORK/wrapped/libdemo_greeting.a")
"$WRAPPER" -C "$WORK/wrapped" -n >"$WORK/dry.log"
expect_contains "$WORK/dry.log" "Building CXX object CMakeFiles/demo_greeting.dir/src/farewell.cpp.o"
expect_contains "$WORK/dry.log" "Linking CXX executable demo_app"
[ "$(stat -c %Y.%y "$WORK/wrapped/libdemo_greeting.a")" = "$before" ] || fail "-n changed an output"
"$WRAPPER" -C "$WORK/wrapped" >"$WORK/after_dry.log"
expect_contains "$WORK/after_dry.log" "farewell.cpp.o"
echo PASS
