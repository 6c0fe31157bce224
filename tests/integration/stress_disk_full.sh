# A cache dir on a tiny tmpfs that fills up: writes fail with ENOSPC, the
# build goes on with correct objects and one warning.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root to mount a tmpfs"
E="$EDGECACHE_BIN"
mkdir -p "$SCRATCH/small"
mount -t tmpfs -o size=48k tmpfs "$SCRATCH/small" || fail "cannot mount a tmpfs"
trap 'umount "$SCRATCH/small" 2>/dev/null || true; cleanup' EXIT
export EDGECACHE_DIR="$SCRATCH/small/cache"
copy_example "$SCRATCH/src"
cmake -S "$SCRATCH/src" -B "$SCRATCH/plain" -G Ninja -DCMAKE_BUILD_TYPE= >/dev/null
ninja -C "$SCRATCH/plain" >/dev/null
# Fill the disk except for a few KiB.
dd if=/dev/zero of="$SCRATCH/small/filler" bs=1k count=40 2>/dev/null || true
configure_with_launcher "$SCRATCH/src" "$SCRATCH/b"
ninja -C "$SCRATCH/b" -j1 > build.log 2>&1 || fail "build failed on a full disk: $(cat build.log)"
same_objects "$SCRATCH/plain" "$SCRATCH/b"
warnings=$(grep -c "edgecache: warning" build.log || true)
[ "$warnings" -ge 1 ] || fail "no warning about the full disk: $(cat build.log)"
[ "$warnings" -le 2 ] || fail "$warnings warnings: one per compile instead of one"
grep "No space left" build.log >/dev/null || fail "the warning does not say the disk is full"
note "after space frees up, the cache works again"
rm -f "$SCRATCH/small/filler"
rm -rf "$SCRATCH/b" && configure_with_launcher "$SCRATCH/src" "$SCRATCH/b"
ninja -C "$SCRATCH/b" >/dev/null
same_objects "$SCRATCH/plain" "$SCRATCH/b"
echo "PASS"
