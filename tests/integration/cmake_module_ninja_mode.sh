# EDGECACHE_MODE=ninja: through CMAKE_PROJECT_TOP_LEVEL_INCLUDES the module
# makes edgecache-ninja the make program, and a clean rebuild takes every
# edge from the cache. Included after project() it is too late for that: a
# warning says which -DCMAKE_MAKE_PROGRAM to pass, and the launcher caches.
source "$(dirname "$0")/cmake_module_lib.sh"
WRAPPER="$PREFIX/bin/edgecache-ninja"
[ -x "$WRAPPER" ] || fail "edgecache-ninja was not installed in $PREFIX/bin"

cache_value() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }

note "top-level include: edgecache-ninja becomes the make program"
b="$SCRATCH/top"
top_args=(-S "$PLAIN_PROJECT" -B "$b" -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" -DEDGECACHE_MODE=ninja)
configure "$b.log" "${top_args[@]}"
expect_in "$b.log" "EdgeCache: ninja mode: make program $WRAPPER" "status line"
expect_eq "$(cache_value "$b" CMAKE_MAKE_PROGRAM)" "$WRAPPER" "CMAKE_MAKE_PROGRAM"
expect_no_launcher "$b" "no compiler launcher inside the wrapper"
PLAIN_EDGES="words.cpp.o count.c.o main.cpp.o libwords.a plain_project"
build "$b"
expect_in "$b.build.log" "edgecache: 0/5 edges from cache" "cold build: nothing from the cache"
expect_outcomes "cold build" "$b" "$(each_step ran $PLAIN_EDGES)"
rm -rf "$b"
configure "$b.log" "${top_args[@]}"
build "$b"
expect_in "$b.build.log" "edgecache: 5/5 edges from cache (5 local" "clean rebuild: every edge from the cache"
expect_outcomes "clean rebuild" "$b" "$(each_step local-hit $PLAIN_EDGES)"
"$b/plain_project" > /dev/null || fail "the program from cached edges does not run"

note "back to launcher mode: plain ninja is the make program again"
configure "$b.log" -S "$PLAIN_PROJECT" -B "$b" -DEDGECACHE_MODE=launcher
expect_in "$b.log" "EdgeCache: launcher mode" "status line"
case "$(cache_value "$b" CMAKE_MAKE_PROGRAM)" in
  */edgecache-ninja|"") fail "make program after switching back: $(cache_value "$b" CMAKE_MAKE_PROGRAM)" ;;
esac
build "$b"

note "included after project(): a warning naming -DCMAKE_MAKE_PROGRAM, the launcher meanwhile"
b="$SCRATCH/late"
configure "$b.log" -S "$WITH_MODULE" -B "$b" -DCMAKE_PREFIX_PATH="$PREFIX" -DEDGECACHE_MODE=ninja
expect_in "$b.log" "CMake Warning" "a warning"
expect_in "$b.log" "-DCMAKE_MAKE_PROGRAM=$WRAPPER" "the warning names the option to pass"
expect_in "$b.log" "EdgeCache: launcher mode" "falls back to the launcher"
expect_launcher "$b" "$PREFIX/bin/edgecache" "compiles go through the launcher"

note "... and with that option the wrapper is used, without the launcher"
b="$SCRATCH/late-fixed"
configure "$b.log" -S "$WITH_MODULE" -B "$b" -DCMAKE_PREFIX_PATH="$PREFIX" -DEDGECACHE_MODE=ninja \
  -DCMAKE_MAKE_PROGRAM="$WRAPPER"
expect_not_in "$b.log" "CMake Warning" "no warning"
expect_in "$b.log" "EdgeCache: ninja mode: make program $WRAPPER" "status line"
expect_no_launcher "$b" "no compiler launcher inside the wrapper"
build "$b"
expect_in "$b.build.log" "edges from cache" "the wrapper's summary"

note "the Makefile generator: a warning, the launcher caches"
b="$SCRATCH/make"
cmake -G "Unix Makefiles" -S "$PLAIN_PROJECT" -B "$b" -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE" \
  -DEDGECACHE_MODE=ninja > "$b.log" 2>&1 || { cat "$b.log" >&2; fail "configure with Makefiles failed"; }
expect_in "$b.log" "EDGECACHE_MODE=ninja needs the Ninja generator" "warning"
expect_in "$b.log" "EdgeCache: launcher mode" "falls back to the launcher"
build "$b"
expect_outcomes "the Makefile build's 3 compiles went through the cache" "$b.decisions" \
  "$(each_step local-hit words.cpp.o count.c.o main.cpp.o)"
echo "PASS"
