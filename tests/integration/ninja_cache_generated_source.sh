#!/usr/bin/env bash
# A step the prefetch cannot key ahead of the build (here a generator in the
# console pool, never cached; on Ninja's own build, the compiles of the
# sources re2c generates) used to make the prefetch give up on everything
# downstream of it: a teammate's links then waited for the main thread's
# own lookups, a round trip at a time. Now such a step's dependents are
# keyed once its outputs are on disk, and the compile of the generated
# source and the link are still fetched by the prefetch (the main thread
# waits for a worker's lookup of gen.o, queued as the generator finished).
source "$(dirname "$0")/ninja_cache_common.sh"

start_remote
project() {
  mkdir -p "$1"
  printf 'int generated(void) { return @VALUE@; }\n' >"$1/gen.c.in"
  printf 'int generated(void);\nint main(void) { return generated() == 42 ? 0 : 1; }\n' >"$1/main.c"
  cat >"$1/build.ninja" <<'NINJA'
rule gen
  command = sed 's/@VALUE@/42/' $in > $out
  pool = console
rule cc
  command = gcc -MD -MF $out.d -c $in -o $out
  deps = gcc
  depfile = $out.d
rule link
  command = gcc $in -o $out
build gen.c: gen gen.c.in
build gen.o: cc gen.c
build main.o: cc main.c
build app: link gen.o main.o
NINJA
}
A=$WORK/alice
B=$WORK/far/away/bob
project "$A"
project "$B"

EDGECACHE_BASEDIR=$A EDGECACHE_DIR=$A.cache "$WRAPPER" -C "$A" >"$WORK/a.log" 2>&1 || { cat "$WORK/a.log" >&2; fail "alice's build failed"; }
expect_summary "$WORK/a.log" "edgecache: 0/4 edges from cache (0 local, 0 remote), 4 ran"
EDGECACHE_BASEDIR=$B EDGECACHE_DIR=$B.cache "$WRAPPER" -C "$B" >"$WORK/b.log" 2>&1 || { cat "$WORK/b.log" >&2; fail "bob's build failed"; }
expect_summary "$WORK/b.log" "edgecache: 3/4 edges from cache (0 local, 3 remote), 1 ran"
for f in gen.c gen.o main.o app; do cmp -s "$A/$f" "$B/$f" || fail "$f differs between alice and bob"; done
"$B/app" || fail "bob's app does not work"
details=$(record_value "$B" "'\\n'.join(e['output'] + ': ' + e['detail'] for e in d['edges'])")
note "bob's steps:"$'\n'"$details"
for step in gen.o app; do
  case "$(grep "^$step:" <<<"$details")" in
    *"prefetched from the remote"*) ;;
    *) fail "$step, downstream of a step the prefetch cannot key, was not fetched by the prefetch" ;;
  esac
done
echo "PASS"
