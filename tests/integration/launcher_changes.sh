# Header and flag changes miss exactly where they should.
source "$(dirname "$0")/lib.sh"
copy_example "$SCRATCH/src"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1"
ninja -C "$SCRATCH/b1" >/dev/null

note "header change: every dependent misses, the C file still hits"
echo "// changed" >> "$SCRATCH/src/include/greet/greet.h"
rm -rf "$SCRATCH/b1"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1"
with_decisions "$SCRATCH/header.decisions" ninja -C "$SCRATCH/b1" >/dev/null
# greet.cpp, shapes.cpp, text.cpp, main.cpp include greet.h; stats.c does not.
DEPENDENTS="greet.cpp.o shapes.cpp.o text.cpp.o main.cpp.o"
expect_outcomes "after a header change" "$SCRATCH/header.decisions" "$(each_step ran $DEPENDENTS) stats.c.o=local-hit"

note "incremental: touching the header recompiles its dependents for real"
echo "// changed again" >> "$SCRATCH/src/include/greet/greet.h"
with_decisions "$SCRATCH/incremental.decisions" ninja -C "$SCRATCH/b1" >/dev/null
expect_outcomes "incremental header change" "$SCRATCH/incremental.decisions" "$(each_step ran $DEPENDENTS)"

note "flag change misses"
rm -rf "$SCRATCH/b1"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1" -DCMAKE_CXX_FLAGS=-O2
with_decisions "$SCRATCH/o2.decisions" ninja -C "$SCRATCH/b1" >/dev/null
mv "$SCRATCH/b1" "$SCRATCH/b3"
expect_outcomes "-O2: the 4 C++ files miss, the C file still hits" "$SCRATCH/o2.decisions" \
  "$(each_step ran greet.cpp.o shapes.cpp.o text.cpp.o main.cpp.o) stats.c.o=local-hit"

note "a build with the same flags again is all hits"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1" -DCMAKE_CXX_FLAGS=-O2
with_decisions "$SCRATCH/o2-again.decisions" ninja -C "$SCRATCH/b1" >/dev/null
mv "$SCRATCH/b1" "$SCRATCH/b4"
expect_outcomes "the -O2 rebuild" "$SCRATCH/o2-again.decisions" "$(each_step local-hit $HELLO_COMPILES)"
same_objects "$SCRATCH/b3" "$SCRATCH/b4"
echo "PASS"
