#!/usr/bin/env bash
# Link inputs found by search: `-L dir -lfoo` with a changed libfoo.a, and a
# linker script (a libpick.so holding INPUT(...)) whose content changes.
# Neither is declared, so plain ninja only relinks in a clean build: that
# clean build must link the new inputs, not restore the old executable.
# And a libfoo.a that appears in a search dir listed before the one the link
# found it in: the link probed that dir for it, so it must link again.
source "$(dirname "$0")/ninja_observe_common.sh"

mkdir -p "$P/lib"
make_archive() {  # make_archive <archive> <function> <value>
  echo "int $2(void) { return $3; }" >"$WORK/$1.c"
  gcc -c "$WORK/$1.c" -o "$WORK/$1.o"
  rm -f "$P/lib/lib$1.a"
  ar qc "$P/lib/lib$1.a" "$WORK/$1.o"
}
make_archive foo foo 1
make_archive bar pick 10
make_archive baz pick 20
echo 'INPUT(libbar.a)' >"$P/lib/libpick.so"
cat >"$P/main.c" <<'C'
int foo(void);
int pick(void);
int main(void) { return foo() + pick(); }
C
cat >"$P/build.ninja" <<NINJA
rule cc
  command = gcc -c \$in -o \$out
rule link
  command = gcc \$in -o \$out -Llib -lfoo -lpick
build main.o: cc main.c
build app: link main.o
NINJA

wbuild "$P"
[ "$(run_app)" = 11 ] || fail "first build: app returns $(run_app)"

make_archive foo foo 2
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 12 ] || fail "changed lib/libfoo.a: app returns $(run_app), a stale link was restored"

echo 'INPUT(libbaz.a)' >"$P/lib/libpick.so"
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 22 ] || fail "changed linker script: app returns $(run_app), a stale link was restored"

# Back to the first inputs: served from the cache.
make_archive foo foo 1
echo 'INPUT(libbar.a)' >"$P/lib/libpick.so"
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 11 ] || fail "restored app returns $(run_app)"
expect_result "$P" app "local-hit"

# The dir searched first lacks libfoo, and has not changed for longer than
# the filesystem's granule: the link's probes of it are recorded with its
# stamp, and a lookup compares that stamp instead of reading its names.
mkdir -p "$P/first"
sed -i 's/-Llib/-Lfirst -Llib/' "$P/build.ninja"
sleep 2.2
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 11 ] || fail "with -Lfirst: app returns $(run_app)"
rm "$P/app"
wbuild "$P"
expect_result "$P" app "local-hit"
# A libfoo.a there now shadows lib/libfoo.a: the stamp changed with it.
echo 'int foo(void) { return 5; }' >"$WORK/shadow.c"
gcc -c "$WORK/shadow.c" -o "$WORK/shadow.o"
ar qc "$P/first/libfoo.a" "$WORK/shadow.o"
rm "$P/app"
wbuild "$P"
[ "$(run_app)" = 15 ] || fail "a shadowing first/libfoo.a: app returns $(run_app), a stale link was restored"
echo PASS
