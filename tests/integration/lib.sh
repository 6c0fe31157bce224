# The one harness of the integration tests: every test script sources this
# file, directly or through its family's helpers (inputs_lib.sh,
# remote_lib.sh, ninja_wrapper_common.sh, ...). It gives the script a private
# scratch dir ($SCRATCH), a private cache ($EDGECACHE_DIR) and config, no
# edgecache setting from the caller's environment, and the shared checks
# (fail, note, expect_eq, expect_contains, output_matches). CTest registers
# every script through edgecache_script_tests (CMakeLists.txt), which names
# the programs; by hand:
#   EDGECACHE_BIN=build/launcher/edgecache EDGECACHE_NINJA_BIN=build/ninja_wrapper/edgecache-ninja \
#   EDGECACHE_SOURCE_DIR=$PWD bash tests/integration/<script>.sh
set -euo pipefail

: "${EDGECACHE_BIN:?EDGECACHE_BIN must name the edgecache launcher}"
: "${EDGECACHE_SOURCE_DIR:?EDGECACHE_SOURCE_DIR must name the repository}"
EXAMPLE_SRC="$EDGECACHE_SOURCE_DIR/examples/hello"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/edgecache-test.XXXXXX")
export EDGECACHE_DIR="$SCRATCH/cache"
export XDG_CONFIG_HOME="$SCRATCH/config"   # no user config leaks in
# Every setting a user could have exported (cache_core/config/config.cpp):
# a test starts from the defaults and sets what it checks.
unset EDGECACHE_MAX_SIZE EDGECACHE_BASEDIR EDGECACHE_REMOTE EDGECACHE_REMOTE_TOKEN \
  EDGECACHE_NO_REMOTE EDGECACHE_REMOTE_HELPER EDGECACHE_REMOTE_HELPER_IDLE_TIMEOUT \
  EDGECACHE_DISABLE EDGECACHE_LOG EDGECACHE_COMPRESSION_LEVEL EDGECACHE_EXCLUDE_RULES \
  EDGECACHE_SIGNING_KEY EDGECACHE_VERIFY EDGECACHE_VERIFY_IGNORE || true
# The remote helper's socket lives here: a helper started by a test exits
# when the cleanup removes its socket.
export XDG_RUNTIME_DIR="$SCRATCH/run"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
cleanup() { rm -rf "$SCRATCH"; }
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "--- $*"; }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected $2, got $1"; }
# expect_contains FILE STRING: the file holds the fixed string (else it is shown).
expect_contains() {
  grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $1"; }
}

# output_matches REGEX COMMAND...: the command succeeds and its stdout
# matches. (Not `cmd | grep -q`: grep's early exit can kill cmd with
# SIGPIPE, which pipefail turns into a spurious failure.)
output_matches() {
  local pattern=$1 out=$SCRATCH/output_matches.out
  shift
  "$@" >"$out" || return 1
  grep -qE -- "$pattern" "$out"
}

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
# wait_uploads CACHE_DIR: until the uploads the launcher's compiles left
# running in the background for that cache dir have ended (prints the warning
# of one that switched the remote off).
wait_uploads() { EDGECACHE_DIR="$1" "$EDGECACHE_BIN" wait-uploads; }