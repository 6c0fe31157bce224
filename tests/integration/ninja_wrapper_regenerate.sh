#!/usr/bin/env bash
# Editing CMakeLists.txt makes edgecache-ninja re-run CMake (the generator
# edge of build.ninja) and then build the new graph, in one invocation, both
# when called directly and through `cmake --build`.
source "$(dirname "$0")/ninja_wrapper_common.sh"

configure "$WORK/wrapped" "$WRAPPER"
"$WRAPPER" -C "$WORK/wrapped" >/dev/null

cat >>"$SRC/CMakeLists.txt" <<'CMAKE'
add_executable(demo_regenerated src/standalone.cpp)
CMAKE
"$WRAPPER" -C "$WORK/wrapped" >"$WORK/regen.log" 2>&1 || { cat "$WORK/regen.log"; fail "build after edit failed"; }
expect_contains "$WORK/regen.log" "Re-running CMake"
expect_contains "$WORK/regen.log" "Linking CXX executable demo_regenerated"
[ -x "$WORK/wrapped/demo_regenerated" ] || fail "new target not built"
output_matches "no work to do" "$WRAPPER" -C "$WORK/wrapped" || fail "manifest still dirty after re-run"

# The same through cmake --build, with the edit removing the target again.
sed -i '/demo_regenerated/d' "$SRC/CMakeLists.txt"
cmake --build "$WORK/wrapped" >"$WORK/regen2.log" 2>&1 || { cat "$WORK/regen2.log"; fail "cmake --build after edit failed"; }
expect_contains "$WORK/regen2.log" "Re-running CMake"
"$WRAPPER" -C "$WORK/wrapped" -t targets all >"$WORK/targets.log"
if grep -q demo_regenerated "$WORK/targets.log"; then
  fail "removed target still in build.ninja"
fi

# -n with a stale manifest: Ninja regenerates nothing for real and exits 0.
touch "$SRC/CMakeLists.txt"
"$WRAPPER" -C "$WORK/wrapped" -n >"$WORK/dry.log" || fail "-n with stale manifest failed"
expect_contains "$WORK/dry.log" "Re-running CMake"
echo PASS
