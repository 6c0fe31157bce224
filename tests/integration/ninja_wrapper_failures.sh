#!/usr/bin/env bash
# A failing edge stops the build with Ninja's exit status 1; with -k 0 every
# edge that does not depend on it is still built, exactly as plain ninja does.
source "$(dirname "$0")/ninja_wrapper_common.sh"

configure_pair -DDEMO_BROKEN=ON

# Build the failing object first (-j1, named first) so that stopping is visible.
set +e
"$WRAPPER" -C "$WORK/wrapped" -j1 CMakeFiles/demo_broken.dir/src/broken.cpp.o all >"$WORK/stop.log" 2>&1
rc=$?
set -e
[ "$rc" -eq 1 ] || { cat "$WORK/stop.log"; fail "failing edge: exit $rc, want 1"; }
expect_contains "$WORK/stop.log" "FAILED: CMakeFiles/demo_broken.dir/src/broken.cpp.o"
expect_contains "$WORK/stop.log" "does not compile, on purpose"
expect_contains "$WORK/stop.log" "ninja: build stopped: subcommand failed."
[ ! -e "$WORK/wrapped/demo_app" ] || fail "build went on after the failure without -k"

# Keep going: both tools fail the same way and build the same outputs.
set +e
"$REAL_NINJA" -C "$WORK/plain" -k 0 >"$WORK/plain_k.log" 2>&1
plain_rc=$?
"$WRAPPER" -C "$WORK/wrapped" -k 0 >"$WORK/wrapped_k.log" 2>&1
wrapped_rc=$?
set -e
[ "$wrapped_rc" -eq 1 ] && [ "$plain_rc" -eq 1 ] || fail "-k 0: exit $wrapped_rc (ninja: $plain_rc), want 1"
[ "$(tail -n1 "$WORK/wrapped_k.log")" = "$(tail -n1 "$WORK/plain_k.log")" ] ||
  fail "-k 0: last line '$(tail -n1 "$WORK/wrapped_k.log")' differs from ninja's"
expect_contains "$WORK/wrapped_k.log" "ninja: build stopped: cannot make progress due to previous errors."
[ -x "$WORK/wrapped/demo_app" ] || fail "-k 0 did not build demo_app"
output_matches hello "$WORK/wrapped/demo_app" || fail "demo_app built with -k 0 does not run"
same_outputs "$WORK/plain" "$WORK/wrapped"
echo PASS
