#!/usr/bin/env bash
# The same compile writing another object name or directory hits (issue 11,
# "hits that are missing"): the object equals a plain compile at the new
# name, the depfile's rule names the new object. Where the name can change
# what the compiler writes (a recorded command line, assembler options,
# profiles) it stays in the key: a miss, and still the plain compile's bytes.
source "$(dirname "$0")/inputs_lib.sh"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
mkdir -p sub "sp ace"
printf '#include "n.h"\n#include <stdio.h>\nint f(int y) { printf("%%d\\n", N * y); return y; }\n' > a.c
echo '#define N 3' > n.h

# at_name WHAT CC OBJ ARGS... (the check of expect_hit, expect_miss and expect_uncached here): a plain compile to OBJ (kept as want.o),
# then the launcher's to OBJ; the objects must be identical (the same name:
# some flags record it). Depfiles the plain compile wrote are removed first.
at_name() {
  local what=$1 cc=$2 obj=$3
  shift 3
  "$cc" "$@" -o "$obj" || fail "$what: the plain compile failed"
  mv "$obj" want.o
  rm -f ./*.d sub/*.d "sp ace"/*.d
  "$E" "$cc" "$@" -o "$obj" || fail "$what: the launcher's compile failed"
  cmp -s "$obj" want.o || fail "$what: $obj differs from a plain compile"
}
COMPILE_CHECK=at_name
# same_rules GOT WANT: two depfiles with the same targets and dependencies
# (line wrapping aside).
same_rules() {
  python3 - "$1" "$2" <<'EOF' || fail "depfile $1 does not match a plain compile's $2"
import sys
def rules(path):
    text = open(path).read().replace("\\\n", " ")
    return [line.split() for line in text.splitlines() if line.strip()]
sys.exit(0 if rules(sys.argv[1]) == rules(sys.argv[2]) else 1)
EOF
}
# first_target DEPFILE: the text before the first rule's ':'.
first_target() { head -n 1 "$1" | sed 's/: .*//; s/:$//'; }

for CC in gcc clang; do
  note "$CC: another object name, another directory"
  expect_miss "first compile" $CC a.o -O1 -c a.c
  expect_hit "another name" $CC sub/b.o -O1 -c a.c
  expect_miss "debug info, first" $CC dbg1.o -g -O1 -c a.c
  expect_hit "debug info at another name" $CC sub/dbg2.o -g -O1 -c a.c

  note "$CC: CMake's -MD -MT <obj> -MF <obj>.d"
  expect_miss "first compile" $CC cm1.o -O2 -MD -MT cm1.o -MF cm1.o.d -c a.c
  expect_hit "another object" $CC sub/cm2.o -O2 -MD -MT sub/cm2.o -MF sub/cm2.o.d -c a.c
  expect_eq "$(first_target sub/cm2.o.d)" "sub/cm2.o" "depfile target rewritten"
  $CC -O2 -MD -MT sub/cm2.o -MF want.d -c a.c -o want2.o
  same_rules sub/cm2.o.d want.d

  note "$CC: -MD without -MF (depfile name from -o), a name to escape"
  expect_miss "first compile" $CC d1.o -O3 -MD -c a.c
  expect_hit "another name" $CC "sp ace/d#2.o" -O3 -MD -c a.c
  [ -f "sp ace/d#2.d" ] || fail "-MD without -MF: the depfile at the derived name is missing"
  expect_eq "$(first_target "sp ace/d#2.d")" 'sp\ ace/d\#2.o' "escaped target"
  $CC -O3 -MD -c a.c -o "sp ace/want#.o" && mv "sp ace/want#.d" want.d && rm "sp ace/want#.o"
  sed -i 's|want\\#\.o|d\\#2.o|' want.d
  same_rules "sp ace/d#2.d" want.d

  note "$CC: -MQ, and a user -MT naming something else"
  expect_miss "-MQ first" $CC q1.o -Os -MD -MQ q1.o -MF q1.d -c a.c
  expect_hit "-MQ another" $CC sub/q2.o -Os -MD -MQ sub/q2.o -MF sub/q2.d -c a.c
  expect_eq "$(first_target sub/q2.d)" "sub/q2.o" "-MQ target"
  expect_miss "-MT fixed, first" $CC m1.o -Os -MD -MT fixed -MF m1.d -c a.c
  expect_hit "-MT fixed, another object" $CC m2.o -Os -MD -MT fixed -MF m2.d -c a.c
  expect_eq "$(first_target m2.d)" "fixed" "user -MT kept"
  expect_miss "-MT another value" $CC m3.o -Os -MD -MT other -MF m3.d -c a.c
  expect_eq "$(first_target m3.d)" "other" "user -MT kept"

  note "$CC: a changed header still misses at another name"
  echo '#define N 4' > n.h
  expect_miss "changed header" $CC sub/cm3.o -O2 -MD -MT sub/cm3.o -MF sub/cm3.o.d -c a.c
  echo '#define N 3' > n.h
done

note "clang: a command line recorded in the object keeps the name in the key"
for flag in -grecord-command-line -frecord-command-line; do
  expect_miss "$flag first" clang r1.o -g $flag -MD -c a.c
  expect_miss "$flag another name" clang sub/r2.o -g $flag -MD -c a.c
  expect_hit "$flag same name" clang sub/r2.o -g $flag -MD -c a.c
  # Without a depfile the cache would add -MD -MF <temp> to the recorded line.
  expect_uncached "$flag without -MD" clang r3.o -g $flag -c a.c
done
[ "$(stat_value uncacheable.records-command-line)" -ge 2 ] || fail "counted as uncacheable.records-command-line"
note "gcc: assembler options and profiles keep the name in the key"
expect_miss "-Wa first" gcc w1.o -Wa,--noexecstack -c a.c
expect_miss "-Wa another name" gcc sub/w2.o -Wa,--noexecstack -c a.c
printf 'int p(int x) { return x > 3 ? x * 2 : x + 1; }\nint main(void) { return p(1) == 0; }\n' > prof.c
clang -fprofile-instr-generate prof.c -o prof_gen && LLVM_PROFILE_FILE=a.profraw ./prof_gen
llvm-profdata-14 merge -o a.profdata a.profraw 2>/dev/null || llvm-profdata merge -o a.profdata a.profraw
expect_miss "-fprofile-use first" clang p1.o -O2 -fprofile-use=a.profdata -c prof.c
expect_miss "-fprofile-use another name" clang sub/p2.o -O2 -fprofile-use=a.profdata -c prof.c

note "gcc: -aux-info writes a file a hit would not: uncached"
"$E" gcc -aux-info proto.txt -c a.c -o x1.o
rm -f proto.txt
"$E" gcc -aux-info proto.txt -c a.c -o x1.o
[ -f proto.txt ] || fail "-aux-info: the file was not written"
[ "$(stat_value uncacheable.extra-output)" -ge 2 ] || fail "-aux-info counted as uncacheable.extra-output"
finish
