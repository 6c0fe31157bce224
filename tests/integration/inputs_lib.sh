# Sourced by the launcher_pch / launcher_include_search / launcher_hidden_inputs
# tests (issue 11: everything the compiler reads). After each change to the
# files a compile reads, the launcher's object must equal a plain compile's.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
E="$EDGECACHE_BIN"

# INPUTS_KEEP_GOING=1 reports every failing case instead of stopping at the
# first (to list what an older build gets wrong); finish ends the script.
FAILURES=0
if [ -n "${INPUTS_KEEP_GOING:-}" ]; then
  fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
fi
finish() {
  [ "$FAILURES" = 0 ] || { echo "$FAILURES cases failed" >&2; exit 1; }
  echo "PASS"
}

# matches_plain WHAT CC ARGS...: compiles through the launcher to got.o and
# plainly to want.o (the output name is not in the object) and compares.
matches_plain() {
  local what=$1
  shift
  "$E" "$@" -o got.o || fail "$what: the launcher's compile failed"
  "$@" -o want.o || fail "$what: the plain compile failed"
  cmp -s got.o want.o || fail "$what: stale object, it differs from a plain compile"
}

# The check expect_hit and expect_miss make (a test may set its own, called
# with the same arguments).
COMPILE_CHECK=matches_plain

# expect_compile OUTCOME WHAT CC ARGS...: the compile is correct ($COMPILE_CHECK)
# and the launcher's one decision about it was OUTCOME (its decision log).
expect_compile() {
  local outcome=$1 what=$2 log=$SCRATCH/compile.decisions
  shift
  rm -f "$log"
  EDGECACHE_LOG="$log" "$COMPILE_CHECK" "$@"
  expect_eq "$(step_outcomes "$log" | wc -l)" 1 "$what: decisions of the one compile"
  expect_outcomes "$what" "$log" "*=$outcome"
}

# expect_hit WHAT CC ARGS...: the compile is correct and served from the local cache.
expect_hit() { expect_compile local-hit "$@"; }

# expect_miss WHAT CC ARGS...: the compile is correct, looked up, missed and ran.
expect_miss() { expect_compile ran "$@"; }

# expect_uncached WHAT CC ARGS...: the compile is correct and ran without the cache.
expect_uncached() { expect_compile uncached "$@"; }
