#!/usr/bin/env bash
# Command prefixes: `env gcc ...` (the gcc env finds on PATH is an input) and
# `CPATH=dir gcc ...` (the assignment changes which header is read).
source "$(dirname "$0")/ninja_observe_common.sh"

mkdir -p "$P/bin" "$P/inc1" "$P/inc2"
make_gcc() {
  printf '#!/bin/sh\nexec /usr/bin/gcc -DVARIANT=%s "$@"\n' "$1" >"$P/bin/gcc"
  chmod +x "$P/bin/gcc"
}
make_gcc 1
echo 'int variant = VARIANT;' >"$P/v.c"
echo '#define FROM 1' >"$P/inc1/h.h"
echo '#define FROM 2' >"$P/inc2/h.h"
printf '#include <h.h>\nint from = FROM;\n' >"$P/c.c"
write_manifest() {
  cat >"$P/build.ninja" <<NINJA
rule envcc
  command = env PATH=$P/bin:/usr/bin:/bin gcc -E -P \$in -o \$out
rule cpathcc
  command = CPATH=$1 gcc -c \$in -o \$out -MD -MF \$out.d
  depfile = \$out.d
  deps = gcc
build v.i: envcc v.c
build c.o: cpathcc c.c
NINJA
}
write_manifest inc1
wbuild "$P"
grep -q 'variant = 1' "$P/v.i" || fail "v.i: $(cat "$P/v.i")"

# A new gcc on PATH: plain ninja would not rerun, a clean build must see it.
make_gcc 2
rm "$P/v.i"
wbuild "$P"
grep -q 'variant = 2' "$P/v.i" || fail "env gcc: stale v.i restored: $(cat "$P/v.i")"

# CPATH changes from inc1 to inc2: the object must be inc2's.
write_manifest inc2
wbuild "$P"
(cd "$P" && CPATH=inc2 gcc -c c.c -o "$WORK/expected.o")
cmp -s "$P/c.o" "$WORK/expected.o" || fail "CPATH=inc2: c.o is not inc2's object (stale restore)"
echo PASS
