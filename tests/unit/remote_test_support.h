#pragma once
// Shared by the store tests: test keys (and test_support.h's TempDir).

#include <string>

#include "edgecache/cache_key.h"
#include "edgecache/file_io.h"
#include "edgecache/hash.h"
#include "test_support.h"

namespace edgecache::testing {

inline CacheKey test_key(const std::string& seed, ObjectKind kind = ObjectKind::kResult) {
  return CacheKey{kind, hash_bytes(seed)};
}

// A file's content, or "" when it cannot be read (for failure messages).
inline std::string read_or_empty(const std::string& path) {
  Result<std::string> content = read_file(path);
  return content ? *content : std::string();
}

}  // namespace edgecache::testing
