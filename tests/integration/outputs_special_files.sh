#!/usr/bin/env bash
# Outputs that are not regular files (issue 11, situation 4): a symlink the
# compiler writes through, a FIFO, a character device (-o /dev/null, as
# CMake's and autoconf's probes do). The cache never renames over them and
# never deletes them: the real compiler runs uncached, counted as
# uncacheable.output-not-a-file. Also for edgecache-ninja's restores.
#
# Order matters: the scratch symlink and FIFO cases come first and fail the
# test on a cache that would replace them, BEFORE /dev/null is ever named,
# so even a broken build of edgecache (run as root) cannot destroy the
# machine's /dev/null. For /dev/null we only check it is still the device.
source "$(dirname "$0")/lib.sh"
: "${EDGECACHE_NINJA_BIN:?EDGECACHE_NINJA_BIN must name edgecache-ninja}"
E="$EDGECACHE_BIN"
cd "$SCRATCH"
printf 'int answer(void) { return 42; }\n' > a.c

# link_state DIR NAME: what is at DIR/NAME (a link and its target's bytes,
# or a file), to compare a cached run with a plain one.
link_state() {
  if [ -L "$1/$2" ]; then echo "link to $(readlink "$1/$2"): $(md5sum < "$1/$(readlink "$1/$2")")"
  else echo "file: $(md5sum < "$1/$2")"; fi
}

# fresh_link DIR NAME TARGET: DIR/NAME -> an empty TARGET.
fresh_link() { rm -f "$1/$2" "$1/$3" && : > "$1/$3" && ln -s "$3" "$1/$2"; }

mkdir -p cached plain
cp a.c cached/ && cp a.c plain/
for cc in gcc clang; do
  note "$cc: -o a symlink, with an entry for that -o in the cache: the compiler writes, not the cache"
  (cd cached && "$E" $cc -c a.c -o link.o && rm link.o)   # an entry for exactly this command
  before=$(stat_value uncacheable.output-not-a-file)
  fresh_link cached link.o target.o && fresh_link plain link.o target.o
  (cd cached && "$E" $cc -c a.c -o link.o)
  (cd plain && $cc -c a.c -o link.o)
  expect_eq "$(link_state cached link.o)" "$(link_state plain link.o)" "$cc: -o symlink as plain $cc leaves it"
  expect_eq "$(stat_value uncacheable.output-not-a-file)" $((before + 1)) "$cc: symlink output counted"

  note "$cc: -MF a FIFO: read once by its reader, never by the cache (no hang)"
  rm -f dep.fifo got.d && mkfifo dep.fifo
  cat dep.fifo > got.d &
  reader=$!
  timeout 60 "$E" $cc -c a.c -o a.o -MD -MF dep.fifo || fail "$cc: compile with a FIFO depfile failed or hung"
  wait "$reader" || true
  [ -p dep.fifo ] || fail "$cc: the FIFO was replaced"
  grep -q 'a.c' got.d || fail "$cc: the FIFO's reader did not get the depfile"
done

note "edgecache-ninja: a symlink output is never replaced by a restored file"
cat > build.ninja.in <<'NINJA'
rule cp
  command = cp $in $out
rule cc
  command = gcc -MD -MF $out.d -c $in -o $out
  depfile = $out.d
  deps = gcc
build out.txt: cp in.txt
build link.o: cc a.c
NINJA
for dir in ninja_cached ninja_plain; do
  mkdir -p $dir && cp build.ninja.in $dir/build.ninja && cp a.c $dir/ && echo data > $dir/in.txt
  fresh_link $dir out.txt target.txt && fresh_link $dir link.o target.o
done
# Each build twice, the second after touching the inputs (same bytes: the
# cache has an entry for each edge, Ninja runs them again).
for round in 1 2; do
  (cd ninja_cached && "$EDGECACHE_NINJA_BIN" > build$round.log 2>&1) || { cat ninja_cached/build$round.log; fail "edgecache-ninja build $round failed"; }
  (cd ninja_plain && ninja > build$round.log 2>&1) || fail "plain ninja build $round failed"
  sleep 0.01 && touch ninja_cached/in.txt ninja_cached/a.c ninja_plain/in.txt ninja_plain/a.c
done
for name in out.txt link.o; do
  expect_eq "$(link_state ninja_cached $name)" "$(link_state ninja_plain $name)" "ninja: $name as plain ninja leaves it"
done

note "-o /dev/null (checked last, see above): the device is left as it is"
for cc in gcc clang; do
  before=$(stat_value uncacheable.output-not-a-file)
  "$E" $cc -c a.c -o /dev/null
  "$E" $cc -c a.c -o /dev/null
  [ -c /dev/null ] || fail "$cc: /dev/null is no longer a character device"
  expect_eq "$(stat -c '%t:%T' /dev/null)" "1:3" "$cc: /dev/null device numbers"
  expect_eq "$(stat_value uncacheable.output-not-a-file)" $((before + 2)) "$cc: /dev/null counted"
done
ls /dev | grep -q '^null\.tmp\.' && fail "a temporary file was left in /dev"
echo "PASS"
