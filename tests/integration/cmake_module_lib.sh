# Shared by the cmake_module_*.sh tests: lib.sh's scratch dir, private cache
# and helpers, plus an installation of the whole project into a private prefix
# (as `cmake --install` or the .deb would lay it out).
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_BUILD_DIR:?EDGECACHE_BUILD_DIR must name the edgecache build dir}"

PREFIX="$SCRATCH/prefix"
cmake --install "$EDGECACHE_BUILD_DIR" --prefix "$PREFIX" >/dev/null
MODULE="$PREFIX/share/edgecache/EdgeCache.cmake"
[ -f "$MODULE" ] || fail "the module was not installed at $MODULE"
[ -x "$PREFIX/bin/edgecache" ] || fail "edgecache was not installed in $PREFIX/bin"
EDGECACHE_BIN="$PREFIX/bin/edgecache"   # stat_value reads the installed program's stats
WITH_MODULE="$EDGECACHE_SOURCE_DIR/examples/with_module"
PLAIN_PROJECT="$EDGECACHE_SOURCE_DIR/examples/plain_project"

# configure LOG [cmake args...]: configure with Ninja; LOG gets stdout and
# stderr (the module's status lines and warnings); a failure shows the log.
configure() {
  local log=$1; shift
  cmake -G Ninja -DCMAKE_BUILD_TYPE= "$@" > "$log" 2>&1 || { cat "$log" >&2; fail "configure failed: $*"; }
}

# build BUILD: a quiet build through the make program CMake chose; the
# launcher's decision per compile goes to BUILD.decisions (expect_outcomes).
build() {
  rm -f "$1.decisions"
  EDGECACHE_LOG="$1.decisions" cmake --build "$1" > "$1.build.log" 2>&1 ||
    { cat "$1.build.log" >&2; fail "build of $1 failed"; }
}

# flat FILE: the file on one line with runs of spaces squeezed, so a text
# CMake wrapped in a warning block still matches.
flat() { tr '\n' ' ' < "$1" | tr -s ' '; }
# expect_in FILE TEXT WHAT: FILE contains the fixed string TEXT, wherever
# CMake wrapped it (lib.sh's expect_contains is the line-by-line check).
expect_in() {
  flat "$1" | grep -F -- "$2" >/dev/null || { tail -n 30 "$1" >&2; fail "$3: \"$2\" not in $1"; }
}
expect_not_in() {
  ! flat "$1" | grep -F -- "$2" >/dev/null || { grep -F -- "$2" "$1" | head -n 5 >&2; fail "$3: \"$2\" in $1"; }
}

# expect_launcher BUILD PROGRAM WHAT / expect_no_launcher BUILD WHAT: whether
# the compile rules Ninja runs start with PROGRAM / with some edgecache.
expect_launcher() { expect_in "$1/CMakeFiles/rules.ninja" "command = $2 /usr/bin/c" "$3"; }
expect_no_launcher() { expect_not_in "$1/CMakeFiles/rules.ninja" "edgecache /usr/bin/c" "$2"; }

# each_object BUILD OUTCOME: each object file the build made had OUTCOME
# (as STEP=OUTCOME words for expect_outcomes).
each_object() { each_step "$2" $(objects_of "$1" | sed 's|^\./||'); }

# fresh_cache NAME: a cache dir of its own for the next route.
fresh_cache() { export EDGECACHE_DIR="$SCRATCH/cache-$1"; }
