# Helpers of the real-projects stage (run.sh): sources, configure and build
# in both cache modes, figures from the stats, and output comparison.

fail() { echo "real: FAIL: $*" >&2; FAILURES+=("$*"); return 1; }
say() { echo "real: $*"; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# sources PKG: the unpacked Debian source package, cached like Ninja's in
# scripts/bootstrap.sh (the deb-src entry comes from there); prints its dir.
sources() {
  local pkg=$1 dir="$SOURCE_CACHE/$1" tmp
  if [ ! -f "$dir/CMakeLists.txt" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && flock /tmp/edgecache-apt.lock apt-get source -qq "$pkg" >/dev/null 2>&1) ||
      { rm -rf "$tmp"; echo "real: apt-get source $pkg failed (deb-src entry: scripts/bootstrap.sh)" >&2; return 1; }
    mkdir -p "$SOURCE_CACHE" && rm -rf "$dir"
    mv "$tmp"/"$pkg"-*/ "$dir" && rm -rf "$tmp"
  fi
  echo "$dir"
}

# checkout DEST: a fresh copy of the project's pristine sources (mtimes
# kept, so a copied build dir stays up to date against it).
checkout() { rm -rf "$1" && mkdir -p "$(dirname "$1")" && cp -a "$PRISTINE" "$1"; }

# configure CHECKOUT MODE [cmake args...]: MODE plain, or launcher / ninja
# through the CMake module with no edit to the project (route 1). Plain is
# the module with the cache off: the same compile flags (the module's
# relocatable prefix maps, on by default), no launcher, plain ninja.
configure() {
  local dir=$1 mode=$2; shift 2
  local args=("${CMAKE_ARGS[@]}" "-DCMAKE_PROJECT_TOP_LEVEL_INCLUDES=$MODULE")
  if [ "$mode" = plain ]; then
    args+=("-DEDGECACHE_MODE=off")
  else
    args+=("-DEDGECACHE_MODE=$mode"
      "-DEDGECACHE_PROGRAM=$PREFIX/bin/edgecache" "-DEDGECACHE_NINJA_PROGRAM=$PREFIX/bin/edgecache-ninja")
  fi
  cmake -S "$dir" -B "$dir/build" -G Ninja "${args[@]}" "$@" >"$dir.configure.log" 2>&1 ||
    { tail -n 30 "$dir.configure.log" >&2; fail "configure of $dir ($mode)"; }
}

# build CHECKOUT MODE LOG [extra make-program args]: the stage's targets,
# through the make program CMake chose (ninja or edgecache-ninja).
build() {
  local dir=$1 mode=$2 log=$3; shift 3
  local program=ninja
  [ "$mode" = ninja ] && program=$PREFIX/bin/edgecache-ninja
  "$program" -C "$dir/build" "$@" "${TARGETS[@]}" >"$log" 2>&1 ||
    { tail -n 40 "$log" >&2; fail "build of $dir ($mode), log $log"; }
}

# stats_json: the stats of the current EDGECACHE_DIR.
stats_json() { "$PREFIX/bin/edgecache" stats --json; }

# figures BEFORE_JSON: what the stats gained since BEFORE_JSON, one line.
figures() {
  python3 - "$1" "$(stats_json)" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
d = {k: b.get(k, 0) - a.get(k, 0) for k in b if not k.startswith("cache.")}
unc = sum(v for k, v in d.items() if k.startswith("uncacheable."))
notst = {k[len("not-stored."):]: v for k, v in d.items() if k.startswith("not-stored.") and v}
print(f"hits {d.get('hit.local', 0) + d.get('hit.remote', 0)} (local {d.get('hit.local', 0)}, "
      f"remote {d.get('hit.remote', 0)}), misses {d.get('miss', 0)}, uncacheable {unc}"
      + (f", not stored {notst}" if notst else "")
      + (f", verified {d['verify.checked']} ({d.get('verify.mismatch', 0)} differed)" if d.get('verify.checked') else ""))
PY
}

# stat NAME: one counter of the current EDGECACHE_DIR.
stat() { stats_json | python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', 0))"; }

# outputs BUILD CONFIGURED_AT: every file an edge of BUILD writes that
# exists (generator and phony edges left out), relative to BUILD; absolute
# paths in build.ninja start with CONFIGURED_AT, where BUILD was configured.
outputs() {
  ninja -C "$1" -t targets all | sed -n 's/^\(.*\): \(.*\)$/\1 \2/p' |
    while read -r path rule; do
      case $rule in phony|RERUN_CMAKE|*CLEAN*|*INSTALL*) continue ;; esac
      path=${path#"$2"/}
      [ -f "$1/$path" ] && echo "$path"
    done | sort -u
}

# same_outputs REFERENCE BUILD OTHER_CHECKOUT: every output of the plain
# REFERENCE build exists in BUILD with the same bytes. A difference that
# disappears when OTHER_CHECKOUT's path (where an entry was made) is read
# as this checkout's is reported as path embedding; any other fails.
same_outputs() {
  local ref=$1 got=$2 other=$3 n=0 embedded=0 path
  for path in $(outputs "$ref" "$got"); do
    n=$((n + 1))
    [ -f "$got/$path" ] || { fail "$path missing from $got"; continue; }
    cmp -s "$ref/$path" "$got/$path" && continue
    if python3 - "$ref/$path" "$got/$path" "$other" "$(dirname "$got")" <<'PY'
import sys
ref, got = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
other, here = sys.argv[3].encode(), sys.argv[4].encode()
sys.exit(0 if got.replace(other, b"@") == ref.replace(here, b"@") and other in got else 1)
PY
    then
      embedded=$((embedded + 1))
      say "  path embedding: $path holds $other (restored from that checkout's entry)"
    else
      fail "$path differs from the plain build: $(cmp "$ref/$path" "$got/$path" | head -n 1)"
    fi
  done
  [ "$n" -gt 0 ] || fail "no outputs in $ref"
  say "  $n outputs compared with a plain build: $((n - embedded)) identical, $embedded differ only by an embedded checkout path"
}

# add_probe HEADER N: a string every includer compiles in, changed by N,
# inserted before the header's final #endif (inside its include guard).
add_probe() {
  python3 - "$1" "$2" <<'PY'
import sys
path, n = sys.argv[1], sys.argv[2]
text = open(path).read()
probe = f'__attribute__((used)) static const char edgecache_stage_probe_{n}[] = "edgecache real stage {n}";\n'
at = text.rfind("#endif")
open(path, "w").write(text[:at] + probe + text[at:] if at >= 0 else text + probe)
PY
}
