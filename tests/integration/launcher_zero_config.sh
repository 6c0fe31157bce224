# No configuration at all: the launcher finds the build tree (CMakeCache.txt
# upward from its working dir) and takes its source and build dirs as base
# dirs. A second build dir of the same checkout, and a second checkout, get
# every compile from the cache; `edgecache config` says where the default
# came from; a -g build without a prefix map in another checkout misses, and
# explain (and the stats) say it is the embedded path; with base dirs
# switched off, explain says the paths are part of the key.
source "$(dirname "$0")/lib.sh"
SRC=$SCRATCH/work/proj
copy_example "$SRC"
cd "$SCRATCH/work"

note "two build dirs of one checkout, no base dir set anywhere"
configure_with_launcher "$SRC" "$SCRATCH/work/b1"
with_decisions "$SCRATCH/b1.decisions" ninja -C b1 >/dev/null
expect_outcomes "first build dir" "$SCRATCH/b1.decisions" "$(each_step ran $HELLO_COMPILES)"
configure_with_launcher "$SRC" "$SCRATCH/work/b2"
with_decisions "$SCRATCH/b2.decisions" ninja -C b2 >/dev/null
expect_outcomes "second build dir: every compile from the cache" "$SCRATCH/b2.decisions" "$(each_step local-hit $HELLO_COMPILES)"
same_objects b1 b2

note "edgecache config shows the default base dirs and their origin"
(cd b2/CMakeFiles && "$EDGECACHE_BIN" config) >config.txt
grep -E "^base_dir +$SRC:$SCRATCH/work/b2 +\(default from $SCRATCH/work/b2/CMakeCache.txt\)$" config.txt >/dev/null ||
  fail "config does not show the default base dirs: $(grep base_dir config.txt)"
(cd b2 && EDGECACHE_BASEDIR=/elsewhere "$EDGECACHE_BIN" config) | grep -E "^base_dir +/elsewhere +\(env EDGECACHE_BASEDIR\)$" >/dev/null ||
  fail "an explicit base dir does not win over the default"

note "a second checkout at another path, build dir inside, no configuration"
copy_example "$SCRATCH/other/place/proj"
configure_with_launcher "$SCRATCH/other/place/proj" "$SCRATCH/other/place/proj/build"
with_decisions "$SCRATCH/other.decisions" ninja -C "$SCRATCH/other/place/proj/build" >/dev/null
expect_outcomes "another checkout: every compile from the cache" "$SCRATCH/other.decisions" "$(each_step local-hit $HELLO_COMPILES)"
same_objects b1 "$SCRATCH/other/place/proj/build"

note "base dirs switched off: another build dir misses and explain says why"
configure_with_launcher "$SRC" "$SCRATCH/work/b3"
EDGECACHE_BASEDIR= ninja -C b3 >/dev/null
configure_with_launcher "$SRC" "$SCRATCH/work/b4"
EDGECACHE_BASEDIR= ninja -C b4 >/dev/null
"$EDGECACHE_BIN" explain b4/CMakeFiles/greet.dir/src/greet.cpp.o >paths.txt
grep -F "why it missed: another build dir or checkout: paths differ (\`$SCRATCH/work/b3\` vs \`$SCRATCH/work/b4\`) and they are part of the key; set base_dir" paths.txt >/dev/null ||
  fail "explain does not name the other build dir: $(cat paths.txt)"

note "-g without a prefix map: a second checkout misses, explain names the embedded path"
export EDGECACHE_DIR=$SCRATCH/cache-debug
for c in first second; do
  copy_example "$SCRATCH/debug/$c"
  configure_with_launcher "$SCRATCH/debug/$c" "$SCRATCH/debug/$c/build" -DCMAKE_BUILD_TYPE=Debug
  with_decisions "$SCRATCH/$c.decisions" ninja -C "$SCRATCH/debug/$c/build" >/dev/null
done
expect_outcomes "a -g object of another checkout is never served" "$SCRATCH/second.decisions" "$(each_step ran $HELLO_COMPILES)"
expect_eq "$(stat_value miss.embedded-path)" 5 "misses counted as embedded path"
"$EDGECACHE_BIN" explain "$SCRATCH/debug/second/build/CMakeFiles/greet.dir/src/greet.cpp.o" >debug.txt
grep -F "why it missed: the cached result embeds another checkout's path ($SCRATCH/debug/first/" debug.txt >/dev/null ||
  fail "explain does not name the embedded path: $(cat debug.txt)"
grep -F "this checkout is $SCRATCH/debug/second" debug.txt >/dev/null || fail "explain does not name this checkout: $(cat debug.txt)"
cat paths.txt debug.txt
echo "PASS"
