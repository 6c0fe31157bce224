#!/usr/bin/env bash
# Identical compiles at once into one cache (issue 11, "hits that are
# missing"): eight checkouts at other paths (base dirs, so one input key)
# whose header differs compile the same sources at the same moment, so
# eight writers add to each manifest together. None may lose another's
# result: afterwards every variant hits, locally and, from an empty local
# cache, through a shared nginx remote. (Writers on separate local caches,
# two machines, are not serialized by the local lock: their remote merge is
# read back twice, which narrows but does not close the race, so it is
# measured, not asserted here.)
source "$(dirname "$0")/remote_lib.sh"
E="$EDGECACHE_BIN"
VARIANTS=8
SOURCES="one two three"
start_nginx

for i in $(seq 1 $VARIANTS); do
  mkdir -p "$SCRATCH/c$i/inc"
  for s in $SOURCES; do printf '#include "v.h"\nint %s(void) { return V * 7; }\n' "$s" > "$SCRATCH/c$i/$s.c"; done
  echo "#define V $i" > "$SCRATCH/c$i/inc/v.h"
done

# compile_all CACHE_DIR REMOTE: every source of every checkout, all at once,
# each checkout being its own base dir (so every compile of one source has
# the same input key); checkout i's decisions go to $SCRATCH/c<i>.decisions.
compile_all() {
  local cache=$1 remote=$2 pids=() i s
  for i in $(seq 1 $VARIANTS); do rm -f "$SCRATCH/c$i.decisions"; done
  for i in $(seq 1 $VARIANTS); do
    for s in $SOURCES; do
      (cd "$SCRATCH/c$i" && EDGECACHE_DIR="$cache" EDGECACHE_BASEDIR="$SCRATCH/c$i" EDGECACHE_REMOTE="$remote" \
        EDGECACHE_LOG="$SCRATCH/c$i.decisions" "$E" gcc -Iinc -O1 -c "$s.c" -o "$s.o") & pids+=($!)
    done
  done
  for p in "${pids[@]}"; do wait "$p" || fail "a concurrent compile failed"; done
}
# every_variant OUTCOME WHAT: each compile of each checkout had OUTCOME.
every_variant() {
  local i
  for i in $(seq 1 $VARIANTS); do
    expect_outcomes "$2, checkout c$i" "$SCRATCH/c$i.decisions" "$(each_step "$1" one.o two.o three.o)"
  done
}
# check_objects: every object equals a plain compile of its checkout.
check_objects() {
  local i s
  for i in $(seq 1 $VARIANTS); do
    for s in $SOURCES; do
      (cd "$SCRATCH/c$i" && gcc -Iinc -O1 -c "$s.c" -o want.o && cmp -s "$s.o" want.o) ||
        fail "c$i/$s.o differs from a plain compile"
    done
  done
}
total=$((VARIANTS * $(echo $SOURCES | wc -w)))

note "$total compiles at once into one local cache and the remote"
compile_all "$SCRATCH/cache" "$NGINX_URL"
check_objects
[ "$(stat_in "$SCRATCH/cache" hit.local)" -le "$total" ] || fail "hits counted twice"

note "again: every variant hits locally"
for i in $(seq 1 $VARIANTS); do rm -f "$SCRATCH/c$i"/*.o; done
compile_all "$SCRATCH/cache" ""
check_objects
every_variant local-hit "local hits after concurrent writers"

note "an empty local cache: every variant hits from the remote"
for i in $(seq 1 $VARIANTS); do rm -f "$SCRATCH/c$i"/*.o; done
compile_all "$SCRATCH/cache2" "$NGINX_URL"
check_objects
every_variant remote-hit "remote hits after concurrent writers"

echo "PASS"
