#pragma once
// What every unit test may use: a temporary directory per test, removed
// afterwards with everything in it.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "edgecache/blob_envelope.h"
#include "edgecache/file_io.h"
#include "edgecache/result.h"

namespace edgecache::testing {

// What a call came to, for EXPECT_EQ(code_of(...), ErrorCode::kNotFound):
// nullopt when it worked, else its error's code.
template <typename T>
std::optional<ErrorCode> code_of(const Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.code();
}

// An unsigned object as the cache writes it (the product seals through a
// BlobCodec, with the key the object is stored at; unsigned, any key of
// the kind does).
inline std::string seal_blob(ObjectKind kind, std::string_view payload) {
  return BlobCodec{}.seal(CacheKey{kind, {}}, payload);
}

// A fresh directory under $TMPDIR. `path()` is "" if it could not be made,
// which fails the test that uses it at its first file operation.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "edgecache-unit.XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created).
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string operator/(const std::string& name) const { return file(name); }
  // Writes `content` to `name` (its directory must exist) and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    EXPECT_TRUE(write_file_atomic(p, content));
    return p;
  }

 private:
  std::string path_;
};

}  // namespace edgecache::testing
