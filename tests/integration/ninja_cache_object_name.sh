#!/usr/bin/env bash
# edgecache-ninja's compile edges share the launcher's keying (issue 11):
# one source compiled into two objects with the same flags (one source in
# two CMake targets) is one compile, so the second edge is restored from the
# first's entry, with its depfile naming its own object (Ninja reads it with
# deps = gcc), and the object equal to a plain compile, with gcc and clang.
source "$(dirname "$0")/ninja_cache_common.sh"

for CC in gcc clang; do
  P=$WORK/$CC
  # The sources in src/: a compile's lookups list its includer's dir, which
  # must not be the dir the objects' subdirs appear in.
  mkdir -p "$P/inc" "$P/src" && cd "$P"
  cat > build.ninja <<NINJA
rule cc
  command = $CC -Iinc -O2 -MD -MT \$out -MF \$DEP_FILE -o \$out -c \$in
  depfile = \$DEP_FILE
  deps = gcc
build liba/main.c.o: cc src/main.c
  DEP_FILE = liba/main.c.o.d
build libb/main.c.o: cc src/main.c
  DEP_FILE = libb/main.c.o.d
NINJA
  printf '#include "h.h"\nint f(void) { return V; }\n' > src/main.c
  echo '#define V 1' > inc/h.h

  # build <what> <expected summary>: an edgecache-ninja build at -j1 (one
  # edge after the other), each object compared with a plain compile.
  build() {
    "$WRAPPER" -j1 -C "$P" > "$WORK/$CC-build.log" 2>&1 || { cat "$WORK/$CC-build.log" >&2; fail "$CC: $1: build failed"; }
    expect_summary "$WORK/$CC-build.log" "$2"
    for obj in liba/main.c.o libb/main.c.o; do
      $CC -Iinc -O2 -c src/main.c -o want.o && cmp -s "$obj" want.o || fail "$CC: $1: $obj differs from a plain compile"
    done
    rm -f want.o
  }
  # has_header_dep <object>: Ninja's deps log lists inc/h.h for it.
  has_header_dep() {
    "$REAL_NINJA" -C "$P" -t deps "$1" > "$WORK/deps.txt"
    grep -q 'inc/h.h' "$WORK/deps.txt" || { cat "$WORK/deps.txt" >&2; return 1; }
  }

  build "cold" "edgecache: 1/2 edges from cache (1 local, 0 remote), 1 ran"
  for obj in liba/main.c.o libb/main.c.o; do
    has_header_dep "$obj" || fail "$CC: $obj: the deps log lacks inc/h.h"
  done
  "$WRAPPER" -j1 -C "$P" > "$WORK/$CC-noop.log" 2>&1
  grep -q 'no work to do' "$WORK/$CC-noop.log" || { cat "$WORK/$CC-noop.log" >&2; fail "$CC: the second build is not a no-op"; }

  echo '#define V 2' > inc/h.h
  build "changed header" "edgecache: 1/2 edges from cache (1 local, 0 remote), 1 ran"
  rm -rf liba libb .ninja_deps .ninja_log
  build "clean rebuild" "edgecache: 2/2 edges from cache (2 local, 0 remote), 0 ran"
  for obj in liba/main.c.o libb/main.c.o; do
    has_header_dep "$obj" || fail "$CC: $obj: restored, the deps log lacks inc/h.h"
  done
done
echo PASS
