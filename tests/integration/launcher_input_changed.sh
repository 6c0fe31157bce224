# Inputs that change while a compile is on its way (the source after it was
# hashed, a header after the compiler read it, a header on a filesystem that
# keeps whole-second timestamps) are never stored: the next compile of the
# files as they are now gives a plain compile's object. With real gcc and
# clang, through the launcher and through edgecache-ninja.
#
# The compiler is a wrapper script (bin/edits-<cc>) that runs the real one
# and edits a file at a chosen moment, which makes the race deterministic:
#   EDIT_ON_PROBE="file|content": when edgecache probes the compiler's
#     include dirs (after hashing the source, before the compile)
#   EDIT_AFTER="file|content": after the real compile, before it exits
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
W="$SCRATCH/w"
mkdir -p "$W/bin" "$W/src" "$W/inc" "$W/build"
for cc in gcc clang; do
  cat >"$W/bin/edits-$cc" <<SH
#!/bin/bash
edit() { [ -n "\$1" ] && printf '%s\n' "\${1#*|}" > "\${1%%|*}"; true; }
case " \$* " in *" -E -v "*) edit "\${EDIT_ON_PROBE:-}";; esac
$cc "\$@"; status=\$?
case " \$* " in *" -c "*) edit "\${EDIT_AFTER:-}";; esac
exit \$status
SH
  chmod +x "$W/bin/edits-$cc"
done
export PATH="$W/bin:$PATH"
cd "$W/build"
not_stored() { stat_value not-stored.input-changed-during-run; }

for cc in gcc clang; do
  export EDGECACHE_DIR="$SCRATCH/cache-$cc"
  note "$cc: the source changes after edgecache hashed it, before the compile"
  printf 'int f(void) { return 1; }\n' > ../src/s.c
  $cc -c ../src/s.c -o expected1.o
  EDIT_ON_PROBE="../src/s.c|int f(void) { return 2; }" "$E" edits-$cc -c ../src/s.c -o s.o
  expect_eq "$(not_stored)" 1 "$cc: compiles not stored after a source change"
  printf 'int f(void) { return 1; }\n' > ../src/s.c
  "$E" edits-$cc -c ../src/s.c -o s.o
  cmp s.o expected1.o || fail "$cc: stale hit, the object of the edited source served for the original"

  note "$cc: a header (named relatively in the depfile) changes after the compiler read it"
  printf '#define V 1\n' > ../inc/h.h
  printf '#include "h.h"\nint g(void) { return V; }\n' > ../src/u.c
  EDIT_AFTER="../inc/h.h|#define V 2" "$E" edits-$cc -I../inc -MD -MF u.d -c ../src/u.c -o u.o
  grep -q '\.\./inc/h\.h' u.d || fail "$cc: the depfile does not name ../inc/h.h relatively: $(cat u.d)"
  expect_eq "$(not_stored)" 2 "$cc: compiles not stored after a header change"
  "$E" edits-$cc -I../inc -MD -MF u.d -c ../src/u.c -o u.o
  $cc -I../inc -c ../src/u.c -o expected-u.o
  cmp u.o expected-u.o || fail "$cc: stale hit after the header changed mid-run"
done

note "a filesystem with whole-second timestamps (ext4, 128-byte inodes)"
coarse="$SCRATCH/coarse"
mkdir -p "$coarse"
if truncate -s 8M "$SCRATCH/coarse.img" && mkfs.ext4 -q -I 128 -F "$SCRATCH/coarse.img" 2>/dev/null &&
   mount -o loop "$SCRATCH/coarse.img" "$coarse" 2>/dev/null; then
  trap 'umount "$coarse" 2>/dev/null || true; cleanup' EXIT
  export EDGECACHE_DIR="$SCRATCH/cache-coarse"
  printf '#define W 1\n' > "$coarse/w.h"
  printf '#include "w.h"\nint k(void) { return W; }\n' > ../src/k.c
  touch -d '-5 seconds' "$coarse/w.h"
  # Start early in a second, so the edit falls in the second the compile began.
  python3 -c 'import time; f = time.time() % 1; time.sleep((1.05 - f) if f > 0.05 else 0)'
  EDIT_AFTER="$coarse/w.h|#define W 2" "$E" edits-gcc -I"$coarse" -c ../src/k.c -o k.o
  stat -c '%y' "$coarse/w.h" | grep -q '\.000000000' || fail "test setup: $coarse keeps sub-second times"
  expect_eq "$(not_stored)" 1 "compiles not stored after a header change on the coarse filesystem"
  "$E" edits-gcc -I"$coarse" -c ../src/k.c -o k.o
  gcc -I"$coarse" -c ../src/k.c -o expected-k.o
  cmp k.o expected-k.o || fail "stale hit after a header change on a whole-second filesystem"
else
  echo "NOTE: cannot mount a loop filesystem here (needs root); the whole-second case did not run"
fi

if [ -n "${EDGECACHE_NINJA_BIN:-}" ]; then
  note "edgecache-ninja: a header changes mid-run, the source changes before the compile"
  export EDGECACHE_DIR="$SCRATCH/cache-ninja"
  mkdir -p "$W/nj" && cd "$W/nj"
  cat > build.ninja <<NINJA
rule cc
  command = $W/bin/edits-gcc -I../inc -MD -MF \$out.d -c \$in -o \$out
  depfile = \$out.d
  deps = gcc
build u.o: cc ../src/u.c
build s.o: cc ../src/s.c
NINJA
  printf '#define V 1\n' > ../inc/h.h
  printf '#include "h.h"\nint g(void) { return V; }\n' > ../src/u.c
  printf 'int f(void) { return 1; }\n' > ../src/s.c
  # s.o first, alone: the include-dir probe (once per cache dir) edits s.c.
  EDIT_ON_PROBE="../src/s.c|int f(void) { return 2; }" \
    "$EDGECACHE_NINJA_BIN" s.o >ninja1.log 2>&1 || { cat ninja1.log; fail "ninja build of s.o failed"; }
  EDIT_AFTER="../inc/h.h|#define V 2" \
    "$EDGECACHE_NINJA_BIN" u.o >>ninja1.log 2>&1 || { cat ninja1.log; fail "ninja build of u.o failed"; }
  expect_eq "$(not_stored)" 2 "edgecache-ninja: edges not stored after input changes"
  printf 'int f(void) { return 1; }\n' > ../src/s.c
  gcc -I../inc -c ../src/u.c -o expected-u.o
  gcc -c ../src/s.c -o expected-s.o
  rm -f u.o s.o
  "$EDGECACHE_NINJA_BIN" -j1 >ninja2.log 2>&1 || { cat ninja2.log; fail "second ninja build failed"; }
  cmp u.o expected-u.o || fail "edgecache-ninja: stale hit after the header changed mid-run"
  cmp s.o expected-s.o || fail "edgecache-ninja: stale hit after the source changed before the compile"
fi
echo "PASS"
