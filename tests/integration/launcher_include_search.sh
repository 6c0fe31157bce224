#!/usr/bin/env bash
# The whole include search as the compiler does it (issue 11, situation 2):
# a header that did not exist when an entry was stored, but that the
# compiler would find first now, must be a miss, with gcc and with clang.
source "$(dirname "$0")/inputs_lib.sh"

# fresh NAME: an empty project dir to work in.
fresh() { rm -rf "$SCRATCH/$1" && mkdir -p "$SCRATCH/$1" && cd "$SCRATCH/$1"; }

for CC in gcc clang; do
  note "$CC: the includer's own directory (a header in a subdirectory)"
  fresh "$CC-includer"
  mkdir -p lib/sub other
  printf '#include "sub/outer.h"\nint f(void) { return V; }\n' > main.c
  printf '#include "inner.h"\n' > lib/sub/outer.h
  echo '#define V 1' > other/inner.h
  expect_miss "first compile" $CC -Ilib -Iother -c main.c
  expect_hit "unchanged" $CC -Ilib -Iother -c main.c
  printf 'ELF' > other/tool && printf 'ELF' > lib/sub/tool
  expect_hit "files no #include asks for, in searched dirs" $CC -Ilib -Iother -c main.c
  echo '#define V 2' > lib/sub/inner.h
  expect_miss "new header beside its includer" $CC -Ilib -Iother -c main.c

  note "$CC: -iquote is searched before -I, whatever the order written"
  fresh "$CC-iquote"
  mkdir -p a q
  printf '#include "h.h"\nint f(void) { return V; }\n' > main.c
  echo '#define V 1' > a/h.h
  expect_miss "first compile" $CC -Ia -iquote q -c main.c
  echo '#define V 2' > q/h.h
  expect_miss "new header in the -iquote dir" $CC -Ia -iquote q -c main.c
  "$E" explain got.o > "$SCRATCH/explain.txt" || true
  grep -q "new dependency .*q/h.h" "$SCRATCH/explain.txt" ||
    { cat "$SCRATCH/explain.txt" >&2; fail "explain does not name the new shadowing header"; }
  note "$CC: <...> skips the quote dirs"
  printf '#include <h.h>\nint f(void) { return V; }\n' > angle.c
  expect_miss "first compile" $CC -Ia -iquote q -c angle.c
  expect_hit "unchanged" $CC -Ia -iquote q -c angle.c

  note "$CC: -I before -isystem before -idirafter"
  fresh "$CC-order"
  mkdir -p i s late
  printf '#include <h.h>\n#include <k.h>\nint f(void) { return V + K; }\n' > main.c
  echo '#define V 1' > s/h.h
  echo '#define K 1' > late/k.h
  expect_miss "first compile" $CC -idirafter late -isystem s -I i -c main.c
  echo '#define V 2' > i/h.h
  expect_miss "new -I header shadows the -isystem one" $CC -idirafter late -isystem s -I i -c main.c
  echo '#define K 2' > s/k.h
  expect_miss "new -isystem header shadows the -idirafter one" $CC -idirafter late -isystem s -I i -c main.c

  note "$CC: -include looks in the working directory first"
  fresh "$CC-forced"
  mkdir -p src inc build
  printf 'int f(void) { return V; }\n' > src/main.c
  echo '#define V 1' > inc/conf.h
  cd build
  expect_miss "first compile" $CC -include conf.h -I../inc -c ../src/main.c
  echo '#define V 2' > conf.h
  expect_miss "new conf.h in the working directory" $CC -include conf.h -I../inc -c ../src/main.c

  note "$CC: #include_next"
  fresh "$CC-next"
  mkdir -p w m l
  printf '#include <h.h>\nint f(void) { return V; }\n' > main.c
  printf '#include_next <h.h>\n' > w/h.h
  echo '#define V 1' > l/h.h
  expect_miss "first compile" $CC -Iw -Im -Il -c main.c
  echo '#define V 2' > m/h.h
  expect_miss "new header between the wrapper and the next one" $CC -Iw -Im -Il -c main.c

  note "$CC: __has_include and __has_include_next"
  fresh "$CC-has"
  mkdir -p inc
  cat > main.c <<'SRC'
#if __has_include("opt.h")
#define V 2
#else
#define V 1
#endif
#if __has_include(<sub/extra.h>)
#define W 2
#else
#define W 1
#endif
int f(void) { return V + W; }
SRC
  expect_miss "first compile" $CC -Iinc -c main.c
  expect_hit "unchanged" $CC -Iinc -c main.c
  echo '/* optional */' > inc/opt.h
  expect_miss "an optional header appears" $CC -Iinc -c main.c
  mkdir -p inc/sub && echo '/* extra */' > inc/sub/extra.h
  expect_miss "an optional header appears in a new subdirectory" $CC -Iinc -c main.c
  mkdir -p n1 n2
  printf '#if __has_include_next(<nx.h>)\n#define X 2\n#else\n#define X 1\n#endif\n' > n1/nx.h
  printf '#include <nx.h>\nint g(void) { return X; }\n' > next.c
  expect_miss "first compile" $CC -In1 -In2 -c next.c
  echo '/* found next */' > n2/nx.h
  expect_miss "__has_include_next finds a new header" $CC -In1 -In2 -c next.c

  note "$CC: --sysroot: a built-in dir that did not exist yet"
  fresh "$CC-sysroot"
  mkdir -p root/usr/include
  echo '#define V 1' > root/usr/include/foo.h
  printf '#include <foo.h>\nint f(void) { return V; }\n' > main.c
  expect_miss "first compile" $CC --sysroot="$PWD/root" -c main.c
  mkdir -p root/usr/local/include && echo '#define V 2' > root/usr/local/include/foo.h
  expect_miss "new header in the sysroot's /usr/local/include" $CC --sysroot="$PWD/root" -c main.c

  # A dir left alone for longer than the coarsest timestamp granule (two
  # seconds) records its stamp; an unchanged stamp stands for its names, so
  # a lookup does not read it. Here src is no search dir, only the ancestor
  # of src/sub/deep, which the quoted "sub/deep/x.h" visits before -Ib:
  # src/sub/deep's absence is recorded with src's stamp (src/sub is absent
  # too), and a new src/sub must change it.
  note "$CC: a settled dir's stamp stands for its names (absent subdirectories)"
  fresh "$CC-settled"
  mkdir -p src b/sub/deep
  printf '#include "sub/deep/x.h"\nint f(void) { return X; }\n' > src/main.c
  echo '#define X 1' > b/sub/deep/x.h
  sleep 2.2
  expect_miss "first compile" $CC -Ib -c src/main.c
  expect_hit "unchanged" $CC -Ib -c src/main.c
  mkdir -p src/sub/deep && echo '#define X 2' > src/sub/deep/x.h
  expect_miss "new subdirectories beside the source, where its settled dir had none" $CC -Ib -c src/main.c
done

# A header created in an earlier search dir while the compiler runs: the
# object was built without it, so the stored listing must not have it (the
# listings the source's lookups visit are read before the compile), and the
# next compile, which would find it, must miss.
note "gcc: a header appears in an earlier -I dir during the compile"
fresh "gcc-during"
mkdir -p wrap dir1 dir2
# (only after a compile: the launcher's own questions to the compiler have no -c)
printf '#!/bin/sh\n/usr/bin/gcc "$@"; s=$?\ncase " $* " in *" -c "*) [ -z "$CREATE" ] || echo "#define X 2" > "$CREATE";; esac\nexit $s\n' > wrap/gcc
chmod +x wrap/gcc
printf '#include "x.h"\nint f(void) { return X; }\n' > main.c
echo '#define X 1' > dir2/x.h
sleep 2.2  # settled dirs: their stamps are recorded too
CREATE=$PWD/dir1/x.h PATH="$PWD/wrap:$PATH" "$E" gcc -Idir1 -Idir2 -c main.c -o got.o || fail "the launcher's compile failed"
[ -f dir1/x.h ] || fail "the wrapper did not create dir1/x.h"
PATH="$PWD/wrap:$PATH" expect_miss "dir1/x.h, created during the compile that stored" gcc -Idir1 -Idir2 -c main.c

# The same in a subdir only a header's #include names (a dir not known
# before the compile, so read after it): a dir changed while the compiler
# ran is not stored as if it had been so all along.
note "gcc: a header appears during the compile in a subdir a header's #include names"
fresh "gcc-during-sub"
mkdir -p wrap dir1/sub dir2/sub
printf '#!/bin/sh\n/usr/bin/gcc "$@"; s=$?\ncase " $* " in *" -c "*) [ -z "$CREATE" ] || echo "#define X 2" > "$CREATE";; esac\nexit $s\n' > wrap/gcc
chmod +x wrap/gcc
printf '#include "a.h"\nint f(void) { return X; }\n' > main.c
printf '#include <sub/x.h>\n' > dir2/a.h
echo '#define X 1' > dir2/sub/x.h
echo '/* another header */' > dir1/sub/other.h
sleep 2.2
CREATE=$PWD/dir1/sub/x.h PATH="$PWD/wrap:$PATH" "$E" gcc -Idir1 -Idir2 -c main.c -o got.o || fail "the launcher's compile failed"
[ -f dir1/sub/x.h ] || fail "the wrapper did not create dir1/sub/x.h"
PATH="$PWD/wrap:$PATH" expect_miss "dir1/sub/x.h, created during the compile" gcc -Idir1 -Idir2 -c main.c

note "gcc: -I- (quote-only dirs before it, no includer dir after it)"
fresh "gcc-iminus"
mkdir -p src q b
printf '#include "h.h"\nint f(void) { return V; }\n' > src/main.c
echo '#define V 1' > b/h.h
expect_miss "first compile" gcc -Iq -I- -Ib -c src/main.c 2>/dev/null
expect_hit "unchanged" gcc -Iq -I- -Ib -c src/main.c 2>/dev/null
echo '#define V 3' > src/h.h   # not searched after -I-: still a correct result
matches_plain "the source dir is not searched after -I-" gcc -Iq -I- -Ib -c src/main.c 2>/dev/null
echo '#define V 2' > q/h.h
expect_miss "new header in a quote dir before -I-" gcc -Iq -I- -Ib -c src/main.c 2>/dev/null
finish
