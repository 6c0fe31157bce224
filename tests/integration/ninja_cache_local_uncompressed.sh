#!/usr/bin/env bash
# The defaults with a remote: result entries and manifests go to the local
# cache uncompressed (a restore copies and a lookup reads instead of
# decompressing) and to the remote compressed. A teammate fills its local
# cache with the remote's compressed copies, which restore too.
# local_compression = true compresses the local entries and manifests as well.
source "$(dirname "$0")/ninja_cache_common.sh"

REMOTE_DIR=$WORK/shared-cache
export EDGECACHE_REMOTE="file://$REMOTE_DIR"

# flags_of <dir> <kind prefix>: the distinct values of byte 6 (the
# envelope's flags) of the stored objects of that kind: "2" when all are
# uncompressed, "0" when all are compressed, "0 2" for both.
flags_of() {
  find "$1" -type f -name "$2-*" -exec od -An -tu1 -j6 -N1 {} \; | sort -un | xargs
}

configure_hello "$WORK/plain" "$REAL_NINJA"
build_log "$WORK/plain" "$WORK/plain.log"

configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/cold.log"
expect_summary "$WORK/cold.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
[ "$(flags_of "$EDGECACHE_DIR" r)" = "2" ] ||
  fail "local entries not all uncompressed: $(flags_of "$EDGECACHE_DIR" r)"
[ "$(flags_of "$REMOTE_DIR" r)" = "0" ] ||
  fail "remote entries not all compressed: $(flags_of "$REMOTE_DIR" r)"
[ "$(flags_of "$EDGECACHE_DIR" m)" = "2" ] ||
  fail "local manifests not all uncompressed: $(flags_of "$EDGECACHE_DIR" m)"
[ "$(flags_of "$REMOTE_DIR" m)" = "0" ] ||
  fail "remote manifests not all compressed: $(flags_of "$REMOTE_DIR" m)"
# The local entries hold the object's bytes as they are (its symbol names);
# the remote's do not.
grep -rqa 'unused_for_warning_replay' "$EDGECACHE_DIR" || fail "no local entry holds the object as it is"
grep -rqa 'unused_for_warning_replay' "$REMOTE_DIR" && fail "a remote entry is not compressed"

# Warm, local: every edge restored from the uncompressed copies.
rebuild_from_local "$WORK/warm.log"

# A teammate with an empty local cache: from the remote, then again from
# the compressed copies the first build left in its local cache.
export EDGECACHE_DIR=$WORK/teammate-cache
rm -rf "$SRC/build"
configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/teammate.log"
expect_summary "$WORK/teammate.log" "edgecache: 8/8 edges from cache (0 local, 8 remote), 0 ran"
same_hello_outputs "$WORK/plain" "$SRC/build"
# (CMake's own probes at configure time are steps of their own, run and
# stored uncompressed: only the build's 8 came from the remote.)
compressed=$(find "$EDGECACHE_DIR" -type f -name 'r-*' -exec od -An -tu1 -j6 -N1 {} \; | grep -c '^ *0$')
[ "$compressed" -ge 8 ] || fail "fetched entries not kept as fetched: $compressed compressed"
rebuild_from_local "$WORK/teammate-warm.log"

# local_compression = true: a new local cache holds compressed entries.
export EDGECACHE_DIR=$WORK/compressed-cache EDGECACHE_LOCAL_COMPRESSION=true
export EDGECACHE_REMOTE="file://$WORK/second-remote"
rm -rf "$SRC/build"
configure_hello "$SRC/build" "$WRAPPER"
build_log "$SRC/build" "$WORK/compressed.log"
expect_summary "$WORK/compressed.log" "edgecache: 0/8 edges from cache (0 local, 0 remote), 8 ran"
[ "$(flags_of "$EDGECACHE_DIR" r)" = "0" ] ||
  fail "local_compression: local entries not compressed: $(flags_of "$EDGECACHE_DIR" r)"
[ "$(flags_of "$EDGECACHE_DIR" m)" = "0" ] ||
  fail "local_compression: local manifests not compressed: $(flags_of "$EDGECACHE_DIR" m)"
rebuild_from_local "$WORK/compressed-warm.log"
echo "PASS"
