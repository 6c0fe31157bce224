#!/usr/bin/env bash
# A directory a step lists (`tar cf out.tar data/`), changed during a build
# by a process the build does not declare (a console step here; as well an
# editor or a `git checkout`), is seen by every lookup after the change.
# edgecache-ninja keeps each listing in memory for the whole build and
# checks it at each lookup by the directory's stamp, itself kept while
# inotify reports no name change in it: first.tar's lookup lists data/ and
# keeps its stamp, the console step creates data/b.txt in place, and
# second.tar, stored without b.txt, must miss and archive it.
source "$(dirname "$0")/ninja_observe_common.sh"

cd "$P"
mkdir -p data
echo one >data/a.txt
# Older than the coarsest timestamp granule when stored and looked up, so
# its stamp stands for its names.
sleep 2.1
rules='rule tar
  command = tar cf $out data/
'
printf '%sbuild first.tar: tar\nbuild second.tar: tar\n' "$rules" >build.ninja
wbuild "$P" -j1

rm first.tar second.tar
printf '%srule edit\n  command = echo two > data/b.txt; touch $out\n  pool = console\n' "$rules" >build.ninja
printf 'build first.tar: tar\nbuild edited.stamp: edit || first.tar\nbuild second.tar: tar || edited.stamp\n' >>build.ninja
wbuild "$P" -j1
expect_result "$P" first.tar "hit"
[ "$(tar tf first.tar | sort | tr '\n' ' ')" = "data/ data/a.txt " ] || fail "first.tar: $(tar tf first.tar)"
# Listed first, then searched (not `tar | grep -q`: lib.sh's output_matches).
listing=$(tar tf second.tar)
grep -qx 'data/b.txt' <<<"$listing" ||
  fail "stale hit: second.tar was restored without data/b.txt, created before its lookup ($listing)"
expect_result "$P" second.tar "ran"
echo PASS
