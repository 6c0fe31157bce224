#!/usr/bin/env bash
# Outputs come back as they were made (issue 12, item 4): a CMake shared
# library with VERSION/SOVERSION (libfoo.so -> libfoo.so.1 -> libfoo.so.1.2)
# is restored as the same chain of symlinks, modes kept; a restat rule
# whose hit finds its output already holding the cached bytes leaves it
# alone, so Ninja prunes what depends on it as after a real run; an
# ordinary (non-restat) edge's unchanged output is touched as a rerun
# would, so the next build has nothing to do.
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
W="$EDGECACHE_NINJA_BIN"
cd "$SCRATCH"

note "SOVERSION symlinks: a warm build restores links, not copies"
mkdir -p proj
cat > proj/CMakeLists.txt <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(sover C)
add_library(foo SHARED foo.c)
set_target_properties(foo PROPERTIES VERSION 1.2 SOVERSION 1)
add_executable(app app.c)
target_link_libraries(app foo)
CMAKE
printf 'int foo(void) { return 7; }\n' > proj/foo.c
printf 'int foo(void);\nint main(void) { return foo() == 7 ? 0 : 1; }\n' > proj/app.c
configure() { cmake -G Ninja -S proj -B "$1" -DCMAKE_MAKE_PROGRAM="$2" -DCMAKE_BUILD_TYPE= >/dev/null; }
configure plain "$(command -v ninja)" && cmake --build plain >/dev/null
configure build "$W" && cmake --build build > cold.log 2>&1 || { cat cold.log; fail "cold build"; }
rm -rf build
configure build "$W" && cmake --build build > warm.log 2>&1 || { cat warm.log; fail "warm build"; }
grep -q ' 0 ran' warm.log || { cat warm.log; fail "the warm build ran edges"; }
for name in libfoo.so libfoo.so.1; do
  [ -L "build/$name" ] || fail "$name was restored as a $(stat -c %F "build/$name"), not a symlink"
  expect_eq "$(readlink "build/$name")" "$(readlink "plain/$name")" "$name's target"
done
for name in libfoo.so.1.2 app; do
  [ -f "build/$name" ] && [ ! -L "build/$name" ] || fail "$name is not a regular file"
  expect_eq "$(stat -c %a "build/$name")" "$(stat -c %a "plain/$name")" "$name's mode"
done
(cd build && ./app) || fail "the restored app does not run with the restored library"
output_is_noop() { ninja -C "$1" -n | grep -q 'no work to do'; }
output_is_noop build || fail "plain ninja wants to rebuild the restored tree"

note "an ordinary edge hit on an unchanged object: touched, the next build is a no-op"
touch proj/foo.c   # same bytes: a hit whose object already holds the cached bytes
cmake --build build > touched.log 2>&1 || { cat touched.log; fail "build after touch"; }
output_is_noop build || fail "after a hit on an unchanged output, ninja still wants to rebuild"

note "restat: a hit that finds its output unchanged leaves it, Ninja prunes the rest"
mkdir -p restat && cd restat
cat > build.ninja <<'NINJA'
# gen.sh rewrites its output only when the bytes change (restat's contract).
rule gen
  command = sh gen.sh $in $out
  restat = 1
rule cp
  command = cp $in $out
build mid.txt: gen in.txt
build final.txt: cp mid.txt
NINJA
cat > gen.sh <<'SH'
tr a-z A-Z < "$1" > "$2.new"
if cmp -s "$2.new" "$2"; then rm "$2.new"; else mv "$2.new" "$2"; fi
SH
echo hello > in.txt
"$W" > build1.log 2>&1 || { cat build1.log; fail "restat build 1"; }
touch -d '2001-01-01' mid.txt && before=$(stat -c %Y mid.txt)
cp -a . ../restat_plain   # the same tree for plain ninja, from here on
touch in.txt ../restat_plain/in.txt  # same bytes, newer: gen is dirty
"$W" > build2.log 2>&1 || { cat build2.log; fail "restat build 2"; }
ninja -C ../restat_plain > ../restat_plain/plain2.log 2>&1 || fail "plain ninja build 2"
expect_eq "$(stat -c %Y mid.txt)" "$before" "mid.txt's mtime after a hit on an unchanged output"
grep -q 'cp mid.txt' ../restat_plain/plain2.log && fail "(plain ninja did not prune: the test is wrong)"
grep -q 'cp mid.txt final.txt' build2.log && { cat build2.log; fail "final.txt was rebuilt: restat pruning lost after a hit"; }
grep -q '1/1 edges from cache' build2.log || { cat build2.log; fail "expected exactly the gen edge from the cache"; }
echo "PASS"
