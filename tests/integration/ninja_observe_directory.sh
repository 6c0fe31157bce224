#!/usr/bin/env bash
# A directory argument: `tar cf out.tar data/` reads the directory's listing
# and every file in it; a new or edited file there is a miss.
source "$(dirname "$0")/ninja_observe_common.sh"

mkdir -p "$P/data"
echo one >"$P/data/a.txt"
cat >"$P/build.ninja" <<'NINJA'
rule tar
  command = tar cf $out data/
build out.tar: tar
NINJA
wbuild "$P"
[ "$(tar tf "$P/out.tar" | sort | tr '\n' ' ')" = "data/ data/a.txt " ] || fail "first tar: $(tar tf "$P/out.tar")"

echo two >"$P/data/b.txt"
rm "$P/out.tar"
wbuild "$P"
listing=$(tar tf "$P/out.tar")
grep -qx 'data/b.txt' <<<"$listing" || fail "a new file in data/: stale out.tar restored ($listing)"

echo edited >"$P/data/a.txt"
rm "$P/out.tar"
wbuild "$P"
[ "$(tar xOf "$P/out.tar" data/a.txt)" = edited ] || fail "an edited file in data/: stale out.tar restored"
expect_result "$P" out.tar "ran"
echo PASS
