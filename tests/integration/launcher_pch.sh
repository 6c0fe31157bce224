#!/usr/bin/env bash
# Precompiled headers (issue 11, situation 1): a pch used in place of a
# header is part of the key, so a rebuilt pch with other contents, or one
# that appears later, is a miss; building a pch runs uncached, by name.
source "$(dirname "$0")/inputs_lib.sh"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
printf '#ifndef V\n#define V 1\n#endif\nint h(void);\n' > x.h
printf 'int f(void) { return V; }\n' > forced.c
printf '#include "x.h"\nint f(void) { return V; }\n' > included.c

# gcc_pch V OUT: a valid pch for x.h that defines V, built from a copy of
# x.h elsewhere (GCC does not check which file a pch was made from; a CMake
# pch is rebuilt the same way when a header it includes changes).
gcc_pch() {
  mkdir -p pchsrc && printf '#define V %s\nint h(void);\n' "$1" > pchsrc/x.h
  gcc -x c-header pchsrc/x.h -o "$2"
}

note "gcc: x.h.gch next to the header named by -include"
gcc_pch 1 x.h.gch
expect_miss "first compile" gcc -include x.h -c forced.c
expect_hit "unchanged" gcc -include x.h -c forced.c
gcc_pch 2 x.h.gch
expect_miss "a rebuilt pch with other contents" gcc -include x.h -c forced.c

note "gcc: x.h.gch for an #include in the source"
expect_miss "first compile" gcc -c included.c
gcc_pch 3 x.h.gch
expect_miss "a rebuilt pch" gcc -c included.c

note "gcc: x.h.gch as a directory of pch files"
rm x.h.gch && mkdir x.h.gch
gcc_pch 4 x.h.gch/a
expect_miss "first compile" gcc -include x.h -c forced.c
gcc_pch 5 x.h.gch/a
expect_miss "a rebuilt pch in the directory" gcc -include x.h -c forced.c
rm -r x.h.gch

note "gcc: a pch that appears after the entry was stored"
expect_miss "first compile without a pch" gcc -include x.h -c forced.c
gcc_pch 6 x.h.gch
expect_miss "a new pch" gcc -include x.h -c forced.c
rm x.h.gch

note "clang: -include x.h with x.h.pch"
clang -x c-header x.h -o x.h.pch
expect_miss "first compile" clang -include x.h -c forced.c
expect_hit "unchanged" clang -include x.h -c forced.c
clang -DV=2 -x c-header x.h -o x.h.pch
expect_miss "a rebuilt pch with other contents" clang -include x.h -c forced.c

note "clang: -include-pch"
clang -x c-header x.h -o other.pch
expect_miss "first compile" clang -include-pch other.pch -c forced.c
expect_hit "unchanged" clang -include-pch other.pch -c forced.c
clang -DV=3 -x c-header x.h -o other.pch
expect_miss "a rebuilt pch with other contents" clang -include-pch other.pch -c forced.c

note "building a pch through the launcher runs uncached, by name"
before=$(stat_value uncacheable.pch-build)
"$E" gcc -c -x c-header x.h -o built.h.gch
"$E" clang -c -x c-header x.h -o built.h.pch
[ -s built.h.gch ] && [ -s built.h.pch ] || fail "the pch builds wrote nothing"
expect_eq "$(stat_value uncacheable.pch-build)" $((before + 2)) "pch builds counted as uncacheable.pch-build"

note "explain names the pch that caused a miss"
gcc_pch 7 x.h.gch
"$E" gcc -include x.h -c forced.c -o named.o
gcc_pch 8 x.h.gch
"$E" gcc -include x.h -c forced.c -o named.o
"$E" explain named.o > explain.txt || true
grep -q 'x.h.gch' explain.txt || { cat explain.txt >&2; fail "explain does not name the pch"; }
rm x.h.gch

# CMake's target_precompile_headers: cmake_pch.h(xx) is force-included and
# its .gch/.pch is rebuilt when a header it includes changes; the program
# must see the new value (GCC's depfile then lists neither the pch nor its
# headers).
for CC in gcc clang; do
  note "$CC: CMake target_precompile_headers"
  P=$SCRATCH/cmake-$CC
  mkdir -p "$P/src"
  cat > "$P/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.16)
project(pch C)
add_executable(app main.c)
target_precompile_headers(app PRIVATE value.h)
CMAKE
  printf '#include <stdio.h>\nint main(void) { printf("%%d\\n", VALUE); return 0; }\n' > "$P/src/main.c"
  echo '#define VALUE 1' > "$P/src/value.h"
  CC=$CC cmake -S "$P/src" -B "$P/build" -G Ninja -DCMAKE_C_COMPILER_LAUNCHER="$E" >/dev/null
  cmake --build "$P/build" >/dev/null
  expect_eq "$("$P/build/app")" 1 "$CC: first build"
  echo '#define VALUE 2' > "$P/src/value.h"
  cmake --build "$P/build" >/dev/null
  expect_eq "$("$P/build/app")" 2 "$CC: after the header in the pch changed"
  rm -rf "$P/build/CMakeFiles/app.dir/main.c.o" && cmake --build "$P/build" >/dev/null
  expect_eq "$("$P/build/app")" 2 "$CC: object restored from the cache"
done
finish
