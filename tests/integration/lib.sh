# Shared helpers for the integration tests. Each test script sources this,
# gets a private scratch dir and cache dir, and fails on the first error.
set -euo pipefail

: "${EDGECACHE_BIN:?EDGECACHE_BIN must name the edgecache launcher}"
: "${EDGECACHE_SOURCE_DIR:?EDGECACHE_SOURCE_DIR must name the repository}"
EXAMPLE_SRC="$EDGECACHE_SOURCE_DIR/examples/hello"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/edgecache-test.XXXXXX")
export EDGECACHE_DIR="$SCRATCH/cache"
export XDG_CONFIG_HOME="$SCRATCH/config"   # no user config leaks in
unset EDGECACHE_REMOTE EDGECACHE_BASEDIR EDGECACHE_DISABLE EDGECACHE_NO_REMOTE EDGECACHE_LOG || true
unset EDGECACHE_REMOTE_HELPER EDGECACHE_REMOTE_HELPER_IDLE_TIMEOUT || true
# The remote helper's socket lives here: a helper started by a test exits
# when the cleanup removes its socket.
export XDG_RUNTIME_DIR="$SCRATCH/run"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
cleanup() { rm -rf "$SCRATCH"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }

# stat_value NAME: one counter from `edgecache stats --json` (0 when absent).
stat_value() {
  "$EDGECACHE_BIN" stats --json | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"
}

# copy_example DEST: a fresh checkout of the example project.
copy_example() { mkdir -p "$1" && cp -r "$EXAMPLE_SRC"/. "$1"/; }

# configure_with_launcher SRC BUILD [cmake args...]
configure_with_launcher() {
  local src=$1 build=$2; shift 2
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE= \
    -DCMAKE_C_COMPILER_LAUNCHER="$EDGECACHE_BIN" -DCMAKE_CXX_COMPILER_LAUNCHER="$EDGECACHE_BIN" \
    "$@" >/dev/null
}

# objects_of BUILD: the object files of a build, relative to it, sorted.
objects_of() { (cd "$1" && find . -name '*.o' | sort); }

# same_objects BUILD_A BUILD_B: every object byte-identical.
same_objects() {
  local a=$1 b=$2 n=0
  for o in $(objects_of "$a"); do
    cmp -s "$a/$o" "$b/$o" || fail "object $o differs between $a and $b"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || fail "no objects in $a"
}

expect_eq() { [ "$1" = "$2" ] || fail "$3: expected $2, got $1"; }
