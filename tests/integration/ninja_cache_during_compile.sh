#!/usr/bin/env bash
# A header that appears in the include search while edgecache-ninja's
# compile edge runs: the object was built without it, so the entry stored
# for that run must not claim the header's directory as it is now, and the
# next build, whose compile would find the header, must miss and produce
# what a plain compile produces (the launcher's twin is in
# launcher_include_search.sh). Two places: an earlier -I dir the source's
# own lookup visits, and a subdir that only a header's #include names.
source "$(dirname "$0")/ninja_cache_common.sh"

# A compiler named gcc (edgecache-ninja keys it as a compile) that, after a
# compile with -c, creates the file named by $CREATE: "during" the edge.
mkdir -p "$WORK/wrap"
printf '#!/bin/sh\n/usr/bin/gcc "$@"; s=$?\ncase " $* " in *" -c "*) [ -z "$CREATE" ] || echo "#define X 2" > "$CREATE";; esac\nexit $s\n' > "$WORK/wrap/gcc"
chmod +x "$WORK/wrap/gcc"

# project <dir> <source text>: a build.ninja compiling main.c with -Idir1 -Idir2.
project() {
  P=$WORK/$1
  mkdir -p "$P/dir1" "$P/dir2" && cd "$P"
  cat > build.ninja <<NINJA
rule cc
  command = $WORK/wrap/gcc -MD -MF \$out.d -Idir1 -Idir2 -c \$in -o \$out
  depfile = \$out.d
  deps = gcc
build main.o: cc main.c
NINJA
  printf '%b' "$2" > main.c
}

# build_expect <what> <summary>: builds with edgecache-ninja, then main.o
# must equal a plain compile of the tree as it is now.
build_expect() {
  "$WRAPPER" -C "$P" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "$1: build failed"; }
  expect_summary "$WORK/build.log" "$2"
  /usr/bin/gcc -Idir1 -Idir2 -c main.c -o want.o && cmp -s main.o want.o || fail "$1: main.o is not what gcc makes now"
  rm -f want.o
}

note "a header appears in an earlier -I dir while the edge compiles"
project earlier '#include "x.h"\nint f(void) { return X; }\n'
echo '#define X 1' > dir2/x.h
sleep 2.2  # settled dirs: their stamps are recorded too
CREATE=$P/dir1/x.h "$WRAPPER" -C "$P" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "first build failed"; }
[ -f dir1/x.h ] || fail "the wrapper did not create dir1/x.h"
rm -f main.o
build_expect "dir1/x.h, created during the edge that stored" "edgecache: 0/1 edges from cache (0 local, 0 remote), 1 ran"
rm -f main.o
build_expect "unchanged since" "edgecache: 1/1 edges from cache (1 local, 0 remote), 0 ran"

note "a header appears, while the edge compiles, in a subdir only a header's #include names"
project subdir '#include "a.h"\nint f(void) { return X; }\n'
mkdir -p dir1/sub dir2/sub
printf '#include <sub/x.h>\n' > dir2/a.h
echo '#define X 1' > dir2/sub/x.h
echo '/* another header */' > dir1/sub/other.h
sleep 2.2
CREATE=$P/dir1/sub/x.h "$WRAPPER" -C "$P" > "$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "first build failed"; }
[ -f dir1/sub/x.h ] || fail "the wrapper did not create dir1/sub/x.h"
rm -f main.o
build_expect "dir1/sub/x.h, created during the edge" "edgecache: 0/1 edges from cache (0 local, 0 remote), 1 ran"
rm -f main.o
build_expect "unchanged since" "edgecache: 1/1 edges from cache (1 local, 0 remote), 0 ran"
echo "PASS"
