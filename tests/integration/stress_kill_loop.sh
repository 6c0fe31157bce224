# The launcher and the wrapper killed with SIGKILL at random moments while
# they compile and store: no partial or corrupt object is ever left where a
# reader takes it, and the cache keeps working with correct results.
source "$(dirname "$0")/lib.sh"
E="$EDGECACHE_BIN"
W="$EDGECACHE_NINJA_BIN"
export EDGECACHE_REMOTE="file://$SCRATCH/shared"
mkdir -p "$SCRATCH/w" && cd "$SCRATCH/w"
# A compile long enough (~0.3 s) that kills land in every phase of it.
{
  echo '#include <map>'; echo '#include <string>'; echo '#include <vector>'; echo '#include <sstream>'
  for i in $(seq 1 20); do
    echo "std::string f$i(const std::vector<int>& v) { std::map<int, std::string> m; std::ostringstream o;"
    echo "  for (int x : v) { m[x] = std::to_string(x * $i); o << m[x]; } return o.str(); }"
  done
} > big.cpp
g++ -O1 -c big.cpp -o expected.o

kills=0
for i in $(seq 1 12); do
  rm -rf "$EDGECACHE_DIR" "$SCRATCH/shared"   # every round starts cold: the store is what we kill
  "$E" g++ -O1 -c big.cpp -o big.o &
  pid=$!
  sleep "0.$(( RANDOM % 60 ))"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1)) || true
  wait "$pid" 2>/dev/null || true
  wait_uploads "$EDGECACHE_DIR"   # an upload the killed launcher had handed to its child
  "$E" verify > verify.txt || fail "round $i: a bad object was left behind: $(cat verify.txt)"
  EDGECACHE_DIR="$SCRATCH/shared-check" "$E" verify >/dev/null
  rm -f big.o
  "$E" g++ -O1 -c big.cpp -o big.o
  wait_uploads "$EDGECACHE_DIR"
  cmp big.o expected.o || fail "round $i: object after a kill differs from a plain compile"
done
echo "launcher: $kills of 12 rounds killed mid-run, cache consistent every time"
[ "$kills" -ge 3 ] || fail "too few kills landed ($kills): the test proves nothing"

note "the wrapper killed during a cached build"
copy_example "$SCRATCH/src"
cmake -S "$SCRATCH/src" -B "$SCRATCH/plain" -G Ninja -DCMAKE_BUILD_TYPE= >/dev/null
ninja -C "$SCRATCH/plain" >/dev/null
unset EDGECACHE_REMOTE
rm -rf "$EDGECACHE_DIR"
cmake -S "$SCRATCH/src" -B "$SCRATCH/b" -G Ninja -DCMAKE_BUILD_TYPE= -DCMAKE_MAKE_PROGRAM="$W" >/dev/null
for i in $(seq 1 5); do
  rm -rf "$SCRATCH/b/CMakeFiles/greet.dir" "$SCRATCH/b/CMakeFiles/hello.dir" "$SCRATCH/b/libgreet.a" "$SCRATCH/b/hello"
  "$W" -C "$SCRATCH/b" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$(( RANDOM % 90 ))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sleep 0.2   # let orphaned compiler processes finish
  "$E" verify > verify.txt || fail "wrapper round $i: bad object: $(cat verify.txt)"
done
"$W" -C "$SCRATCH/b" >/dev/null
same_objects "$SCRATCH/plain" "$SCRATCH/b"
cmp "$SCRATCH/plain/hello" "$SCRATCH/b/hello" || fail "hello differs after killed wrapper builds"
echo "PASS"
