#!/usr/bin/env bash
# ExternalProject: the configure step writes a whole build tree but declares
# only a stamp; build and install steps write files no edge declares. Such
# steps are not cached ("writes-undeclared-files"), so a clean build with a
# warm cache leaves the same files as plain Ninja: the installed library is
# there and the executable linked against it runs.
source "$(dirname "$0")/ninja_observe_common.sh"

mkdir -p "$P/src/inner"
cat >"$P/src/inner/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(inner C)
add_library(inner SHARED inner.c)
install(TARGETS inner LIBRARY DESTINATION lib)
CMAKE
echo 'int inner_value(void) { return 7; }' >"$P/src/inner/inner.c"
cat >"$P/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(outer C)
include(ExternalProject)
set(inner_install ${CMAKE_BINARY_DIR}/inner-install)
ExternalProject_Add(inner_ext
  SOURCE_DIR ${CMAKE_SOURCE_DIR}/inner
  CMAKE_ARGS -DCMAKE_INSTALL_PREFIX=${inner_install} -DCMAKE_BUILD_TYPE=Release
  BUILD_BYPRODUCTS ${inner_install}/lib/libinner.so)
add_library(inner SHARED IMPORTED)
set_target_properties(inner PROPERTIES IMPORTED_LOCATION ${inner_install}/lib/libinner.so)
add_dependencies(inner inner_ext)
add_executable(app main.c)
target_link_libraries(app PRIVATE inner)
CMAKE
echo 'int inner_value(void); int main(void) { return inner_value() - 7; }' >"$P/src/main.c"

configure_ext() {  # configure_ext <build dir> <make program>
  rm -rf "$1"
  cmake -G Ninja -S "$P/src" -B "$1" -DCMAKE_MAKE_PROGRAM="$2" >"$1.configure.log" 2>&1 ||
    { cat "$1.configure.log" >&2; fail "configure of $1"; }
}
configure_ext "$WORK/plain" "$REAL_NINJA"
"$REAL_NINJA" -C "$WORK/plain" >"$WORK/plain.log" 2>&1 || { cat "$WORK/plain.log" >&2; fail "plain ninja failed"; }
"$WORK/plain/app" || fail "plain app"

configure_ext "$WORK/b" "$WRAPPER"
wbuild "$WORK/b"
"$WORK/b/app" || fail "first app"
# A clean build with the cache now warm.
configure_ext "$WORK/b" "$WRAPPER"
wbuild "$WORK/b"
[ -f "$WORK/b/inner-install/lib/libinner.so" ] || fail "clean warm build: the ExternalProject's library was not installed"
[ -f "$WORK/b/inner_ext-prefix/src/inner_ext-build/CMakeCache.txt" ] || fail "clean warm build: no inner build tree"
"$WORK/b/app" || fail "clean warm build: app does not run"
grep -q 'writes-undeclared-files' "$WORK/b/.edgecache/last-run.json" || fail "no step named writes-undeclared-files"
echo PASS
