#!/usr/bin/env bash
# The command line Ninja users and CMake rely on: --version, -t handed to the
# real ninja, errors for malformed manifests and unknown targets or flags.
source "$(dirname "$0")/ninja_wrapper_common.sh"

# CMake accepts a make program whose --version is a Ninja version.
[ "$("$WRAPPER" --version)" = "$("$REAL_NINJA" --version)" ] || fail "--version differs from ninja's"
[ "$("$WRAPPER" --version)" = "1.11.1" ] || fail "--version is not 1.11.1"

configure "$WORK/wrapped" "$WRAPPER"
"$WRAPPER" -C "$WORK/wrapped" >/dev/null

# -t goes to the real ninja, with the same -C and -f.
diff <("$WRAPPER" -C "$WORK/wrapped" -t targets all) <("$REAL_NINJA" -C "$WORK/wrapped" -t targets all) ||
  fail "-t targets all differs from ninja's"
output_matches '^demo_app: ' "$WRAPPER" -C "$WORK/wrapped" -t targets all || fail "-t targets lacks demo_app"
(cd "$WORK/wrapped" && output_matches 'input: CXX_EXECUTABLE_LINKER' "$WRAPPER" -t query demo_app) || fail "-t query without -C"
cp "$WORK/wrapped/build.ninja" "$WORK/wrapped/other.ninja"
output_matches demo_app "$WRAPPER" -C "$WORK/wrapped" -f other.ninja -t targets rule phony || fail "-f not passed to the tool"
set +e
"$WRAPPER" -C "$WORK/wrapped" -t no_such_tool >"$WORK/tool.log" 2>&1
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "unknown tool exited 0"
expect_contains "$WORK/tool.log" "unknown tool 'no_such_tool'"
# A ninja named `ninja` that is really edgecache-ninja is not "the real ninja".
mkdir "$WORK/bin" && ln -s "$WRAPPER" "$WORK/bin/ninja"
PATH="$WORK/bin:$PATH" output_matches demo_app "$WORK/bin/ninja" -C "$WORK/wrapped" -t targets all ||
  fail "-t through a 'ninja' symlink to ourselves"

# expect_failure <want rc> <message> <command...>: exit status and stderr+stdout.
expect_failure() {
  local want=$1 message=$2 rc
  shift 2
  set +e
  "$@" >"$WORK/fail.log" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq "$want" ] || { cat "$WORK/fail.log" >&2; fail "'$*' exited $rc, want $want"; }
  expect_contains "$WORK/fail.log" "$message"
}

expect_failure 1 "unknown target 'demo_ap', did you mean 'demo_app'?" "$WRAPPER" -C "$WORK/wrapped" demo_ap
expect_failure 1 "invalid -j parameter" "$WRAPPER" -j x
expect_failure 1 "usage: edgecache-ninja" "$WRAPPER" -h
expect_failure 1 "unknown debug setting 'explian', did you mean 'explain'?" "$WRAPPER" -d explian

# A malformed manifest: Ninja's own message and exit status.
mkdir "$WORK/bad"
printf 'rule cc\n  command = true\nbuild out: cc in\nbuild broken line\n' >"$WORK/bad/build.ninja"
"$REAL_NINJA" -C "$WORK/bad" >"$WORK/bad.ninja.log" 2>&1 && fail "ninja accepted the bad manifest"
expect_failure 1 "build.ninja:4: expected ':'" "$WRAPPER" -C "$WORK/bad"
diff "$WORK/bad.ninja.log" "$WORK/fail.log" || fail "malformed-manifest message differs from ninja's"

# A hand-written manifest with no generator edge builds like in ninja,
# including phony and default targets.
mkdir "$WORK/hand"
printf 'rule w\n  command = echo $out > $out\nbuild x: w\nbuild y: w x\nbuild all_of_it: phony y\ndefault all_of_it\n' \
  >"$WORK/hand/build.ninja"
"$WRAPPER" -C "$WORK/hand" >/dev/null
[ "$(cat "$WORK/hand/y")" = y ] || fail "default target not built"
output_matches "no work to do" "$WRAPPER" -C "$WORK/hand" x || fail "named target rebuilt"
echo PASS
