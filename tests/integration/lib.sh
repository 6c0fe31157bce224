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
  EDGECACHE_SIGNING_KEY EDGECACHE_VERIFY EDGECACHE_VERIFY_IGNORE \
  EDGECACHE_BACKGROUND_UPLOADS || true
# A CI runner sets CI=true, which changes background_uploads=auto: tests that
# check it set it themselves.
unset CI || true
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

# Per-step outcomes: which step hit or ran, not how many did in all. A step
# is named by its output (an object, a library, a generated header) or by
# the end of its path after a '/' (greet.cpp.o names
# CMakeFiles/greet.dir/src/greet.cpp.o); its outcome is a word of the one
# vocabulary (cache_core/step/step_outcome.h): local-hit, remote-hit, ran,
# uncached, and failed for a command that failed.
#
# step_outcomes SOURCE: "<step> <outcome>" per step, in the order they were
# decided. SOURCE is either an edgecache-ninja build dir (its run record,
# <build>/.edgecache/last-run.json: the steps of its last run) or the
# launcher's decision log (EDGECACHE_LOG: "<object>: <decision>" per
# compile, launcher/user_messages.h); give each launcher build its own log
# (launcher_build in remote_lib.sh does).
step_outcomes() {
  python3 - "$1" <<'PY'
import json, os, sys
source = sys.argv[1]
if os.path.isdir(source):
    record = os.path.join(source, ".edgecache", "last-run.json")
    if not os.path.exists(record):
        sys.exit(f"no run record {record}")
    for edge in json.load(open(record))["edges"]:
        outcome = edge["result"] if edge.get("success", True) else "failed"
        print(edge["output"], outcome)
    sys.exit(0)
words = {"hit local": "local-hit", "hit remote": "remote-hit", "miss": "ran",
         "uncacheable": "uncached", "failed": "failed"}
for line in open(source) if os.path.exists(source) else []:
    step, _, decision = line.rstrip("\n").partition(": ")
    outcome = next((o for w, o in words.items() if decision == w or decision.startswith(w + " ")), None)
    if outcome is None:
        sys.exit(f"{source}: a decision of no known outcome: {line.strip()}")
    print(step, outcome)
PY
}

# expect_outcomes WHAT SOURCE "STEP=OUTCOME ...": each step of SOURCE (see
# step_outcomes) had exactly the outcome named for it, e.g.
#   expect_outcomes "clean rebuild" "$B/build" "greet.cpp.o=local-hit main.cpp.o=ran hello=ran *=local-hit"
# A STEP names exactly one step; "*" stands for every step not named; every
# step must be named (or covered by "*") and SOURCE must hold at least one.
# A failure names the step, what was expected and what happened, and lists
# every step's outcome.
expect_outcomes() {
  local what=$1 source=$2 expected=$3 steps
  steps=$(step_outcomes "$source") || fail "$what: cannot read the steps of $source"
  STEPS=$steps python3 - "$what" "$source" "$expected" <<'PY' >&2 || fail "$what: per-step outcomes differ (above)"
import os, sys
what, source, expected = sys.argv[1], sys.argv[2], sys.argv[3].split()
steps = [line.rsplit(" ", 1) for line in os.environ["STEPS"].splitlines() if line]
problems = []
if not steps:
    problems.append(f"no step at all in {source} (did the build go through the cache?)")
named = set()
for item in expected:
    name, _, want = item.partition("=")
    if name == "*":
        continue
    hits = [i for i, (step, _) in enumerate(steps) if step == name or step.endswith("/" + name)]
    if len(hits) != 1:
        problems.append(f"{name}: expected {want}, but {len(hits) or 'no'} step{'s' if len(hits) > 1 else ''} of that name")
        continue
    named.add(hits[0])
    got = steps[hits[0]][1]
    if got != want:
        problems.append(f"{name}: expected {want}, got {got}")
rest = [item.partition("=")[2] for item in expected if item.startswith("*=")]
for i, (step, got) in enumerate(steps):
    if i in named:
        continue
    if not rest:
        problems.append(f"{step}: {got}, but the expectation does not name it")
    elif got != rest[0]:
        problems.append(f"{step}: expected {rest[0]} (*), got {got}")
if problems:
    print(f"{what}: in {source}")
    for p in problems:
        print("  " + p)
    print("  every step:")
    for step, got in steps:
        print(f"    {step} {got}")
    sys.exit(1)
PY
}

# each_step OUTCOME STEP...: "STEP=OUTCOME ..." for expect_outcomes, e.g.
#   expect_outcomes "cold build" "$A.decisions" "$(each_step ran $HELLO_COMPILES)"
each_step() {
  local outcome=$1 step out=()
  shift
  for step in "$@"; do out+=("$step=$outcome"); done
  echo "${out[*]}"
}
# The steps of examples/hello: its compiles (what the launcher sees), and
# every edge edgecache-ninja caches (the compiles, the generated header, the
# archive and the link).
HELLO_COMPILES="greet.cpp.o shapes.cpp.o text.cpp.o stats.c.o main.cpp.o"
HELLO_EDGES="$HELLO_COMPILES generated/version.h libgreet.a hello"

# with_decisions DECISIONS COMMAND...: runs COMMAND (a launcher build, one
# compile) with the launcher's decision log in DECISIONS, emptied first: one
# build, one log, for expect_outcomes. COMMAND's output goes where the caller
# sends it; its status is returned. Keep DECISIONS out of every directory a
# compile searches (the source's own dir, -I dirs): a new file there changes
# the listing, and the next lookup rightly misses.
with_decisions() {
  local decisions
  decisions=$(realpath -m "$1")
  shift
  rm -f "$decisions"
  EDGECACHE_LOG="$decisions" "$@"
}
