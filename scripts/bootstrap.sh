#!/usr/bin/env bash
# Installs the Debian packages edgecache needs to build and test, and unpacks
# Ninja's source (Ninja ships no library package) for edgecache-ninja.
# Idempotent: a no-op when everything is already present.
set -euo pipefail

packages=(
  g++ clang clang-tidy clang-format libclang-rt-14-dev cmake ninja-build pkg-config
  libxxhash-dev libzstd-dev libcurl4-openssl-dev libssl-dev nlohmann-json3-dev
  libgtest-dev googletest
  nginx-light openssl python3 redis-server gfortran  # openssl: the https test server's certificate
  ccache dpkg-dev curl chromium gdb
  re2c libgmock-dev libbenchmark-dev  # the real-projects stage (tests/real_projects)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# An S3-compatible server that checks SigV4 signatures, for the S3 tests:
# @20minutes/s3rver from the npm registry (Debian has none), kept outside
# the repository like Ninja's source (tests/fixtures/s3_fixture.sh finds it).
s3rver_dir="${EDGECACHE_S3RVER_DIR:-/var/cache/edgecache-bootstrap/s3rver}"
if [ ! -f "$s3rver_dir/node_modules/@20minutes/s3rver/lib/s3rver.js" ]; then
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  mkdir -p "$s3rver_dir"
  npm install --silent --no-audit --no-fund --prefix "$s3rver_dir" @20minutes/s3rver@5.0.0 >/dev/null
fi

# Ninja's source: the Debian source package, found through a deb-src entry
# derived from the machine's own apt source file (so no host is named here).
ninja_dir="${EDGECACHE_NINJA_SRC_ROOT:-/var/cache/edgecache-bootstrap}/ninja"
if [ ! -f "$ninja_dir/src/build.h" ]; then
  src_list=/etc/apt/sources.list.d/edgecache-deb-src.sources
  if [ ! -f "$src_list" ]; then
    if [ -f /etc/apt/sources.list.d/debian.sources ]; then
      sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$src_list"
    elif [ -f /etc/apt/sources.list ]; then
      grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > /etc/apt/sources.list.d/edgecache-deb-src.list
    fi
    apt-get update -qq
  fi
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq ninja-build >/dev/null 2>&1)
  mkdir -p "$(dirname "$ninja_dir")"
  rm -rf "$ninja_dir"
  mv "$work"/ninja-build-*/ "$ninja_dir"
  rm -rf "$work"
fi
echo "$ninja_dir"
