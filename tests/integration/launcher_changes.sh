# Header and flag changes miss exactly where they should.
source "$(dirname "$0")/lib.sh"
copy_example "$SCRATCH/src"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1"
ninja -C "$SCRATCH/b1" >/dev/null

note "header change: every dependent misses, the C file still hits"
echo "// changed" >> "$SCRATCH/src/include/greet/greet.h"
rm -rf "$SCRATCH/b1"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1"
ninja -C "$SCRATCH/b1" >/dev/null
# greet.cpp, shapes.cpp, text.cpp, main.cpp include greet.h; stats.c does not.
expect_eq "$(stat_value miss)" 9 "misses after header change"
expect_eq "$(stat_value hit.local)" 1 "hits after header change"

note "incremental: touching the header recompiles its dependents for real"
echo "// changed again" >> "$SCRATCH/src/include/greet/greet.h"
ninja -C "$SCRATCH/b1" >/dev/null
expect_eq "$(stat_value miss)" 13 "misses after incremental header change"

note "flag change misses"
rm -rf "$SCRATCH/b1"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1" -DCMAKE_CXX_FLAGS=-O2
ninja -C "$SCRATCH/b1" >/dev/null
mv "$SCRATCH/b1" "$SCRATCH/b3"
expect_eq "$(stat_value miss)" 17 "misses after -O2 (4 C++ files)"
expect_eq "$(stat_value hit.local)" 2 "the C file still hits"

note "a build with the same flags again is all hits"
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b1" -DCMAKE_CXX_FLAGS=-O2
ninja -C "$SCRATCH/b1" >/dev/null
mv "$SCRATCH/b1" "$SCRATCH/b4"
expect_eq "$(stat_value hit.local)" 7 "hits of the -O2 rebuild"
same_objects "$SCRATCH/b3" "$SCRATCH/b4"
echo "PASS"
