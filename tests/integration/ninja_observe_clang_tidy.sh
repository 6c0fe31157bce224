#!/usr/bin/env bash
# CMake's CXX_CLANG_TIDY: compiles run through `cmake -E __run_co_compile`,
# which runs clang-tidy, then the compiler. The .clang-tidy file is read by
# clang-tidy, not named anywhere: once it says WarningsAsErrors, a build
# that fails for real must not succeed from the cache.
source "$(dirname "$0")/ninja_observe_common.sh"
command -v clang-tidy >/dev/null || fail "clang-tidy is not installed (scripts/bootstrap.sh installs it)"

mkdir -p "$P/src"
cat >"$P/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(tidy CXX)
set(CMAKE_CXX_CLANG_TIDY clang-tidy)
add_executable(app main.cpp)
CMAKE
cat >"$P/src/main.cpp" <<'CPP'
static int unused_argument(int value) { return 0; }
int main() { return unused_argument(1); }
CPP
echo "Checks: '-*,misc-unused-parameters'" >"$P/src/.clang-tidy"

configure_tidy() {  # configure_tidy <build dir> <make program>
  rm -rf "$1"
  cmake -G Ninja -S "$P/src" -B "$1" -DCMAKE_MAKE_PROGRAM="$2" >"$1.configure.log" 2>&1 ||
    { cat "$1.configure.log" >&2; fail "configure of $1"; }
}
configure_tidy "$WORK/b" "$WRAPPER"
wbuild "$WORK/b"
expect_contains "$WORK/last.log" "misc-unused-parameters"

printf "Checks: '-*,misc-unused-parameters'\nWarningsAsErrors: '*'\n" >"$P/src/.clang-tidy"
configure_tidy "$WORK/plain" "$REAL_NINJA"
if "$REAL_NINJA" -C "$WORK/plain" >"$WORK/plain.log" 2>&1; then
  cat "$WORK/plain.log" >&2
  fail "plain ninja succeeded: the test needs a failing clang-tidy"
fi
configure_tidy "$WORK/b" "$WRAPPER"
if "$WRAPPER" -C "$WORK/b" >"$WORK/last.log" 2>&1; then
  cat "$WORK/last.log" >&2
  fail "WarningsAsErrors: plain ninja fails, but edgecache-ninja succeeded from the cache"
fi
expect_contains "$WORK/last.log" "misc-unused-parameters"

# Back to warnings only: the first build's entry serves the compile.
echo "Checks: '-*,misc-unused-parameters'" >"$P/src/.clang-tidy"
configure_tidy "$WORK/b" "$WRAPPER"
wbuild "$WORK/b"
expect_result "$WORK/b" CMakeFiles/app.dir/main.cpp.o "local-hit"
echo PASS
