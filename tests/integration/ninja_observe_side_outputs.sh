#!/usr/bin/env bash
# Undeclared outputs: a generator writing gen.h (declared) and gen.inc (not
# declared) is not cached ("writes-undeclared-files"), so a clean build with
# a warm cache, where the consumer misses, still finds gen.inc. A statically
# linked tool cannot be observed and is not cached either.
source "$(dirname "$0")/ninja_observe_common.sh"

cat >"$P/gen.sh" <<'SH'
#!/bin/sh
echo '#include "gen.inc"' >gen.h
echo 'int generated = 42;' >gen.inc
SH
chmod +x "$P/gen.sh"
echo '#include "gen.h"' >"$P/main.c"
echo 'int main(void) { return generated - 42; }' >>"$P/main.c"
cat >"$P/build.ninja" <<'NINJA'
rule gen
  command = ./gen.sh
rule cc
  command = gcc -MD -MF $out.d -c $in -o $out
  depfile = $out.d
  deps = gcc
rule link
  command = gcc $in -o $out
build gen.h: gen gen.sh
build main.o: cc main.c || gen.h
build app: link main.o
NINJA
wbuild "$P"
expect_result "$P" gen.h "writes-undeclared-files"

# A clean build after a change of the consumer: gen.h alone is not enough.
rm -f "$P/gen.h" "$P/gen.inc" "$P/main.o" "$P/app" "$P/.ninja_log" "$P/.ninja_deps"
echo '/* edited */' >>"$P/main.c"
wbuild "$P"
"$P/app" || fail "app"

# A statically linked program: the tracer cannot see inside it.
if echo 'int main(void) { return 0; }' | gcc -static -x c - -o "$P/static_tool" 2>/dev/null; then
  cat >>"$P/build.ninja" <<'NINJA'
rule static
  command = ./static_tool && touch $out
build static.stamp: static static_tool
NINJA
  wbuild "$P"
  expect_result "$P" static.stamp "untraceable-static-binary"
fi
echo PASS
