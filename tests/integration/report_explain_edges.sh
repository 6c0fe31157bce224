# edgecache-ninja records each edge's runs in the StepHistory, so
# `edgecache explain <object>` names a changed flag or header for edges too;
# and the run record places every edge on a timeline (start_ms).
source "$(dirname "$0")/report_lib.sh"
SRC=$SCRATCH/src BUILD=$SCRATCH/build OBJECT=build/CMakeFiles/greet.dir/src/greet.cpp.o
copy_example "$SRC"
cd "$SCRATCH"

note "a cold build records every edge with a start time within the run"
configure_wrapped "$SRC" "$BUILD"
build_wrapped "$BUILD"
python3 - "$BUILD/.edgecache/last-run.json" <<'PY' || fail "run record lacks start times"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["edges"]) == 8, d["edges"]
assert all(isinstance(e["start_ms"], int) and e["start_ms"] >= 0 for e in d["edges"])
assert max(e["start_ms"] for e in d["edges"]) > 0  # not all at once: the link waits
PY
"$EDGECACHE_BIN" explain "$OBJECT" >explain0.txt || fail "no history for an edge: $(cat explain0.txt)"
grep "last run: stored" explain0.txt >/dev/null || fail "cold run not recorded: $(cat explain0.txt)"

note "a changed flag (CMAKE_CXX_FLAGS=-O2) is named"
configure_wrapped "$SRC" "$BUILD" -DCMAKE_CXX_FLAGS=-O2
build_wrapped "$BUILD"
"$EDGECACHE_BIN" explain "$OBJECT" >explain1.txt
grep -E "(changed|added) arg.*-O2" explain1.txt >/dev/null || fail "flag change not explained: $(cat explain1.txt)"

note "a changed header is named as a changed dependency"
echo '// changed' >>"$SRC/include/greet/greet.h"
build_wrapped "$BUILD"
"$EDGECACHE_BIN" explain "$OBJECT" >explain2.txt
grep "dependency .*greet/greet.h changed" explain2.txt >/dev/null ||
  fail "header change not explained: $(cat explain2.txt)"

# (A hit on the result the history already ends with is not written again:
# StepHistory spares the write on the common warm rebuild.)
note "a hit is recorded too: the header as it was restores the earlier object"
cp "$EXAMPLE_SRC/include/greet/greet.h" "$SRC/include/greet/greet.h"
build_wrapped "$BUILD"
"$EDGECACHE_BIN" explain "$OBJECT" >explain3.txt
grep "last run: local-hit" explain3.txt >/dev/null || fail "hit not recorded: $(cat explain3.txt)"
cat explain1.txt explain2.txt explain3.txt
echo "PASS"
