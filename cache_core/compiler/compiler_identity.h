#pragma once
// Which compiler ran: the content hash of its binary, so an upgraded
// compiler misses even at the same path, and its version line for explain.
// (What it searches for headers: builtin_include_dirs.h.)

#include <string>

#include "edgecache/hash.h"
#include "edgecache/process.h"
#include "edgecache/result.h"

namespace edgecache {

// The content hash of `binary` (symlinks followed). Memoized across
// processes in <cache_dir>/compilers/ and within one, keyed by the stat data
// of the file it leads to, because hashing a large compiler binary on every
// compile would cost more than a hit.
Result<Hash128> compiler_identity(const std::string& binary, const std::string& cache_dir);

// The first line of `binary --version` ("gcc (Debian 12.2.0-14) 12.2.0"),
// memoized per identity like the include dirs; "" when it prints nothing.
// Part of the key only so that `edgecache explain` can name the versions
// when the compiler changed (the identity already decides hits).
std::string compiler_version(const std::string& binary, const Hash128& identity,
                             const std::string& cache_dir);

}  // namespace edgecache
