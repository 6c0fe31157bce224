#!/usr/bin/env bash
# A header edited during a build by a process the build does not declare
# (an editor, a `git checkout`; a console step here) is seen by every lookup
# after the edit. edgecache-ninja keeps the stamps of recorded headers in
# memory between lookups while inotify reports no change (WatchedStats):
# b.o's lookup reads src/common.h's stamp, the console step rewrites the
# header (in place at the same size, then by rename), and a.o, stored with
# the old contents, must miss and compile the new ones.
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
# In a fresh dir: build 1 stores a.o and b.o with V 1; build 2 runs b.o (a
# hit: its lookup reads src/common.h's stamp), then `how` edits the header,
# then a.o, each after the one before.
edit_between_lookups() {
  local how=$1 value=$2
  mkdir -p "$SCRATCH/$value/src" && cd "$SCRATCH/$value"
  # An absolute -I, as CMake writes: the header's path in the manifest is
  # absolute, as those of a real project's headers are.
  local rules="rule cc
  command = gcc -MD -MF \$out.d -I$PWD/src -c \$in -o \$out
  depfile = \$out.d
  deps = gcc
"
  printf '#define V 1\n' > src/common.h
  printf '#include "common.h"\nint a(void) { return V; }\n' > a.c
  printf '#include "common.h"\nint b(void) { return V * 10; }\n' > b.c
  # Older than the coarsest timestamp granule when stored, so the manifest
  # records its stamp, and an equal stamp later stands for its contents.
  sleep 2.1
  printf '%sbuild b.o: cc b.c\nbuild a.o: cc a.c\n' "$rules" > build.ninja
  "$EDGECACHE_NINJA_BIN" -j1 > build1.log 2>&1 || { cat build1.log; fail "build 1"; }

  rm -f a.o b.o
  printf '%srule edit\n  command = %s; touch $out\n  pool = console\n' "$rules" "$how" > build.ninja
  printf 'build b.o: cc b.c\nbuild edited.stamp: edit || b.o\nbuild a.o: cc a.c || edited.stamp\n' >> build.ninja
  "$EDGECACHE_NINJA_BIN" -j1 -v > build2.log 2>&1 || { cat build2.log; fail "build 2"; }
  grep -q "#define V $value" src/common.h || fail "the console step did not edit src/common.h"
  # Only b.o from the cache: a.o ran (it must, to match a real build).
  grep -q 'edgecache: 1/3 edges from cache' build2.log ||
    { cat build2.log; fail "expected b.o alone from the cache"; }
  gcc -I"$PWD/src" -c a.c -o expected_a.o
  cmp a.o expected_a.o || fail "stale hit: a.o was restored although src/common.h now says V $value"
}

note "the header rewritten in place at the same size (same inode)"
edit_between_lookups 'printf "\\043define V 2\\n" 1<> src/common.h' 2
note "the header replaced by rename (another inode)"
edit_between_lookups 'printf "\\043define V 3\\n" > src/new.h && mv src/new.h src/common.h' 3
echo "PASS"
