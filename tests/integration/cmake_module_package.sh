# `cpack -G DEB` makes a Debian package holding the programs, the module and
# the package config, with library dependencies, and find_package works from
# the unpacked tree (the config is relocatable).
source "$(dirname "$0")/cmake_module_lib.sh"

note "cpack -G DEB"
cpack -G DEB --config "$EDGECACHE_BUILD_DIR/CPackConfig.cmake" -B "$SCRATCH/pkg" > "$SCRATCH/cpack.log" 2>&1 \
  || { cat "$SCRATCH/cpack.log" >&2; fail "cpack failed"; }
debs=("$SCRATCH"/pkg/edgecache_*.deb)
[ -f "${debs[0]}" ] || fail "no .deb in $SCRATCH/pkg: $(ls "$SCRATCH/pkg")"
deb=${debs[0]}

dpkg-deb -c "$deb" > "$SCRATCH/contents.txt"
for path in ./usr/bin/edgecache ./usr/share/edgecache/EdgeCache.cmake \
            ./usr/lib/cmake/EdgeCache/EdgeCacheConfig.cmake \
            ./usr/lib/cmake/EdgeCache/EdgeCacheConfigVersion.cmake; do
  expect_in "$SCRATCH/contents.txt" "$path" "the package holds $path"
done
expect_not_in "$SCRATCH/contents.txt" "/usr/bin/ninja" "Ninja's own install rules stay out"
dpkg-deb -f "$deb" Depends > "$SCRATCH/depends.txt"
for lib in libcurl libzstd1 libxxhash0; do
  expect_in "$SCRATCH/depends.txt" "$lib" "Depends names $lib"
done

note "find_package from the unpacked package"
dpkg-deb -x "$deb" "$SCRATCH/root"
b="$SCRATCH/build"
configure "$b.log" -S "$WITH_MODULE" -B "$b" -DCMAKE_PREFIX_PATH="$SCRATCH/root/usr"
expect_in "$b.log" "compiler launcher $SCRATCH/root/usr/bin/edgecache" "the package's own program is used"
build "$b"
expect_outcomes "every compile went through the packaged edgecache" "$b.decisions" "$(each_object "$b" ran)"
echo "PASS"
