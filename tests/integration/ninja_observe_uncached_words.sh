#!/usr/bin/env bash
# Why a step ran uncached, in words, the same in the run record, the HTML
# report (`edgecache report`), `edgecache explain` and `edgecache stats`:
# undeclared writes (the first few paths), an untraceable static, setuid or
# 32-bit program, a build where the tracer is missing ("reads files it does
# not declare"). Each step must still run and the build succeed.
source "$(dirname "$0")/ninja_observe_common.sh"
EDGECACHE=${EDGECACHE_BIN:?EDGECACHE_BIN names the edgecache program}

cat >"$P/gen.sh" <<'SH'
#!/bin/sh
for f in a b c d; do echo "int $f;" >"$f.inc"; done
echo '#include "a.inc"' >gen.h
SH
chmod +x "$P/gen.sh"
cat >"$P/build.ninja" <<'NINJA'
rule gen
  command = ./gen.sh
build gen.h: gen gen.sh
NINJA
tools=gen.h

# A statically linked program, a setuid one, a 32-bit one: the tracer cannot
# follow into any of them.
add_tool() {  # add_tool <name>: a step running ./<name>
  cat >>"$P/build.ninja" <<NINJA
rule run_$1
  command = ./$1 && touch \$out
build $1.stamp: run_$1 $1
NINJA
  tools="$tools $1.stamp"
}
echo 'int main(void) { return 0; }' >"$WORK/tool.c"
gcc -static "$WORK/tool.c" -o "$P/static_tool" 2>/dev/null && add_tool static_tool
cp "$(type -P true)" "$P/setuid_tool" && chmod 4755 "$P/setuid_tool" && add_tool setuid_tool
printf 'void _start(void) { __asm__ volatile("movl $1, %%eax\\n movl $0, %%ebx\\n int $0x80"); }\n' >"$WORK/t32.c"
if gcc -m32 -nostdlib -static -O1 "$WORK/t32.c" -o "$P/tool32" 2>/dev/null && "$P/tool32"; then
  add_tool tool32
else
  echo "note: no 32-bit program can be built or run here; that case is skipped"
fi

wbuild "$P"
expect_result "$P" gen.h "uncached writes-undeclared-files not cached: writes undeclared files: a.inc, b.inc, c.inc (and 1 more)"
case " $tools " in *" static_tool.stamp "*)
  expect_result "$P" static_tool.stamp "uncached untraceable-static-binary not cached: untraceable static binary $P/static_tool (LD_PRELOAD cannot see";;
esac
expect_result "$P" setuid_tool.stamp "uncached untraceable-setuid-program not cached: untraceable setuid program $P/setuid_tool"
case " $tools " in *" tool32.stamp "*)
  expect_result "$P" tool32.stamp "uncached untraceable-32-bit-program not cached: untraceable 32-bit program $P/tool32";;
esac
for t in $tools; do [ -e "$P/$t" ] || fail "$t was not made"; done

# The HTML report says the same.
"$EDGECACHE" report "$P" --output "$WORK/report.html" >/dev/null
grep -qF 'not cached: writes undeclared files: a.inc, b.inc, c.inc (and 1 more)' "$WORK/report.html" ||
  fail "report: no words for gen.h"
grep -qF "not cached: untraceable setuid program $P/setuid_tool" "$WORK/report.html" || fail "report: no words for setuid_tool"

# explain names the last run as uncached, and why.
"$EDGECACHE" explain "$P/gen.h" >"$WORK/explain.txt" 2>&1 || { cat "$WORK/explain.txt" >&2; fail "explain gen.h"; }
grep -qF 'last run: uncached' "$WORK/explain.txt" || { cat "$WORK/explain.txt" >&2; fail "explain: not 'uncached'"; }
grep -qF 'why: not cached: writes undeclared files: a.inc, b.inc, c.inc (and 1 more)' "$WORK/explain.txt" ||
  { cat "$WORK/explain.txt" >&2; fail "explain: no words"; }

# A second build: still uncached, the same words, and explain unchanged.
rm -f "$P"/*.stamp "$P/gen.h"
wbuild "$P"
expect_result "$P" gen.h "not cached: writes undeclared files: a.inc"
"$EDGECACHE" explain "$P/setuid_tool.stamp" | grep -qF "why: not cached: untraceable setuid program $P/setuid_tool" ||
  fail "explain setuid_tool.stamp: $("$EDGECACHE" explain "$P/setuid_tool.stamp" 2>&1)"

# stats: the counters with their words.
"$EDGECACHE" stats >"$WORK/stats.txt"
grep -E 'uncacheable\.writes-undeclared-files +2 +\(writes undeclared files\)' "$WORK/stats.txt" >/dev/null ||
  { cat "$WORK/stats.txt" >&2; fail "stats: undeclared writes not in words"; }
grep -E 'uncacheable\.untraceable-setuid-program +2 +\(untraceable setuid program\)' "$WORK/stats.txt" >/dev/null ||
  { cat "$WORK/stats.txt" >&2; fail "stats: setuid not in words"; }

# Without the tracer the step cannot be observed: it reads files it does not declare.
mkdir -p "$WORK/bare" "$WORK/q"
cp "$WRAPPER" "$WORK/bare/edgecache-ninja"
printf 'rule copy\n  command = cp in.txt $out\nbuild out.txt: copy\n' >"$WORK/q/build.ninja"
echo hi >"$WORK/q/in.txt"
WRAPPER=$WORK/bare/edgecache-ninja wbuild "$WORK/q"
expect_result "$WORK/q" out.txt "uncached not-observable not cached: reads files it does not declare, and its run cannot be observed: no libedgecache-tracer.so next to edgecache-ninja"
[ "$(cat "$WORK/q/out.txt")" = hi ] || fail "out.txt"
"$EDGECACHE" explain "$WORK/q/out.txt" | grep -qF 'why: not cached: reads files it does not declare' ||
  fail "explain out.txt: $("$EDGECACHE" explain "$WORK/q/out.txt" 2>&1)"
echo PASS
