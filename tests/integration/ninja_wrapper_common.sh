# Sourced by the ninja_wrapper_*.sh tests. Each test is called by CTest as
#   ninja_wrapper_<name>.sh <edgecache-ninja> <examples/ninja_demo>
# and works in its own temporary directory, on a copy of the demo project
# (tests edit and touch sources; the checkout must stay untouched).
set -euo pipefail

WRAPPER=$(realpath "$1")
DEMO_SOURCE=$(realpath "$2")
REAL_NINJA=$(command -v ninja) || { echo "FAIL: no ninja on PATH" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/edgecache-ninja-test.XXXXXX")
# A private cache: never the user's ~/.cache/edgecache, never shared between tests.
export EDGECACHE_DIR="$WORK/cache" XDG_CONFIG_HOME="$WORK/config"
unset EDGECACHE_REMOTE EDGECACHE_BASEDIR EDGECACHE_DISABLE EDGECACHE_NO_REMOTE || true
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/src
cp -r "$DEMO_SOURCE" "$SRC"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

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

# expect_contains <file> <fixed string>
expect_contains() {
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $1"; }
}

# output_matches <extended regex> <command...>: the command succeeds and its
# stdout matches. (Not `cmd | grep -q`: grep's early exit can kill cmd with
# SIGPIPE, which pipefail turns into a spurious failure.)
output_matches() {
  local pattern=$1 out=$WORK/output_matches.out
  shift
  "$@" >"$out" || return 1
  grep -qE -- "$pattern" "$out"
}
