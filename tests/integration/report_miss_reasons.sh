# Every miss is explained in words, the same words in the run record, the
# HTML report and `edgecache explain`, for each cause that really happens:
# first build, changed flag, changed header, changed upstream output (naming
# the step that made it), changed environment variable, changed compiler
# (another version, or another binary at the same path), an entry gone from
# the local cache that a read-only remote never got, the remote off for the
# run, another build dir with base dirs off, and a teammate at another path
# whose -g objects from the remote embed CI's checkout path.
source "$(dirname "$0")/report_lib.sh"
FIXTURE="$EDGECACHE_SOURCE_DIR/tests/fixtures/nginx_fixture.sh"
NGINX_DIR=$SCRATCH/nginx
trap 'bash "$FIXTURE" stop "$NGINX_DIR" >/dev/null 2>&1 || true; cleanup' EXIT
mkdir -p "$NGINX_DIR" && bash "$FIXTURE" start "$NGINX_DIR"
URL="http://127.0.0.1:$(cat "$NGINX_DIR/port")/cache"
SRC=$SCRATCH/src B=$SCRATCH/build OBJ=CMakeFiles/greet.dir/src/greet.cpp.o
copy_example "$SRC"
cd "$SCRATCH"

# A compiler at a fixed path whose binary we can swap.
mkdir -p bin && printf '#!/bin/sh\nexec g++ "$@"\n' >bin/c++ && chmod +x bin/c++

# why_of BUILD OUTPUT: OUTPUT's "detail" in BUILD's run record.
why_of() {
  python3 - "$1/.edgecache/last-run.json" "$2" <<'PY'
import json, sys
edges = [e for e in json.load(open(sys.argv[1]))["edges"] if e["output"] == sys.argv[2]]
print(edges[0]["detail"] if edges else "(no such edge)")
PY
}

# expect_why BUILD OUTPUT SENTENCE: the run record, the report (HTML-escaped)
# and, for OUTPUT's last run, explain all give SENTENCE.
expect_why() {
  local build=$1 output=$2 sentence=$3 why
  why=$(why_of "$build" "$output")
  case "$why" in *"$sentence"*) ;; *) fail "run record why of $output: '$why', expected '$sentence'" ;; esac
  "$EDGECACHE_BIN" report "$build" --output "$build.html" >/dev/null || fail "report of $build failed"
  local escaped
  escaped=$(python3 -c 'import sys; s=sys.argv[1]
for a, b in (("&","&amp;"),("<","&lt;"),(">","&gt;"),("\"","&quot;"),("'"'"'","&#39;")): s=s.replace(a,b)
print(s)' "$sentence")
  expect_contains "$build.html" "$escaped"
  "$EDGECACHE_BIN" explain "$build/$output" >"$build.explain" || fail "explain $output failed"
  grep -F "why it missed: " "$build.explain" | grep -F -- "$sentence" >/dev/null || fail "explain of $output lacks: $sentence ($(cat "$build.explain"))"
}

note "first build, remote on: nothing anywhere"
export EDGECACHE_REMOTE=$URL
configure_wrapped "$SRC" "$B" -DCMAKE_CXX_COMPILER="$SCRATCH/bin/c++"
build_wrapped "$B"
expect_why "$B" hello "first build of this output: no earlier run anywhere in the cache"

note "a changed flag"
configure_wrapped "$SRC" "$B" -DCMAKE_CXX_FLAGS=-O2
build_wrapped "$B"
expect_why "$B" "$OBJ" "changed since the closest earlier run: added arg: -O2"

note "a changed header"
echo '// changed' >>"$SRC/include/greet/greet.h"
build_wrapped "$B"
expect_why "$B" "$OBJ" "changed header or discovered input: $SRC/include/greet/greet.h differs from the newest stored run"

note "a changed upstream output names the step that made it"
echo 'int greet_extra() { return 1; }' >>"$SRC/src/greet.cpp"
build_wrapped "$B"
expect_why "$B" libgreet.a "changed since the closest earlier run: changed input:$OBJ: "
expect_why "$B" libgreet.a "; $OBJ is the output of the CXX_COMPILER__greet"
expect_contains "$B.explain" "step that writes $OBJ"

note "a changed environment variable"
ninja -C "$B" -t clean >/dev/null
SOURCE_DATE_EPOCH=1 build_wrapped "$B"
expect_why "$B" "$OBJ" "changed since the closest earlier run: added env:SOURCE_DATE_EPOCH: 1"

note "another compiler version at the same path"
printf '#!/bin/sh\nexec clang++ "$@"\n' >bin/c++
ninja -C "$B" -t clean >/dev/null
build_wrapped "$B"
expect_why "$B" "$OBJ" "changed since the closest earlier run: compiler changed ($(g++ --version | head -n 1) → $(clang++ --version | head -n 1))"

note "another binary at the same path, same version (stored with a read-only remote)"
printf '#!/bin/sh\n# rebuilt\nexec clang++ "$@"\n' >bin/c++
ninja -C "$B" -t clean >/dev/null
EDGECACHE_REMOTE="$URL|read-only" build_wrapped "$B"
expect_why "$B" "$OBJ" "compiler changed: another binary at the same path (c++, $(clang++ --version | head -n 1))"

note "an entry gone from the local cache that the read-only remote never got"
ninja -C "$B" -t clean >/dev/null
"$EDGECACHE_BIN" clean >/dev/null
EDGECACHE_REMOTE="$URL|read-only" build_wrapped "$B"
expect_why "$B" "$OBJ" "but its entry is no longer in the local cache: evicted or cleaned; the remote is read-only, so it never got it"

note "the remote off for the run"
ninja -C "$B" -t clean >/dev/null
EDGECACHE_DIR=$SCRATCH/cache-fresh EDGECACHE_NO_REMOTE=1 build_wrapped "$B"
EDGECACHE_DIR=$SCRATCH/cache-fresh expect_why "$B" "$OBJ" "not in the local cache, and the remote was off for this run (no_remote is set)"

note "another build dir with base dirs off"
unset EDGECACHE_REMOTE
for b in off1 off2; do
  EDGECACHE_BASEDIR= configure_wrapped "$SRC" "$SCRATCH/$b"
  EDGECACHE_BASEDIR= build_wrapped "$SCRATCH/$b"
done
expect_why "$SCRATCH/off2" "$OBJ" "another build dir or checkout: paths differ (\`$SCRATCH/off1\` vs \`$SCRATCH/off2\`) and they are part of the key; set base_dir"

note "a teammate at another path, empty local cache, -g objects from the remote embed CI's path"
export EDGECACHE_REMOTE=$URL
for who in ci mate/deeper; do
  copy_example "$SCRATCH/$who/proj"
  EDGECACHE_DIR=$SCRATCH/cache-${who%%/*} configure_wrapped "$SCRATCH/$who/proj" "$SCRATCH/$who/proj/build" -DCMAKE_BUILD_TYPE=Debug
  EDGECACHE_DIR=$SCRATCH/cache-${who%%/*} build_wrapped "$SCRATCH/$who/proj/build"
done
export EDGECACHE_DIR=$SCRATCH/cache-mate
expect_why "$SCRATCH/mate/deeper/proj/build" "$OBJ" "the cached result embeds another checkout's path ($SCRATCH/ci/proj/"
expect_contains "$SCRATCH/mate/deeper/proj/build.explain" "this checkout is $SCRATCH/mate/deeper/proj"
[ "$(stat_value miss.embedded-path)" -ge 5 ] || fail "embedded-path misses not counted: $(stat_value miss.embedded-path)"
cat "$SCRATCH/mate/deeper/proj/build.explain"
echo "PASS"
