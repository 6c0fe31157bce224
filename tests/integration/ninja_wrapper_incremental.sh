#!/usr/bin/env bash
# After a header edit, edgecache-ninja reruns exactly the commands plain ninja
# reruns, for the same reasons (-d explain), using the deps it recorded.
source "$(dirname "$0")/ninja_wrapper_common.sh"

configure_pair
"$REAL_NINJA" -C "$WORK/plain" >/dev/null
"$WRAPPER" -C "$WORK/wrapped" >/dev/null

# The deps log written by our runner must name the header for each object.
"$REAL_NINJA" -C "$WORK/wrapped" -t deps CMakeFiles/demo_app.dir/src/main.cpp.o >"$WORK/deps.log"
expect_contains "$WORK/deps.log" "include/demo/greeting.h"
expect_contains "$WORK/deps.log" "generated/demo_version.h"

touch "$SRC/include/demo/greeting.h"
"$REAL_NINJA" -C "$WORK/plain" -v -j1 -d explain >"$WORK/plain.log" 2>"$WORK/plain.explain"
"$WRAPPER" -C "$WORK/wrapped" -v -j1 -d explain >"$WORK/wrapped.log" 2>"$WORK/wrapped.explain"
# Hits are restored on restore threads, so independent steps may be reported
# in another order than plain ninja's; the set of commands must be the same,
# and the link, which depends on all of them, must still come last.
diff <(commands_run "$WORK/plain.log" "$WORK/plain" | sort) \
  <(commands_run "$WORK/wrapped.log" "$WORK/wrapped" | sort) || fail "different commands reran"
[[ "$(commands_run "$WORK/wrapped.log" "$WORK/wrapped" | tail -n1)" == *"-o demo_app "* ]] ||
  fail "the link of demo_app is not the last command (a dependent ran too early)"
[ "$(commands_run "$WORK/wrapped.log" "$WORK/wrapped" | grep -c ' -c ')" = 3 ] ||
  fail "expected the three compiles that include greeting.h to rerun"
# The explanations name mtimes; compare only what they say is dirty and why.
explanations() { sed -e "s|$2|<build>|g" -e 's/([0-9]*)/(T)/g; s/[0-9]\{6,\}/T/g' "$1" | sort; }
diff <(explanations "$WORK/plain.explain" "$WORK/plain") \
  <(explanations "$WORK/wrapped.explain" "$WORK/wrapped") || fail "different -d explain output"
grep -q "ninja explain:" "$WORK/wrapped.explain" || fail "no -d explain output"

# Editing the generator's input reruns the custom command and what uses it.
echo 1.2.4 >"$SRC/version.txt"
"$WRAPPER" -C "$WORK/wrapped" >"$WORK/version.log"
expect_contains "$WORK/version.log" "Generating demo_version.h"
output_matches 'demo 1\.2\.4' "$WORK/wrapped/demo_app" || fail "generated header change not rebuilt"
output_matches "no work to do" "$WRAPPER" -C "$WORK/wrapped" || fail "not a no-op after rebuild"
echo PASS
