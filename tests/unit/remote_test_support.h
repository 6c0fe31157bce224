#pragma once
// Shared by the remote store tests: a temporary directory and test keys.

#include <cstdlib>
#include <filesystem>
#include <string>

#include "edgecache/cache_key.h"
#include "edgecache/file_io.h"
#include "edgecache/hash.h"

namespace edgecache::testing {

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "edgecache-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline CacheKey test_key(const std::string& seed, ObjectKind kind = ObjectKind::kResult) {
  return CacheKey{kind, hash_bytes(seed)};
}

// A file's content, or "" when it cannot be read (for failure messages).
inline std::string read_or_empty(const std::string& path) {
  Result<std::string> content = read_file(path);
  return content ? *content : std::string();
}

}  // namespace edgecache::testing
