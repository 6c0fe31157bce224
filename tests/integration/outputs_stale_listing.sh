#!/usr/bin/env bash
# Build-time state is never stale (issue 12, item 3): edgecache-ninja
# memoizes directory listings (to answer "is this shadowing header still
# absent?" cheaply); a header a step generates mid-build in an earlier -I
# directory must be seen by the compiles after it. Here b.o's lookup lists
# gen/ (no config.h yet), then the generator writes gen/config.h, then a.o,
# whose cached candidate was made with gen/config.h absent, must miss.
# The same for a header written by a process the build does not declare
# (a console step here; as well an editor or a `git checkout` while
# building): each lookup checks the listings it consults again.
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
cd "$SCRATCH"
mkdir -p src gen
printf '#define V 1\n' > src/config.h
printf '#include "config.h"\nint a(void) { return V; }\n' > a.c
printf '#include "config.h"\nint b(void) { return V * 10; }\n' > b.c
rules='rule cc
  command = gcc -MD -MF $out.d -Igen -Isrc -c $in -o $out
  depfile = $out.d
  deps = gcc
rule gen
  command = printf "#define V 2\\n" > $out
'
note "build 1: no generator; a.o and b.o stored with gen/config.h absent"
printf '%sbuild b.o: cc b.c\nbuild a.o: cc a.c\n' "$rules" > build.ninja
"$EDGECACHE_NINJA_BIN" -j1 > build1.log 2>&1 || { cat build1.log; fail "build 1"; }

note "build 2: b.o (a hit, lists gen/), then the generator, then a.o"
rm -f a.o b.o
# Ninja starts ready edges in manifest order: b.o, gen/config.h, then a.o.
printf '%sbuild b.o: cc b.c\nbuild gen/config.h: gen\nbuild a.o: cc a.c || gen/config.h\n' "$rules" > build.ninja
"$EDGECACHE_NINJA_BIN" -j1 -v > build2.log 2>&1 || { cat build2.log; fail "build 2"; }
[ -f gen/config.h ] || fail "the generator did not run"
gcc -Igen -Isrc -c a.c -o expected_a.o
cmp a.o expected_a.o || fail "stale hit: a.o was restored although gen/config.h now shadows src/config.h"

note "build 3: b.o (a hit, lists gen/), a console step writes gen/config.h undeclared, then a.o"
rm -f a.o b.o gen/config.h
printf '%srule shadow\n  command = printf "#define V 3\\n" > gen/config.h; touch $out\n  pool = console\n' "$rules" > build.ninja
printf 'build b.o: cc b.c\nbuild shadow.stamp: shadow\nbuild a.o: cc a.c || shadow.stamp\n' >> build.ninja
"$EDGECACHE_NINJA_BIN" -j1 -v > build3.log 2>&1 || { cat build3.log; fail "build 3"; }
grep -q '#define V 3' gen/config.h || fail "the console step did not write gen/config.h"
gcc -Igen -Isrc -c a.c -o expected_a.o
cmp a.o expected_a.o || fail "stale hit: a.o was restored although another process wrote gen/config.h"
echo "PASS"
