#!/usr/bin/env bash
# The protoc/libprotoc pattern: a generator linked to a shared library of the
# project. The library changes, the tool's executable stays byte-identical:
# the generated file must be regenerated, not restored (the tool's loaded
# libraries are in its observed read set).
source "$(dirname "$0")/ninja_observe_common.sh"

cat >"$P/gen.c" <<'C'
const char* gen_text(void) { return "version one"; }
C
cat >"$P/tool.c" <<'C'
#include <stdio.h>
const char* gen_text(void);
int main(void) { printf("#define TEXT \"%s\"\n", gen_text()); return 0; }
C
cat >"$P/build.ninja" <<NINJA
rule so
  command = gcc -shared -fPIC -o \$out \$in
rule exe
  command = gcc -o \$out \$in -L. -lgen -Wl,-rpath,$P
rule gen
  command = ./tool > \$out
build libgen.so: so gen.c
build tool: exe tool.c | libgen.so
build out.h: gen tool
NINJA

wbuild "$P"
grep -q 'version one' "$P/out.h" || fail "first build: $(cat "$P/out.h")"
cp "$P/tool" "$WORK/tool.before"

sed -i 's/version one/version two/' "$P/gen.c"
wbuild "$P"
cmp -s "$P/tool" "$WORK/tool.before" || fail "the tool changed: the test needs an identical executable"
grep -q 'version two' "$P/out.h" || fail "out.h is stale after libgen.so changed: $(cat "$P/out.h")"
expect_result "$P" out.h "ran"

# Back to the first library: every step is served from the cache again.
sed -i 's/version two/version one/' "$P/gen.c"
wbuild "$P"
grep -q 'version one' "$P/out.h" || fail "third build: $(cat "$P/out.h")"
expect_result "$P" out.h "local-hit"
echo PASS
