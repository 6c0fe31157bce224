# Relocatable by default (EDGECACHE_RELOCATABLE, ON unless turned off) with
# -g: two checkouts at different paths build byte-identical objects naming
# only paths relative to the build dir, the second checkout's compiles are
# all hits, and gdb started in the build dir still finds the sources.
# EDGECACHE_RELOCATABLE=OFF builds objects as CMake makes them.
source "$(dirname "$0")/cmake_module_lib.sh"

# checkout_build NAME CHECKOUT BUILD: copy with_module to CHECKOUT, build it in BUILD.
checkout_build() {
  mkdir -p "$2" && cp -r "$WITH_MODULE"/. "$2"/
  configure "$SCRATCH/$1.log" -S "$2" -B "$3" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug
  expect_in "$SCRATCH/$1.log" "relocatable ON" "$1 status line"
  build "$3"
}

# no_checkout_path BUILD PATH: no object names PATH (debug info, __FILE__).
no_checkout_path() {
  for o in $(objects_of "$1"); do
    ! grep -F "$2" "$1/$o" >/dev/null || fail "$o still contains $2"
  done
}

for layout in inside outside; do
  note "build dirs $layout the checkouts"
  fresh_cache "$layout"
  one="$SCRATCH/$layout/one/proj"
  two="$SCRATCH/$layout/second/deeper/proj"
  if [ "$layout" = inside ]; then b1="$one/build" b2="$two/build"
  # Outside: the same layout (a build dir beside the checkout), as objects
  # name the source dir relative to the build dir; the second build dir's
  # name shorter than the checkout's, the first's longer (the prefix maps'
  # order, part of every key, must not follow the dirs' lengths).
  else b1="$SCRATCH/$layout/one/build" b2="$SCRATCH/$layout/second/deeper/b"; fi
  checkout_build "$layout-one" "$one" "$b1"
  expect_outcomes "first checkout ($layout)" "$b1.decisions" "$(each_object "$b1" ran)"
  no_checkout_path "$b1" "$one"
  no_checkout_path "$b1" "$b1"
  checkout_build "$layout-two" "$two" "$b2"
  expect_outcomes "second checkout ($layout) hits every compile" "$b2.decisions" "$(each_object "$b2" local-hit)"
  same_objects "$b1" "$b2"
  note "gdb in the $layout build dir lists the source of a function"
  (cd "$b2" && gdb -batch -ex 'list circle_area' ./with_module) >"$SCRATCH/$layout.gdb" 2>&1
  grep -E "^[0-9]+[[:space:]]+namespace shapes" "$SCRATCH/$layout.gdb" >/dev/null ||
    fail "gdb does not find the source from $b2: $(cat "$SCRATCH/$layout.gdb")"
done

note "turned off, the debug info keeps the checkout path (the check above means something)"
fresh_cache plain
mkdir -p "$SCRATCH/plain" && cp -r "$WITH_MODULE"/. "$SCRATCH/plain"/
configure "$SCRATCH/plain.log" -S "$SCRATCH/plain" -B "$SCRATCH/plain/build" \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug -DEDGECACHE_RELOCATABLE=OFF
expect_in "$SCRATCH/plain.log" "relocatable OFF" "status line when turned off"
build "$SCRATCH/plain/build"
grep -F "$SCRATCH/plain" "$SCRATCH/plain/build/CMakeFiles/shapes.dir/src/shapes.cpp.o" >/dev/null \
  || fail "a -g object without the prefix map does not name its checkout"
echo "PASS"
