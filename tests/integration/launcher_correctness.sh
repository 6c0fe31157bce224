# The cases where a cache is tempted to give a wrong hit.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
mkdir -p "$SCRATCH/w/first" "$SCRATCH/w/second" && cd "$SCRATCH/w"

note "a header newly created earlier in the include path is not a false hit"
echo '#define VALUE 1' > second/config.h
printf '#include "config.h"\nint value(void) { return VALUE; }\n' > use.c
with_decisions "$SCRATCH/first.decisions" "$E" gcc -Ifirst -Isecond -c use.c -o use.o
gcc -Ifirst -Isecond -c use.c -o expected1.o
cmp use.o expected1.o || fail "first compile differs from plain gcc"
expect_outcomes "first compile" "$SCRATCH/first.decisions" "use.o=ran"
echo '#define VALUE 2' > first/config.h
with_decisions "$SCRATCH/shadowed.decisions" "$E" gcc -Ifirst -Isecond -c use.c -o use.o
gcc -Ifirst -Isecond -c use.c -o expected2.o
cmp use.o expected2.o || fail "stale hit: the shadowing header in first/ was ignored"
expect_outcomes "a shadowing header in first/" "$SCRATCH/shadowed.decisions" "use.o=ran"
rm first/config.h
with_decisions "$SCRATCH/restored.decisions" "$E" gcc -Ifirst -Isecond -c use.c -o use.o
cmp use.o expected1.o || fail "removing the shadowing header did not restore the old result"
expect_outcomes "the original candidate hits again" "$SCRATCH/restored.decisions" "use.o=local-hit"

note "__TIME__ in a source is never cached"
printf 'const char* built_at = __TIME__;\n' > stamp.c
with_decisions "$SCRATCH/stamp.decisions" "$E" gcc -c stamp.c -o stamp.o
expect_outcomes "__TIME__ in the source" "$SCRATCH/stamp.decisions" "stamp.o=uncached"
expect_eq "$(stat_value uncacheable.time-macros)" 1 "time macro uncacheable"

note "__DATE__ in a header is never stored"
printf 'const char* built_on = __DATE__;\n' > date.h
printf '#include "date.h"\n' > usedate.c
"$E" gcc -c usedate.c -o usedate.o
with_decisions "$SCRATCH/usedate.decisions" "$E" gcc -c usedate.c -o usedate.o
expect_outcomes "the second compile with __DATE__ in a header" "$SCRATCH/usedate.decisions" "usedate.o=ran"
expect_eq "$(stat_value not-stored.time-macros)" 2 "header with __DATE__ not stored"

note "an upgraded compiler (other binary content) misses"
printf 'int f(void) { return 3; }\n' > f.c
mkdir -p bin && printf '#!/bin/sh\nexec gcc "$@"\n' > bin/gcc && chmod +x bin/gcc
"$E" "$SCRATCH/w/bin/gcc" -c f.c -o f.o
printf '# upgraded\n' >> bin/gcc   # same path, new content
with_decisions "$SCRATCH/upgraded.decisions" "$E" "$SCRATCH/w/bin/gcc" -c f.c -o f.o
expect_outcomes "changed compiler binary" "$SCRATCH/upgraded.decisions" "f.o=ran"

note "uncacheable calls run the compiler and count the reason"
"$E" gcc f.c ok_main_missing.c -o prog 2>/dev/null || true
"$E" gcc -E f.c -o f.i
[ -s f.i ] || fail "preprocess-only produced nothing"
expect_eq "$(stat_value uncacheable.preprocess-only)" 1 "preprocess-only counted"
printf 'int main(void) { return 0; }\n' > m.c
"$E" gcc m.c -o m
./m || fail "linked program does not run"
[ "$(stat_value uncacheable.link)" -ge 1 ] || fail "link not counted as uncacheable"

note "a defined macro on the command line is part of the key"
printf 'int v(void) { return X; }\n' > x.c
"$E" gcc -DX=1 -c x.c -o x1.o
"$E" gcc -DX=2 -c x.c -o x2.o
cmp -s x1.o x2.o && fail "-DX=2 was served the -DX=1 object"
echo "PASS"
