# A launcher the user chose is kept, per language, and the status line says so.
source "$(dirname "$0")/cmake_module_lib.sh"

note "-DCMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/env: C++ keeps env, C goes through edgecache"
b="$SCRATCH/build"
configure "$b.log" -S "$WITH_MODULE" -B "$b" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DCMAKE_CXX_COMPILER_LAUNCHER=/usr/bin/env
expect_in "$b.log" "EdgeCache: keeping your CMAKE_CXX_COMPILER_LAUNCHER (/usr/bin/env)" "status line"
expect_in "$b.log" "compiler launcher $PREFIX/bin/edgecache for C;" "C still switched on"
expect_launcher "$b" /usr/bin/env "C++ rules use env"
expect_not_in "$b/CMakeFiles/rules.ninja" "edgecache /usr/bin/c++" "no C++ rule uses edgecache"
build "$b"
expect_outcomes "only the C file went through the cache" "$b.decisions" "checksum.c.o=ran"

note "a launcher from the environment is kept too"
b="$SCRATCH/build-env"
CMAKE_C_COMPILER_LAUNCHER=/usr/bin/env configure "$b.log" -S "$PLAIN_PROJECT" -B "$b" \
  -DCMAKE_PROJECT_TOP_LEVEL_INCLUDES="$MODULE"
expect_in "$b.log" "EdgeCache: keeping your CMAKE_C_COMPILER_LAUNCHER (/usr/bin/env)" "status line"
expect_launcher "$b" /usr/bin/env "C rules use env"
echo "PASS"
