# Sourced by the ninja_wrapper_*.sh tests (and, through ninja_cache_common.sh
# and ninja_observe_common.sh, by every edgecache-ninja test): on top of the
# harness (lib.sh: $SCRATCH, a private cache, fail, expect_contains,
# output_matches), $WRAPPER is edgecache-ninja, $REAL_NINJA Debian's ninja,
# and $SRC a private copy of examples/$EXAMPLE_PROJECT (default ninja_demo;
# tests edit and touch sources, the checkout must stay untouched).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
WRAPPER=$(realpath "$EDGECACHE_NINJA_BIN")
REAL_NINJA=$(command -v ninja) || fail "no ninja on PATH"
WORK=$SCRATCH
SRC=$WORK/src
cp -r "$EDGECACHE_SOURCE_DIR/examples/${EXAMPLE_PROJECT:-ninja_demo}" "$SRC"

# configure <build dir> <make program> [cmake args...]
configure() {
  local dir=$1 make_program=$2
  shift 2
  cmake -G Ninja -S "$SRC" -B "$dir" -DCMAKE_MAKE_PROGRAM="$make_program" "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log" >&2; fail "cmake configure of $dir failed"; }
}

# configure_pair [cmake args...]: $WORK/plain built by ninja, $WORK/wrapped by us.
configure_pair() {
  configure "$WORK/plain" "$REAL_NINJA" "$@"
  configure "$WORK/wrapped" "$WRAPPER" "$@"
}

# commands_run <ninja -v log> <build dir>: the commands a build ran, in order,
# with the build directory replaced so two build trees compare equal.
commands_run() {
  sed -n 's/^\[[0-9]*\/[0-9]*\] //p' "$1" | sed "s|$2|<build>|g"
}

# same_outputs <dir a> <dir b>: every object, archive, executable and
# generated header is byte-identical in both trees.
same_outputs() {
  local a=$1 b=$2 count=0 f
  while IFS= read -r f; do
    [ -f "$b/$f" ] || fail "$b/$f missing (present in $a)"
    cmp -s "$a/$f" "$b/$f" || fail "$f differs between $a and $b"
    count=$((count + 1))
  done < <(cd "$a" && find . \( -name '*.o' -o -name '*.a' -o -name 'demo_*' -o -name '*.h' \) -type f | sort)
  [ "$count" -gt 0 ] || fail "no outputs found in $a"
  echo "$count outputs identical"
}
