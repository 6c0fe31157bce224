#!/usr/bin/env bash
# The toolchain itself is an input of a link: a toolchain directory given
# with -B (as for mold, or a cross toolchain's prefix) holds the `ld` gcc
# runs and the start file (Scrt1.o) it links, found by gcc's own search and
# named nowhere on the command line. Plain ninja only relinks in a clean
# build: that clean build must link with the changed ld and start file, not
# restore the old executable. Back to the first toolchain: a hit.
source "$(dirname "$0")/ninja_observe_common.sh"

mkdir -p "$P/tc"
make_ld() {  # make_ld <function>: an ld that defines pick as <function>
  printf '#!/bin/sh\nexec ld --defsym=pick=%s "$@"\n' "$1" >"$P/tc/ld"
  chmod +x "$P/tc/ld"
}
make_start() {  # make_start <n>: a start file that exits with main() + <n>
  printf 'int main(void);\nvoid exit(int);\n__attribute__((force_align_arg_pointer)) void _start(void) { exit(main() + %s); }\n' \
    "$1" >"$WORK/start.c"
  gcc -fPIE -O1 -c "$WORK/start.c" -o "$P/tc/Scrt1.o"
  cp "$P/tc/Scrt1.o" "$P/tc/crt1.o"  # for a compiler that does not link PIE by default
}
make_ld pick1
make_start 10
cat >"$P/main.c" <<'C'
int pick(void);
int pick1(void) { return 1; }
int pick2(void) { return 2; }
int main(void) { return pick(); }
C
cat >"$P/build.ninja" <<'NINJA'
rule cc
  command = gcc -c $in -o $out
rule link
  command = gcc -Btc/ $in -o $out
build main.o: cc main.c
build app: link main.o
NINJA

wbuild "$P"
[ "$(run_app)" = 11 ] || fail "first build: app returns $(run_app) (is tc/ld or tc/Scrt1.o not used?)"

make_ld pick2
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 12 ] || fail "changed tc/ld: app returns $(run_app), a stale link was restored"
expect_result "$P" app "ran"

make_start 20
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 22 ] || fail "changed tc/Scrt1.o: app returns $(run_app), a stale link was restored"
expect_result "$P" app "ran"

make_ld pick1
make_start 10
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 11 ] || fail "restored app returns $(run_app)"
expect_result "$P" app "local-hit"
echo PASS
