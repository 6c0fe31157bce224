#!/usr/bin/env bash
# edgecache-ninja's compile edges are keyed like the launcher's (issue 11):
# a header that appears earlier in the include search, one probed by
# __has_include, or a pch appearing beside a header makes a rebuild of the
# object a miss, and the object matches a plain compile, with gcc and clang.
source "$(dirname "$0")/ninja_cache_common.sh"

for CC in gcc clang; do
  P=$WORK/$CC
  mkdir -p "$P/a" "$P/q" && cd "$P"
  cat > build.ninja <<NINJA
flags = -Ia -iquote q
rule cc
  command = $CC -MD -MF \$out.d \$flags -c \$in -o \$out
  depfile = \$out.d
  deps = gcc
build main.o: cc main.c
build has.o: cc has.c
build forced.o: cc forced.c
  flags = -include x.h
NINJA
  printf '#include "h.h"\nint f(void) { return V; }\n' > main.c
  printf '#if __has_include("opt.h")\nint g(void) { return 2; }\n#else\nint g(void) { return 1; }\n#endif\n' > has.c
  printf 'int k(void) { return X; }\n' > forced.c
  echo '#define V 1' > a/h.h
  printf '#ifndef X\n#define X 1\n#endif\n' > x.h

  # rebuild <what> <expected summary>: removes the objects, rebuilds with
  # edgecache-ninja, compares each object with a plain compile.
  rebuild() {
    rm -f ./*.o
    "$WRAPPER" -C "$P" > "$WORK/$CC-build.log" 2>&1 || { cat "$WORK/$CC-build.log" >&2; fail "$CC: $1: build failed"; }
    expect_summary "$WORK/$CC-build.log" "$2"
    $CC -Ia -iquote q -c main.c -o want.o && cmp -s main.o want.o || fail "$CC: $1: main.o stale"
    $CC -Ia -iquote q -c has.c -o want.o && cmp -s has.o want.o || fail "$CC: $1: has.o stale"
    $CC -include x.h -c forced.c -o want.o && cmp -s forced.o want.o || fail "$CC: $1: forced.o stale"
    rm -f want.o
  }
  rebuild "cold" "edgecache: 0/3 edges from cache (0 local, 0 remote), 3 ran"
  rebuild "warm" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran"
  # A file no lookup asks for (an executable linked into a searched dir).
  printf 'ELF' > a/tool && printf 'ELF' > q/other-tool
  rebuild "files no #include asks for in searched dirs" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran"
  # A new file in a directory that a compile's lookups visit is a miss for
  # the compile that asks for its name there, and only for it (main.c's
  # "h.h" and has.c's "opt.h" both search q/).
  echo '#define V 2' > q/h.h
  rebuild "a header in the -iquote dir" "edgecache: 2/3 edges from cache (2 local, 0 remote), 1 ran"
  echo '/* now present */' > q/opt.h
  rebuild "a header probed by __has_include" "edgecache: 2/3 edges from cache (2 local, 0 remote), 1 ran"
  mkdir -p "$WORK/pchsrc" && printf '#define X 7\n' > "$WORK/pchsrc/x.h"
  if [ "$CC" = gcc ]; then
    gcc -x c-header "$WORK/pchsrc/x.h" -o x.h.gch
  else
    clang -x c-header -DX=7 x.h -o x.h.pch
  fi
  # (the pch is a new file in the sources' own dir, by a name only the
  # forced include's lookup asks for: only forced.c misses)
  rebuild "a pch beside the forced include" "edgecache: 2/3 edges from cache (2 local, 0 remote), 1 ran"
  rebuild "warm again" "edgecache: 3/3 edges from cache (3 local, 0 remote), 0 ran"
  printf '#define X 8\n' > "$WORK/pchsrc/x.h"
  if [ "$CC" = gcc ]; then
    gcc -x c-header "$WORK/pchsrc/x.h" -o x.h.gch
  else
    clang -x c-header -DX=8 x.h -o x.h.pch
  fi
  rebuild "the pch rebuilt with other contents" "edgecache: 2/3 edges from cache (2 local, 0 remote), 1 ran"
done
echo "PASS"
