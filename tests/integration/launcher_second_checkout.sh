# With a base dir, a second checkout at another absolute path hits, and its
# depfiles name the second checkout's files.
source "$(dirname "$0")/lib.sh"
copy_example "$SCRATCH/checkout-a"
copy_example "$SCRATCH/elsewhere/checkout-b"

EDGECACHE_BASEDIR="$SCRATCH/checkout-a" configure_with_launcher "$SCRATCH/checkout-a" "$SCRATCH/checkout-a/build"
EDGECACHE_BASEDIR="$SCRATCH/checkout-a" with_decisions "$SCRATCH/a.decisions" ninja -C "$SCRATCH/checkout-a/build" >/dev/null
expect_outcomes "checkout A" "$SCRATCH/a.decisions" "$(each_step ran $HELLO_COMPILES)"

EDGECACHE_BASEDIR="$SCRATCH/elsewhere/checkout-b" configure_with_launcher "$SCRATCH/elsewhere/checkout-b" "$SCRATCH/elsewhere/checkout-b/build"
EDGECACHE_BASEDIR="$SCRATCH/elsewhere/checkout-b" with_decisions "$SCRATCH/b.decisions" ninja -C "$SCRATCH/elsewhere/checkout-b/build" > "$SCRATCH/b.log"
expect_outcomes "checkout B" "$SCRATCH/b.decisions" "$(each_step local-hit $HELLO_COMPILES)"
same_objects "$SCRATCH/checkout-a/build" "$SCRATCH/elsewhere/checkout-b/build"
if grep -rl "checkout-a" --include='*.d' "$SCRATCH/elsewhere/checkout-b/build"; then
  fail "a depfile in checkout B names checkout A"
fi
# Ninja moved the restored depfile into its deps log.
ninja -C "$SCRATCH/elsewhere/checkout-b/build" -t deps CMakeFiles/greet.dir/src/greet.cpp.o \
  | grep "elsewhere/checkout-b/include/greet/greet.h" >/dev/null || fail "restored depfile does not name checkout B's header"
if ninja -C "$SCRATCH/elsewhere/checkout-b/build" -t deps | grep checkout-a >/dev/null; then
  fail "ninja's deps log in checkout B names checkout A"
fi
grep -q "elsewhere/checkout-b/src/shapes.cpp" "$SCRATCH/b.log" || fail "replayed warning does not name checkout B's file"

note "ninja in B tracks B's header: touching it rebuilds"
touch "$SCRATCH/elsewhere/checkout-b/include/greet/greet.h"
ninja -C "$SCRATCH/elsewhere/checkout-b/build" -n | grep "greet.cpp.o" >/dev/null || fail "header in B not tracked"

note "with base dirs switched off (EDGECACHE_BASEDIR=\"\"), absolute paths are part of the key"
copy_example "$SCRATCH/checkout-c"
EDGECACHE_BASEDIR= configure_with_launcher "$SCRATCH/checkout-c" "$SCRATCH/checkout-c/build"
EDGECACHE_BASEDIR= with_decisions "$SCRATCH/c.decisions" ninja -C "$SCRATCH/checkout-c/build" >/dev/null
expect_outcomes "checkout C without a base dir" "$SCRATCH/c.decisions" "$(each_step ran $HELLO_COMPILES)"
echo "PASS"
