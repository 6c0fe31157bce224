#!/usr/bin/env bash
# An input edited while the step runs: the run is not stored (its output
# belongs to neither content), so a later build with the first content
# never gets the second content's output.
source "$(dirname "$0")/ninja_observe_common.sh"

echo first >"$P/in.txt"
cat >"$P/build.ninja" <<'NINJA'
rule slowcopy
  command = sleep 2 && cat in.txt > $out
build out.txt: slowcopy in.txt
NINJA
"$WRAPPER" -C "$P" >"$WORK/last.log" 2>&1 &
build=$!
sleep 1
echo second >"$P/in.txt"
wait "$build" || { cat "$WORK/last.log" >&2; fail "the build failed"; }
if [ "$(cat "$P/out.txt")" = second ]; then
  # The edit came while the step ran (the usual case): never stored.
  expect_result "$P" out.txt "not-stored.input-changed-during-run"
  expect_result "$P" out.txt "not stored: an input changed while the step ran: in.txt"
fi

echo first >"$P/in.txt"
rm "$P/out.txt"
wbuild "$P"
[ "$(cat "$P/out.txt")" = first ] || fail "in.txt is 'first' but out.txt is '$(cat "$P/out.txt")': a run stored under the wrong key"
echo PASS
