#!/usr/bin/env bash
# Files the compiler reads that no depfile names (issue 11, situation 3):
# each is hashed into the key or the call runs uncached with a named reason.
source "$(dirname "$0")/inputs_lib.sh"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"

for CC in gcc clang; do
  note "$CC: .incbin in assembler and in inline asm runs uncached"
  printf 'one' > data.bin
  printf '.section .rodata\n.globl blob\nblob:\n.incbin "data.bin"\n' > blob.s
  printf '#include "incbin.h"\nint f(void) { return 1; }\n' > inline.c
  printf '__asm__(".section .rodata\\n.globl blob2\\nblob2:\\n.incbin \\"data.bin\\"\\n.text\\n");\n' > incbin.h
  before=$(stat_value uncacheable.incbin)
  for round in 1 2; do
    matches_plain "assembler .incbin, round $round" $CC -c blob.s
    matches_plain "inline asm .incbin in a header, round $round" $CC -MD -c inline.c
    printf 'two, longer' > data.bin
  done
  expect_eq "$(stat_value uncacheable.incbin)" $((before + 2)) "assembler .incbin counted as uncacheable.incbin"
  [ "$(stat_value not-stored.incbin)" -ge 2 ] || fail ".incbin in a header: not stored, by name"

  note "$CC: -MMD keeps -isystem headers in the key"
  mkdir -p sys
  echo '#define S 1' > sys/s.h
  printf '#include <s.h>\nint g(void) { return S; }\n' > mmd.c
  expect_miss "first compile" $CC -isystem sys -MMD -MF mmd.d -c mmd.c
  grep -q 's\.h' mmd.d && fail "-MMD depfile names the system header (not as asked)"
  expect_hit "unchanged" $CC -isystem sys -MMD -MF mmd.d -c mmd.c
  echo '#define S 2' > sys/s.h
  expect_miss "a changed -isystem header" $CC -isystem sys -MMD -MF mmd.d -c mmd.c
  grep -q 's\.h' mmd.d && fail "-MMD depfile after a miss names the system header"
done

note "gcc: -specs= is hashed into the key"
printf '*cc1:\n+ -DSPEC=1\n' > my.specs
printf 'int s(void) { return SPEC; }\n' > spec.c
expect_miss "first compile" gcc -specs=my.specs -c spec.c
expect_hit "unchanged" gcc -specs=my.specs -c spec.c
matches_plain "the --specs= spelling" gcc --specs=my.specs -c spec.c
printf '*cc1:\n+ -DSPEC=2\n' > my.specs
expect_miss "a changed specs file" gcc -specs=my.specs -c spec.c
"$E" gcc -specs=my.specs -c spec.c -o spec.o
printf '*cc1:\n+ -DSPEC=3\n' > my.specs
"$E" gcc -specs=my.specs -c spec.c -o spec.o
"$E" explain spec.o > explain.txt || true
grep -q 'my.specs' explain.txt || { cat explain.txt >&2; fail "explain does not name the specs file"; }

note "clang: -fsanitize-ignorelist= is in the key"
echo 'fun:f' > ignore.txt
printf 'int f(int *p) { return *p; }\n' > asan.c
expect_miss "first compile" clang -fsanitize=address -fsanitize-ignorelist=ignore.txt -c asan.c
expect_hit "unchanged" clang -fsanitize=address -fsanitize-ignorelist=ignore.txt -c asan.c
echo 'fun:g' > ignore.txt
expect_miss "a changed ignorelist" clang -fsanitize=address -fsanitize-ignorelist=ignore.txt -c asan.c

note "clang: -fprofile-use= with a profile file is in the key"
printf 'int p(int x) { return x > 3 ? x * 2 : x + 1; }\n' > prof.c
printf 'int p(int);\nint main(void) { int s = 0; for (int i = 0; i < 100; ++i) s += p(i); return s == 0; }\n' > prof_main.c
clang -fprofile-instr-generate prof.c prof_main.c -o prof_gen
LLVM_PROFILE_FILE=a.profraw ./prof_gen || true
llvm-profdata-14 merge -o a.profdata a.profraw 2>/dev/null || llvm-profdata merge -o a.profdata a.profraw
expect_miss "first compile" clang -O2 -fprofile-use=a.profdata -c prof.c
expect_hit "unchanged" clang -O2 -fprofile-use=a.profdata -c prof.c
cp a.profdata b.profdata && printf 'int p(int x) { return x; }\nint main(void) { return p(0); }\n' > other.c
clang -fprofile-instr-generate other.c -o other_gen && LLVM_PROFILE_FILE=b.profraw ./other_gen
llvm-profdata-14 merge -o a.profdata b.profraw 2>/dev/null || llvm-profdata merge -o a.profdata b.profraw
expect_miss "a changed profile" clang -O2 -fprofile-use=a.profdata -c prof.c 2>/dev/null

note "what cannot be keyed runs uncached, by name"
printf "int r(void) { return 1; }\n" > rsp.c && printf "%s\n" -c rsp.c > args.rsp
"$E" gcc @args.rsp -o rsp.o
mkdir -p prefix
"$E" gcc -Bprefix/ -c spec.c -o b.o 2>/dev/null || true
"$E" gcc -fprofile-use -c prof.c -o pu.o 2>/dev/null || true
expect_eq "$(stat_value uncacheable.response-file)" 1 "response file counted"
expect_eq "$(stat_value uncacheable.toolchain-prefix)" 1 "-B counted"
[ "$(stat_value uncacheable.profile)" -ge 1 ] || fail "-fprofile-use without a file: counted as profile"
finish
