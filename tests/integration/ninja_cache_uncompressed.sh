#!/usr/bin/env bash
# compression = false: entries and manifests are stored as they are (flag
# bit 1 of the envelope, byte 6), and a warm rebuild restores from them
# without decompressing: every edge a hit, outputs byte-identical to plain
# ninja's. Entries written either way open with either setting, and a
# damaged uncompressed entry is a miss that runs the step, never its bytes.
source "$(dirname "$0")/ninja_cache_common.sh"

# stored_flags <cache dir>: byte 6 (the flags) of every stored object, counted.
stored_flags() {
  find "$1" -type f \( -name 'r-*' -o -name 'm-*' \) -exec od -An -tu1 -j6 -N1 {} \; | sort | uniq -c
}

configure_hello "$WORK/plain" "$REAL_NINJA"
build_log "$WORK/plain" "$WORK/plain.log"

export EDGECACHE_COMPRESSION=false
configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/cold.log"
expect_summary "$WORK/cold.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
stored_flags "$EDGECACHE_DIR" >"$WORK/flags.cold"
grep -qE '^ *[0-9]+ +2$' "$WORK/flags.cold" || { cat "$WORK/flags.cold"; fail "no object stored uncompressed"; }
grep -qvE '^ *[0-9]+ +2$' "$WORK/flags.cold" && { cat "$WORK/flags.cold"; fail "an object was stored compressed"; }
# The object's own bytes are in the cache as they are: its symbol table's names.
grep -rqa 'unused_for_warning_replay' "$EDGECACHE_DIR" || fail "no entry holds the object's bytes as they are"

rebuild_from_local "$WORK/warm.log"

# Written uncompressed, read with compression on (the default).
rm -rf "$SRC/build"
EDGECACHE_COMPRESSION=true configure_hello "$SRC/build" "$WRAPPER"
EDGECACHE_COMPRESSION=true build_log "$SRC/build" "$WORK/mixed.log"
expect_summary "$WORK/mixed.log" "edgecache: 8/8 edges from cache (8 local, 0 remote), 0 ran"
same_hello_outputs "$WORK/plain" "$SRC/build"

# A damaged uncompressed entry (one byte of its payload flipped) is
# rejected by its checksum: the step runs, the output is the plain one.
for entry in $(find "$EDGECACHE_DIR" -type f -name 'r-*'); do
  size=$(stat -c %s "$entry")
  printf '\xff' | dd of="$entry" bs=1 seek=$((size - 1)) conv=notrunc status=none
done
rm -rf "$SRC/build"
configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/damaged.log"
grep -q "^edgecache: 0/8 edges from cache" "$WORK/damaged.log" || { cat "$WORK/damaged.log"; fail "a damaged entry was restored"; }
same_hello_outputs "$WORK/plain" "$SRC/build"
echo "PASS"
